// What a flame chart draws: rectangles grouped into rows (one per stack depth),
// each row sorted by x so the visible part of a row is found by binary search.
// Built once per thread and view; drawing never touches the profile again.
import type { MergedCallTree } from '../../shared-importer/src/model/call-tree.ts';
import type { ThreadTimeline } from '../../shared-importer/src/model/thread-timeline.ts';

export interface FlameLayout {
  /** Number of rectangles ("slots"). Slot order: row 0 first, each row sorted by x0. */
  count: number;
  /** Number of rows (max depth + 1). */
  rows: number;
  /** rowStart[d]..rowStart[d+1] are the slots of row d. Length rows + 1. */
  rowStart: Uint32Array;
  x0: Float64Array;
  x1: Float64Array;
  frame: Uint32Array;
  /** Interval index (time order) or merged-tree node (left heavy, sandwich) behind each slot. */
  source: Uint32Array;
  /**
   * Self weight of a slot (its width minus its children's). A function, not an
   * array: only hovering and selection need it, and for a time order it costs
   * a pass over the thread the first frame does not wait for.
   */
  selfOf(slot: number): number;
  /** Extent of all slots on the x axis. */
  min: number;
  max: number;
}

/**
 * Slots from items given in preorder (parents before children, so each row
 * reads left to right in that order), bucketed into rows by a counting sort
 * that keeps the preorder order within each row. `order` is null for the
 * identity order (a timeline), else the item at each preorder position.
 * `selfOfItem` gives the items' self weights when first asked.
 */
function layoutFromPreorder(
  n: number,
  order: Uint32Array | null,
  depth: Uint32Array,
  x0Of: Float64Array,
  /** Right edges, or widths when `widths` is set. */
  x1Of: Float64Array,
  widths: boolean,
  frameOf: Uint32Array,
  selfOfItem: () => Float64Array,
): FlameLayout {
  let rows = 0;
  for (let i = 0; i < n; i++) if (depth[i] >= rows) rows = depth[i] + 1;
  const rowStart = new Uint32Array(rows + 1);
  for (let i = 0; i < n; i++) rowStart[depth[i] + 1]++;
  for (let d = 1; d <= rows; d++) rowStart[d] += rowStart[d - 1];
  const fill = rowStart.slice(0, Math.max(rows, 1));
  const x0 = new Float64Array(n);
  const x1 = new Float64Array(n);
  const frame = new Uint32Array(n);
  const source = new Uint32Array(n);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const item = order === null ? i : order[i];
    const slot = fill[depth[item]]++;
    const a = x0Of[item];
    const b = widths ? a + x1Of[item] : x1Of[item];
    x0[slot] = a;
    x1[slot] = b;
    frame[slot] = frameOf[item];
    source[slot] = item;
    if (a < min) min = a;
    if (b > max) max = b;
  }
  if (min === Infinity) {
    min = 0;
    max = 0;
  }
  return { count: n, rows, rowStart, x0, x1, frame, source, min, max, selfOf: (slot) => selfOfItem()[source[slot]] };
}

/** Time order: the thread's intervals exactly as they happened; `intervalSelf` is called on the first selfOf. */
export function timeOrderLayout(t: ThreadTimeline, intervalSelf: () => Float64Array): FlameLayout {
  const layout = layoutFromPreorder(t.count, null, t.depth, t.start, t.end, false, t.frame, intervalSelf);
  if (t.count > 0) {
    // The thread's observed span can be wider than its calls (markers, idle time at the ends).
    layout.min = Math.min(layout.min, t.startTime);
    layout.max = Math.max(layout.max, t.endTime);
  }
  return layout;
}

/** Left heavy (and the sandwich graphs): identical stacks merged, heaviest child first. */
export function mergedTreeLayout(tree: MergedCallTree): FlameLayout {
  return layoutFromPreorder(tree.count, tree.order, tree.depth, tree.offset, tree.total, true, tree.frame, () => tree.self);
}

/** First slot in row `d` whose right edge is beyond x (rows are non-overlapping, so x1 ascends too). */
export function firstSlotEndingAfter(layout: FlameLayout, d: number, x: number): number {
  let lo = layout.rowStart[d];
  let hi = layout.rowStart[d + 1];
  const x1 = layout.x1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x1[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First slot in row `d`, at or after `from`, that starts at or after x. */
export function firstSlotStartingAtOrAfter(layout: FlameLayout, d: number, x: number, from: number): number {
  let lo = from;
  let hi = layout.rowStart[d + 1];
  const x0 = layout.x0;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x0[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The slot covering x in row d, or -1. */
export function slotAt(layout: FlameLayout, d: number, x: number): number {
  if (d < 0 || d >= layout.rows) return -1;
  const s = firstSlotEndingAfter(layout, d, x);
  if (s < layout.rowStart[d + 1] && layout.x0[s] <= x) return s;
  return -1;
}

/** Row of a slot (binary search over rowStart). */
export function rowOfSlot(layout: FlameLayout, slot: number): number {
  let lo = 0;
  let hi = layout.rows - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (layout.rowStart[mid] <= slot) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The slot whose source (interval or node) is `source`, or -1. Linear; used on selection, not per frame. */
export function slotOfSource(layout: FlameLayout, source: number): number {
  const s = layout.source;
  for (let i = 0; i < layout.count; i++) if (s[i] === source) return i;
  return -1;
}

export type SlotStep = 'parent' | 'child' | 'previous' | 'next';

/**
 * The block a keyboard step moves to from `slot`: the caller (row above),
 * the first callee (row below), or the neighbour in the same row. -1 when
 * there is none. With no slot yet, any step picks the first block in row 0.
 */
export function neighbourSlot(layout: FlameLayout, slot: number, step: SlotStep): number {
  if (layout.count === 0) return -1;
  if (slot < 0 || slot >= layout.count) return layout.rowStart[1] > 0 ? 0 : -1;
  const d = rowOfSlot(layout, slot);
  const mid = (layout.x0[slot] + layout.x1[slot]) / 2;
  switch (step) {
    case 'previous':
      return slot > layout.rowStart[d] ? slot - 1 : -1;
    case 'next':
      return slot + 1 < layout.rowStart[d + 1] ? slot + 1 : -1;
    case 'parent':
      return d === 0 ? -1 : slotAt(layout, d - 1, mid);
    case 'child': {
      if (d + 1 >= layout.rows) return -1;
      const first = firstSlotEndingAfter(layout, d + 1, layout.x0[slot]);
      return first < layout.rowStart[d + 2] && layout.x0[first] < layout.x1[slot] ? first : -1;
    }
  }
}
