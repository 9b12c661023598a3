// Views derived from a ThreadTimeline. All walks are iterative: 100k-deep
// stacks must not overflow the JS call stack.
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
  for (let i = 0; i < t.count; i++) self[i] = t.end[i] - t.start[i];
  for (let i = 0; i < t.count; i++) {
    const p = parent[i];
    if (p >= 0) self[p] -= t.end[i] - t.start[i];
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

export function functionStats(t: ThreadTimeline, frameCount: number): FunctionStats {
  const parent = parentIndices(t);
  const selfOfInterval = intervalSelfTimes(t, parent);
  const self = new Float64Array(frameCount);
  const total = new Float64Array(frameCount);
  // How many open intervals on the current path have each frame: only the outermost counts for total.
  const onPath = new Uint32Array(frameCount);
  const path: number[] = [];
  for (let i = 0; i < t.count; i++) {
    const d = t.depth[i];
    while (path.length > d) onPath[t.frame[path.pop()!]]--;
    const f = t.frame[i];
    self[f] += selfOfInterval[i];
    if (onPath[f] === 0) total[f] += t.end[i] - t.start[i];
    onPath[f]++;
    path.push(i);
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

export function buildMergedCallTree(t: ThreadTimeline): MergedCallTree {
  const nodeOfInterval = new Uint32Array(t.count);
  const frames: number[] = [];
  const parents: number[] = [];
  const depths: number[] = [];
  const totals: number[] = [];
  const selfs: number[] = [];
  const childKey = new Map<number, number>();
  const selfOfInterval = intervalSelfTimes(t);
  // Key space: parent node (+1 so roots use 0) times a frame stride.
  let stride = 1;
  for (let i = 0; i < t.count; i++) if (t.frame[i] >= stride) stride = t.frame[i] + 1;
  const pathNodes: number[] = [];
  for (let i = 0; i < t.count; i++) {
    const d = t.depth[i];
    pathNodes.length = d;
    const parentNode = d === 0 ? -1 : pathNodes[d - 1];
    const key = (parentNode + 1) * stride + t.frame[i];
    let node = childKey.get(key);
    if (node === undefined) {
      node = frames.length;
      frames.push(t.frame[i]);
      parents.push(parentNode);
      depths.push(d);
      totals.push(0);
      selfs.push(0);
      childKey.set(key, node);
    }
    totals[node] += t.end[i] - t.start[i];
    selfs[node] += selfOfInterval[i];
    nodeOfInterval[i] = node;
    pathNodes.push(node);
  }

  const count = frames.length;
  const parent = Int32Array.from(parents);
  const total = Float64Array.from(totals);
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
    frame: Uint32Array.from(frames),
    parent,
    depth: Uint32Array.from(depths),
    total,
    self: Float64Array.from(selfs),
    order,
    offset,
    nodeOfInterval,
  };
}
