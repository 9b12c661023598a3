// A thread as seen through a time window: the intervals that can overlap the
// window, each clipped to it, as a timeline of their own. Only the window's
// part of the thread is read, so a call on the last second of a long
// recording costs that second, not everything before it. The slice numbers
// its intervals from `first` on; the helpers below give back the thread's own
// ids (task intervals, merged call tree nodes), which the summary uses.
// The last few windows of each thread are kept with their views: a model
// drilling into one window calls several tools on it.
import type { FunctionStats, MergedCallTree } from '../model/call-tree.ts';
import type { ThreadTimeline } from '../model/thread-timeline.ts';
import type { Profile } from '../model/profile.ts';
import { threadFunctionStats, threadMergedTree, threadParents, threadViews, TimelineViews } from './thread-derived.ts';
import type { TimeWindow } from './tool-input.ts';

export interface WindowSlice {
  timeline: ThreadTimeline;
  /** Interval of the thread that the slice's interval 0 is. */
  first: number;
}

/**
 * Windows kept per thread, most recently used last. A window holds about 32
 * bytes per interval it spans (clipped times, parents, tree nodes): two keep
 * what compare_windows reads, or a window that thread_summary and call_tree
 * both look at, at about the memory one call on two windows needed anyway.
 */
const KEPT_WINDOWS = 2;

interface WindowViews {
  slice: WindowSlice;
  views: TimelineViews;
}

const windowsByThread = new WeakMap<ThreadTimeline, Map<string, WindowViews>>();

function windowViews(t: ThreadTimeline, window: TimeWindow): WindowViews {
  let kept = windowsByThread.get(t);
  if (!kept) windowsByThread.set(t, (kept = new Map<string, WindowViews>()));
  const key = `${window.start}:${window.end}`;
  let views = kept.get(key);
  if (views) kept.delete(key);
  else {
    const slice = sliceOf(t, window);
    views = { slice, views: new TimelineViews(slice.timeline) };
  }
  kept.set(key, views);
  if (kept.size > KEPT_WINDOWS) kept.delete(kept.keys().next().value!);
  return views;
}

/** The whole thread when `window` is null. */
export function windowSlice(t: ThreadTimeline, window: TimeWindow | null): WindowSlice {
  return window === null ? { timeline: t, first: 0 } : windowViews(t, window).slice;
}

/** The views of the window's slice (the thread's own when `window` is null). */
export function windowTimelineViews(t: ThreadTimeline, window: TimeWindow | null): TimelineViews {
  return window === null ? threadViews(t) : windowViews(t, window).views;
}

/** Function stats of the window's slice (the thread's own when `window` is null). */
export function windowFunctionStats(profile: Profile, t: ThreadTimeline, window: TimeWindow | null): FunctionStats {
  if (window === null) return threadFunctionStats(profile, t);
  return windowViews(t, window).views.stats(profile.frames.length);
}

function sliceOf(t: ThreadTimeline, window: TimeWindow): WindowSlice {
  const end = firstStartAtOrAfter(t, window.end);
  const first = firstOverlapping(t, window.start, end);
  const count = end - first;
  // Copied whole, then clipped where a call crosses an edge: the calls that
  // started before the window (the first root's, up to the window start) and
  // those still running at its end (the last call and its ancestors).
  const start = t.start.slice(first, end);
  const stop = t.end.slice(first, end);
  const clip = (k: number) => {
    start[k] = Math.min(Math.max(start[k], window.start), window.end);
    stop[k] = Math.min(Math.max(stop[k], window.start), window.end);
  };
  const startedBefore = firstStartAtOrAfter(t, window.start) - first;
  for (let k = 0; k < startedBefore; k++) clip(k);
  const parent = threadParents(t);
  for (let i = end - 1; i >= first; i = parent[i]) if (t.end[i] > window.end) clip(i - first);
  const timeline: ThreadTimeline = {
    ...t,
    count,
    frame: t.frame.subarray(first, end),
    depth: t.depth.subarray(first, end),
    start,
    end: stop,
    startTime: window.start,
    endTime: window.end,
    markers: t.markers.filter((m) => m.end >= window.start && m.start < window.end),
  };
  return { timeline, first };
}

/**
 * The slice's merged call tree node -> the thread's node of the same call
 * path (the summary's `path:` ids), through the intervals each node holds.
 */
export function threadNodesOf(t: ThreadTimeline, slice: WindowSlice, tree: MergedCallTree): Uint32Array {
  const threadNode = new Uint32Array(tree.count);
  if (slice.timeline === t) {
    for (let n = 0; n < tree.count; n++) threadNode[n] = n;
    return threadNode;
  }
  const whole = threadMergedTree(t);
  for (let k = 0; k < slice.timeline.count; k++) threadNode[tree.nodeOfInterval[k]] = whole.nodeOfInterval[slice.first + k];
  return threadNode;
}

/** The merged call tree of the window's slice, computed once per kept window (the thread's own when `window` is null). */
export function windowMergedTree(t: ThreadTimeline, window: TimeWindow | null): MergedCallTree {
  if (window === null) return threadMergedTree(t);
  return windowViews(t, window).views.tree;
}

/** Intervals are sorted by start: binary search for the first one starting at or after `time`. */
function firstStartAtOrAfter(t: ThreadTimeline, time: number): number {
  let low = 0;
  let high = t.count;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (t.start[mid] < time) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * The first interval that can reach `time`: the root (depth 0) of the last
 * interval starting before it, if that root is still running at `time`.
 * Every interval before it belongs to a root that ended by then; a slice
 * starting there stays in preorder with roots at depth 0.
 */
function firstOverlapping(t: ThreadTimeline, time: number, end: number): number {
  const after = firstStartAtOrAfter(t, time);
  if (after === 0) return 0;
  const parent = threadParents(t);
  let root = after - 1;
  while (parent[root] >= 0) root = parent[root];
  return Math.min(t.end[root] > time ? root : after, end);
}
