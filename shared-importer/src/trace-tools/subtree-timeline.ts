// Parts of a thread as a timeline of their own, for merging with
// buildMergedCallTree: the subtrees under chosen calls, each rebased to depth 0.
// This is how the sandwich view builds its callee graph
// (renderer/profile-views/sandwich-trees.ts), so totals agree with it.
import type { ThreadTimeline } from '../model/thread-timeline.ts';

export interface SubtreeTimeline {
  timeline: ThreadTimeline;
  /** Interval of the source thread that each interval of `timeline` is. */
  source: Uint32Array;
}

/** The calls of `frame` not nested in another call of it (only these count for its total). */
export function outermostCalls(t: ThreadTimeline, frame: number): number[] {
  const calls: number[] = [];
  for (let i = 0; i < t.count;) {
    if (t.frame[i] !== frame) {
      i++;
      continue;
    }
    calls.push(i);
    i = subtreeEnd(t, i);
  }
  return calls;
}

/** One past the last descendant of interval `i` (preorder keeps a subtree contiguous). */
export function subtreeEnd(t: ThreadTimeline, i: number): number {
  const base = t.depth[i];
  let j = i + 1;
  while (j < t.count && t.depth[j] > base) j++;
  return j;
}

/** The subtrees under `roots` (disjoint intervals in start order), concatenated. */
export function subtreeTimeline(t: ThreadTimeline, roots: readonly number[]): SubtreeTimeline {
  let count = 0;
  const ends = roots.map((r) => {
    const end = subtreeEnd(t, r);
    count += end - r;
    return end;
  });
  const frame = new Uint32Array(count);
  const start = new Float64Array(count);
  const end = new Float64Array(count);
  const depth = new Uint32Array(count);
  const source = new Uint32Array(count);
  let k = 0;
  roots.forEach((r, n) => {
    const base = t.depth[r];
    for (let i = r; i < ends[n]; i++, k++) {
      frame[k] = t.frame[i];
      start[k] = t.start[i];
      end[k] = t.end[i];
      depth[k] = t.depth[i] - base;
      source[k] = i;
    }
  });
  const timeline: ThreadTimeline = {
    id: t.id,
    name: t.name,
    count,
    frame,
    start,
    end,
    depth,
    startTime: count > 0 ? start[0] : 0,
    endTime: count > 0 ? end[count - 1] : 0,
    markers: [],
    sampleCount: 0,
  };
  return { timeline, source };
}
