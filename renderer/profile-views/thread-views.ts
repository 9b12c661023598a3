// Derived data per thread, computed on first use and kept as long as the
// thread is: parent links, self times, per-function stats and the flame
// layouts. A WeakMap keyed by the timeline lets a new trace free the old one.
import { buildMergedCallTree, functionStats, intervalSelfTimes, parentIndices, type FunctionStats } from '../../shared-importer/src/model/call-tree.ts';
import type { ThreadTimeline } from '../../shared-importer/src/model/thread-timeline.ts';
import { mergedTreeLayout, timeOrderLayout, type FlameLayout } from '../flame-chart/flame-layout.ts';
import { callersTree, calleesTree } from './sandwich-trees.ts';

export interface ThreadViews {
  parent(): Int32Array;
  intervalSelf(): Float64Array;
  stats(): FunctionStats;
  timeOrder(): FlameLayout;
  leftHeavy(): FlameLayout;
  callers(fn: number): FlameLayout;
  callees(fn: number): FlameLayout;
}

const cache = new WeakMap<ThreadTimeline, ThreadViews>();

function lazy<T>(compute: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= compute());
}

export function threadViews(t: ThreadTimeline, frameCount: number): ThreadViews {
  let views = cache.get(t);
  if (views) return views;
  const parent = lazy(() => parentIndices(t));
  const intervalSelf = lazy(() => intervalSelfTimes(t, parent()));
  // Sandwich graphs are cheap next to the whole thread; keep only the latest pair.
  let sandwichFor = -1;
  let sandwich: { callers: FlameLayout; callees: FlameLayout } | undefined;
  const sandwichOf = (fn: number) => {
    if (fn !== sandwichFor || !sandwich) {
      sandwich = {
        callers: mergedTreeLayout(callersTree(t, parent(), fn)),
        callees: mergedTreeLayout(calleesTree(t, fn)),
      };
      sandwichFor = fn;
    }
    return sandwich;
  };
  views = {
    parent,
    intervalSelf,
    stats: lazy(() => functionStats(t, frameCount)),
    timeOrder: lazy(() => timeOrderLayout(t, intervalSelf)),
    leftHeavy: lazy(() => mergedTreeLayout(buildMergedCallTree(t))),
    callers: (fn) => sandwichOf(fn).callers,
    callees: (fn) => sandwichOf(fn).callees,
  };
  cache.set(t, views);
  return views;
}
