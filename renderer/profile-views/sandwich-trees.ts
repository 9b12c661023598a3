// The two graphs of the sandwich view for one function, built by rewriting the
// thread into a small synthetic timeline and merging it with the same
// buildMergedCallTree the left-heavy view uses. Only the outermost call of a
// recursive function counts, so totals match functionStats.
import { buildMergedCallTree, type MergedCallTree } from '../../shared-importer/src/model/call-tree.ts';
import type { ThreadTimeline } from '../../shared-importer/src/model/thread-timeline.ts';

function syntheticTimeline(id: string, frame: number[], start: number[], end: number[], depth: number[]): ThreadTimeline {
  return {
    id,
    name: id,
    count: frame.length,
    frame: Uint32Array.from(frame),
    start: Float64Array.from(start),
    end: Float64Array.from(end),
    depth: Uint32Array.from(depth),
    startTime: start.length ? start[0] : 0,
    endTime: end.length ? end[end.length - 1] : 0,
    markers: [],
    sampleCount: 0,
  };
}

/** Everything `fn` called: its outermost calls' subtrees, merged, rooted at `fn`. */
export function calleesTree(t: ThreadTimeline, fn: number): MergedCallTree {
  const frame: number[] = [];
  const start: number[] = [];
  const end: number[] = [];
  const depth: number[] = [];
  for (let i = 0; i < t.count;) {
    if (t.frame[i] !== fn) {
      i++;
      continue;
    }
    // Preorder keeps a subtree contiguous: it runs until depth returns to the root's.
    const base = t.depth[i];
    let j = i;
    do {
      frame.push(t.frame[j]);
      start.push(t.start[j]);
      end.push(t.end[j]);
      depth.push(t.depth[j] - base);
      j++;
    } while (j < t.count && t.depth[j] > base);
    i = j;
  }
  return buildMergedCallTree(syntheticTimeline('callees', frame, start, end, depth));
}

/**
 * Who called `fn`: each outermost call's stack read from `fn` outwards, merged,
 * so the root is `fn` and row 1 holds its direct callers. Weights are the
 * calls' total times.
 */
export function callersTree(t: ThreadTimeline, parent: Int32Array, fn: number): MergedCallTree {
  const frame: number[] = [];
  const start: number[] = [];
  const end: number[] = [];
  const depth: number[] = [];
  let cursor = 0;
  for (let i = 0; i < t.count;) {
    if (t.frame[i] !== fn) {
      i++;
      continue;
    }
    const duration = t.end[i] - t.start[i];
    let d = 0;
    for (let p = i; p >= 0; p = parent[p]) {
      frame.push(t.frame[p]);
      start.push(cursor);
      end.push(cursor + duration);
      depth.push(d++);
    }
    cursor += duration;
    // Skip recursive calls inside this one: they are already counted.
    const base = t.depth[i];
    i++;
    while (i < t.count && t.depth[i] > base) i++;
  }
  return buildMergedCallTree(syntheticTimeline('callers', frame, start, end, depth));
}
