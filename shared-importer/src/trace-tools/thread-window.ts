// A thread as seen through a time window: the intervals that can overlap the
// window, each clipped to it, as a timeline of their own. Only the window's
// part of the thread is read, so a call on the last second of a long
// recording costs that second, not everything before it. The slice numbers
// its intervals from `first` on; the helpers below give back the thread's own
// ids (task intervals, merged call tree nodes), which the summary uses.
import { buildMergedCallTree, type MergedCallTree } from '../model/call-tree.ts';
import type { ThreadTimeline } from '../model/thread-timeline.ts';
import { threadMergedTree, threadParents } from './thread-derived.ts';
import type { TimeWindow } from './tool-input.ts';

export interface WindowSlice {
  timeline: ThreadTimeline;
  /** Interval of the thread that the slice's interval 0 is. */
  first: number;
}

/** The whole thread when `window` is null. */
export function windowSlice(t: ThreadTimeline, window: TimeWindow | null): WindowSlice {
  if (window === null) return { timeline: t, first: 0 };
  const end = firstStartAtOrAfter(t, window.end);
  const first = firstOverlapping(t, window.start, end);
  const count = end - first;
  const start = new Float64Array(count);
  const stop = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    start[k] = Math.min(Math.max(t.start[first + k], window.start), window.end);
    stop[k] = Math.min(Math.max(t.end[first + k], window.start), window.end);
  }
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

/** The slice's merged call tree: the thread's own (computed once) when the slice is the whole thread. */
export function sliceMergedTree(t: ThreadTimeline, slice: WindowSlice): MergedCallTree {
  return slice.timeline === t ? threadMergedTree(t) : buildMergedCallTree(slice.timeline);
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
