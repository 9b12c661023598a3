// Views derived from a ThreadTimeline. All walks are iterative: 100k-deep
// stacks must not overflow the JS call stack.
import { GrowableFloat64, GrowableUint32, resized } from './growable-arrays.ts';
import type { ThreadTimeline } from './thread-timeline.ts';

/** Parent interval of each interval, -1 for roots. */
export function parentIndices(t: ThreadTimeline): Int32Array {
  const parent = new Int32Array(t.count);
  const lastAtDepth: number[] = [];
  for (let i = 0; i < t.count; i++) {
    const d = t.depth[i];
    parent[i] = d === 0 ? -1 : lastAtDepth[d - 1];
    lastAtDepth[d] = i;
  }
  return parent;
}

/** Self time of each interval: its duration minus the durations of its children. */
export function intervalSelfTimes(t: ThreadTimeline, parent = parentIndices(t)): Float64Array {
  const self = new Float64Array(t.count);
  const { start, end } = t;
  // One pass: a parent comes before its children (preorder), so its duration is in place when they subtract theirs.
  for (let i = 0; i < t.count; i++) {
    const duration = end[i] - start[i];
    self[i] = duration;
    const p = parent[i];
    if (p >= 0) self[p] -= duration;
  }
  for (let i = 0; i < t.count; i++) if (self[i] < 0) self[i] = 0;
  return self;
}

export interface FunctionStats {
  /** Indexed by frame. */
  self: Float64Array;
  /** Time with the function anywhere on the stack; recursion counted once. */
  total: Float64Array;
}

/** `selfOfInterval`: intervalSelfTimes(t), when the caller has it. */
export function functionStats(t: ThreadTimeline, frameCount: number, selfOfInterval = intervalSelfTimes(t)): FunctionStats {
  const self = new Float64Array(frameCount);
  const total = new Float64Array(frameCount);
  // How many open intervals on the current path have each frame: only the outermost counts for total.
  const onPath = new Uint32Array(frameCount);
  // The frames of the open intervals, a typed stack (this loop runs once per interval).
  let pathFrames = new Uint32Array(256);
  let open = 0;
  const { depth, frame, start, end } = t;
  for (let i = 0; i < t.count; i++) {
    const d = depth[i];
    while (open > d) onPath[pathFrames[--open]]--;
    const f = frame[i];
    self[f] += selfOfInterval[i];
    if (onPath[f] === 0) total[f] += end[i] - start[i];
    onPath[f]++;
    if (open === pathFrames.length) pathFrames = resized(pathFrames, open * 2);
    pathFrames[open++] = f;
  }
  return { self, total };
}

/**
 * Identical call paths merged into one node, as in a left-heavy flame graph or
 * a top-down call tree.
 */
export interface MergedCallTree {
  count: number;
  frame: Uint32Array;
  parent: Int32Array;
  depth: Uint32Array;
  total: Float64Array;
  self: Float64Array;
  /** Node indices in preorder with the heaviest child first (left-heavy drawing order). */
  order: Uint32Array;
  /** Horizontal position of each node in the left-heavy layout, 0 at the left edge. */
  offset: Float64Array;
  /** Merged node that each timeline interval belongs to. */
  nodeOfInterval: Uint32Array;
}

/** `selfOfInterval`: intervalSelfTimes(t), when the caller has it. */
export function buildMergedCallTree(t: ThreadTimeline, selfOfInterval = intervalSelfTimes(t)): MergedCallTree {
  const nodeOfInterval = new Uint32Array(t.count);
  const nodes = new MergedNodes();
  const pathNodes = new GrowableUint32(256);
  for (let i = 0; i < t.count; i++) {
    const d = t.depth[i];
    const node = nodes.nodeFor(d === 0 ? 0 : pathNodes.data[d - 1] + 1, t.frame[i], d);
    nodes.totals.data[node] += t.end[i] - t.start[i];
    nodes.selfs.data[node] += selfOfInterval[i];
    nodeOfInterval[i] = node;
    pathNodes.length = d;
    pathNodes.push(node);
  }
  return nodes.finish(nodeOfInterval);
}

/**
 * The subtrees under the nodes of `tree` that `isRoot` picks (none inside
 * another's), each rebased to depth 0 and merged: the tree buildMergedCallTree
 * gives for the calls those nodes hold, computed from the nodes alone. Nodes
 * are taken in creation order, which is the order of their first calls, so
 * the result's nodes (and the order of equal siblings) are those of the calls'
 * tree. Its nodeOfInterval is empty: it was merged from nodes, not intervals.
 */
export function mergeSubtrees(tree: MergedCallTree, isRoot: (node: number) => boolean): MergedCallTree {
  const nodes = new MergedNodes();
  const merged = new Int32Array(tree.count).fill(-1);
  for (let n = 0; n < tree.count; n++) {
    const p = tree.parent[n];
    const under = p >= 0 ? merged[p] : -1;
    if (under < 0 && !isRoot(n)) continue;
    const node = under < 0 ? nodes.nodeFor(0, tree.frame[n], 0) : nodes.nodeFor(under + 1, tree.frame[n], nodes.depths.data[under] + 1);
    nodes.totals.data[node] += tree.total[n];
    nodes.selfs.data[node] += tree.self[n];
    merged[n] = node;
  }
  return nodes.finish(new Uint32Array(0));
}

/**
 * A merged tree's nodes as they are created: (parent, frame) -> node through
 * an open-addressing table, which is several times faster than a Map on
 * millions of intervals; growable typed arrays. Parents are stored +1 so
 * roots fit in a Uint32.
 */
class MergedNodes {
  readonly frames = new GrowableUint32();
  readonly parentsPlusOne = new GrowableUint32();
  readonly depths = new GrowableUint32();
  readonly totals = new GrowableFloat64();
  readonly selfs = new GrowableFloat64();
  private table = new Int32Array(2048).fill(-1);

  /** The node of `frame` under the node `parentPlusOne - 1` (0: a root), created with 0 time when new. */
  nodeFor(parentPlusOne: number, frame: number, depth: number): number {
    const { frames, parentsPlusOne } = this;
    const mask = this.table.length - 1;
    let slot = slotOf(parentPlusOne, frame, mask);
    let node = this.table[slot];
    while (node !== -1 && (parentsPlusOne.data[node] !== parentPlusOne || frames.data[node] !== frame)) {
      slot = (slot + 1) & mask;
      node = this.table[slot];
    }
    if (node !== -1) return node;
    node = frames.push(frame);
    parentsPlusOne.push(parentPlusOne);
    this.depths.push(depth);
    this.totals.push(0);
    this.selfs.push(0);
    this.table[slot] = node;
    if (frames.length * 2 > this.table.length) this.grow();
    return node;
  }

  private grow(): void {
    const { frames, parentsPlusOne } = this;
    this.table = new Int32Array(this.table.length * 2).fill(-1);
    const mask = this.table.length - 1;
    for (let n = 0; n < frames.length; n++) {
      let s = slotOf(parentsPlusOne.data[n], frames.data[n], mask);
      while (this.table[s] !== -1) s = (s + 1) & mask;
      this.table[s] = n;
    }
  }

  /** The tree with its heaviest-first preorder and left-heavy offsets. */
  finish(nodeOfInterval: Uint32Array): MergedCallTree {
    const count = this.frames.length;
    const parent = new Int32Array(count);
    for (let n = 0; n < count; n++) parent[n] = this.parentsPlusOne.data[n] - 1;
    const total = this.totals.trimmed();
    // Children in CSR form, then sorted heaviest first.
    const childStart = new Uint32Array(count + 2);
    for (let n = 0; n < count; n++) childStart[parent[n] + 2]++;
    for (let n = 1; n < count + 2; n++) childStart[n] += childStart[n - 1];
    const children = new Uint32Array(count);
    const fill = childStart.slice();
    for (let n = 0; n < count; n++) children[fill[parent[n] + 1]++] = n;
    for (let p = 0; p < count + 1; p++) {
      const a = childStart[p];
      const b = childStart[p + 1];
      if (b - a > 1) children.subarray(a, b).sort((x, y) => total[y] - total[x] || x - y);
    }

    const order = new Uint32Array(count);
    const offset = new Float64Array(count);
    let written = 0;
    const stack: number[] = [];
    // Roots are children of the virtual node -1 (slot 0 in childStart).
    let x = 0;
    for (let c = childStart[0]; c < childStart[1]; c++) {
      offset[children[c]] = x;
      x += total[children[c]];
    }
    for (let c = childStart[1] - 1; c >= childStart[0]; c--) stack.push(children[c]);
    while (stack.length > 0) {
      const n = stack.pop()!;
      order[written++] = n;
      let childX = offset[n];
      const a = childStart[n + 1];
      const b = childStart[n + 2];
      for (let c = a; c < b; c++) {
        offset[children[c]] = childX;
        childX += total[children[c]];
      }
      for (let c = b - 1; c >= a; c--) stack.push(children[c]);
    }

    return {
      count,
      frame: this.frames.trimmed(),
      parent,
      depth: this.depths.trimmed(),
      total,
      self: this.selfs.trimmed(),
      order,
      offset,
      nodeOfInterval,
    };
  }
}

function slotOf(parentPlusOne: number, frame: number, mask: number): number {
  return ((Math.imul(parentPlusOne, 0x9e3779b1) ^ Math.imul(frame, 0x85ebca6b)) >>> 0) & mask;
}

/** The nodes of `frame` with no ancestor of `frame`: they hold its outermost calls, the ones its total counts. */
export function outermostNodes(tree: MergedCallTree, frame: number): number[] {
  const under = new Uint8Array(tree.count);
  const nodes: number[] = [];
  for (let n = 0; n < tree.count; n++) {
    const p = tree.parent[n];
    const below = p >= 0 && (under[p] === 1 || tree.frame[p] === frame);
    if (below) under[n] = 1;
    else if (tree.frame[n] === frame) nodes.push(n);
  }
  return nodes;
}
