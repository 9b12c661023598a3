// call_tree(threadId, root?, startMs?, endMs?, maxDepth?): the top-down
// merged call tree (buildMergedCallTree, as the left-heavy view draws it) of
// a thread, a task or a function's callees, optionally within a window,
// heaviest first, small children folded.
import { buildMergedCallTree, mergeSubtrees, outermostNodes, type MergedCallTree } from '../model/call-tree.ts';
import type { Profile } from '../model/profile.ts';
import type { ThreadTimeline } from '../model/thread-timeline.ts';
import { threadMergedTree, threadNodeCallCounts } from './thread-derived.ts';
import { threadNodesOf, windowMergedTree, windowSlice } from './thread-window.ts';
import { outermostCalls, subtreeTimeline } from './subtree-timeline.ts';
import { resolveFunction, resolveTask, resolveThread, resolveWindow, ToolInputError } from './tool-input.ts';
import { decimal, functionLabel, percentText, valueText } from './tool-text.ts';

export interface CallTreeArgs {
  threadId: string;
  /** A function id (its callees over all its calls) or a task id (that task's calls). */
  root?: string;
  startMs?: number;
  endMs?: number;
  maxDepth?: number;
}

export const CALL_TREE_DEFAULT_DEPTH = 12;
/** Children below this share of the tree's total are folded into one line. */
const FOLD_SHARE = 0.01;
/** Children shown per node; the rest are folded. */
const MAX_CHILDREN = 8;

interface TreeView {
  tree: MergedCallTree;
  /** The summary's `path:` id of a node, when the tree's nodes are the thread's own paths. */
  pathId(node: number): string | undefined;
  heading: string;
}

export function callTree(profile: Profile, args: CallTreeArgs): string {
  const maxDepth = args.maxDepth ?? CALL_TREE_DEFAULT_DEPTH;
  if (!Number.isInteger(maxDepth) || maxDepth < 1) throw new ToolInputError(`maxDepth must be a whole number of at least 1, not ${args.maxDepth}.`);
  const view = treeView(profile, args);
  const lines = [view.heading, ...renderTree(profile, view, maxDepth)];
  return lines.join('\n');
}

function treeView(profile: Profile, args: CallTreeArgs): TreeView {
  const thread = resolveThread(profile, args.threadId);
  const window = resolveWindow(profile, args.startMs, args.endMs);
  const slice = windowSlice(thread, window);
  const seen = slice.timeline;
  const scope = window ? ` within ${decimal((window.start - profile.startTime) / 1000)}–${decimal((window.end - profile.startTime) / 1000)} ms` : '';
  const threadPath = (node: number) => `path:${thread.id}:${node}`;
  if (args.root === undefined) {
    const tree = windowMergedTree(thread, window);
    const threadNode = threadNodesOf(thread, slice, tree);
    return {
      tree,
      pathId: (node) => threadPath(threadNode[node]),
      heading: `Call tree of thread ${thread.id}${scope} (top-down, heaviest first; total/self time, share of the tree's total):`,
    };
  }
  if (args.root.startsWith('task:')) {
    const task = resolveTask(thread, args.root) - slice.first;
    if (task < 0 || task >= seen.count || seen.end[task] <= seen.start[task])
      throw new ToolInputError(`Task ${args.root} does not run within the window${scope}.`);
    const part = subtreeTimeline(seen, [task]);
    const tree = buildMergedCallTree(part.timeline);
    // A task's paths are the thread's paths: map each node to the thread's node of its intervals.
    const threadNode = new Uint32Array(tree.count);
    const threadTree = threadMergedTree(thread);
    for (let k = 0; k < part.timeline.count; k++) threadNode[tree.nodeOfInterval[k]] = threadTree.nodeOfInterval[slice.first + part.source[k]];
    return {
      tree,
      pathId: (node) => threadPath(threadNode[node]),
      heading: `Call tree of task ${args.root}${scope} (top-down, heaviest first; total/self time, share of the task):`,
    };
  }
  const frame = resolveFunction(profile, args.root);
  const { tree, callCount } = window ? calleesInSlice(seen, frame) : calleesOfThread(thread, frame);
  if (tree.count === 0 || tree.total[0] <= 0) throw new ToolInputError(`Function ${args.root} does not run on thread ${thread.id}${scope}.`);
  return {
    tree,
    pathId: () => undefined,
    heading: `Callees of ${functionLabel(profile, frame)} on thread ${thread.id}${scope}, merged over its ${callCount} outermost call${callCount === 1 ? '' : 's'} (top-down, heaviest first):`,
  };
}

/** A function's callee tree over the whole thread, from the thread's merged tree (its nodes, not its calls). */
function calleesOfThread(thread: ThreadTimeline, frame: number): { tree: MergedCallTree; callCount: number } {
  const threadTree = threadMergedTree(thread);
  const callCounts = threadNodeCallCounts(thread);
  const roots = new Set(outermostNodes(threadTree, frame));
  let callCount = 0;
  for (const node of roots) callCount += callCounts[node];
  return { tree: mergeSubtrees(threadTree, (node) => roots.has(node)), callCount };
}

/** Within a window: the calls of the window's slice, merged. */
function calleesInSlice(seen: ThreadTimeline, frame: number): { tree: MergedCallTree; callCount: number } {
  const calls = outermostCalls(seen, frame);
  return { tree: buildMergedCallTree(subtreeTimeline(seen, calls).timeline), callCount: calls.length };
}

/** The tree as indented lines, preorder, heaviest child first, small and excess children folded. */
function renderTree(profile: Profile, view: TreeView, maxDepth: number): string[] {
  const { tree } = view;
  const children: number[][] = Array.from({ length: tree.count + 1 }, () => []);
  // tree.order is preorder with the heaviest child first, so each list comes out sorted.
  for (const node of tree.order) children[tree.parent[node] + 1].push(node);
  let whole = 0;
  for (const root of children[0]) whole += tree.total[root];
  if (whole <= 0) return ['(nothing ran here)'];
  const lines: string[] = [];
  // Entries are nodes, or folded remainders (negative: -1 - index into `folds`).
  const folds: { count: number; total: number; depth: number }[] = [];
  const stack: number[] = [];
  const pushChildren = (all: number[], depth: number) => {
    // Calls clipped away by a window have no time left: they are not part of this tree.
    const list = all.filter((c) => tree.total[c] > 0);
    const shown = list.filter((c, i) => i < MAX_CHILDREN && tree.total[c] >= whole * FOLD_SHARE);
    const rest = list.slice(shown.length);
    if (rest.length > 0) {
      let total = 0;
      for (const c of rest) total += tree.total[c];
      folds.push({ count: rest.length, total, depth });
      stack.push(-folds.length);
    }
    for (let i = shown.length - 1; i >= 0; i--) stack.push(shown[i]);
  };
  pushChildren(children[0], 0);
  while (stack.length > 0) {
    const entry = stack.pop()!;
    if (entry < 0) {
      const fold = folds[-entry - 1];
      lines.push(`${'  '.repeat(fold.depth)}- … ${fold.count} smaller call${fold.count === 1 ? '' : 's'}, ${valueText(profile, fold.total)} together`);
      continue;
    }
    const depth = tree.depth[entry];
    const path = view.pathId(entry);
    lines.push(
      `${'  '.repeat(depth)}- ${functionLabel(profile, tree.frame[entry])} total ${valueText(profile, tree.total[entry])} (${percentText(tree.total[entry], whole)}), self ${valueText(profile, tree.self[entry])}${path ? ` [${path}]` : ''}`,
    );
    const below = children[entry + 1].filter((c) => tree.total[c] > 0);
    if (below.length === 0) continue;
    if (depth + 1 >= maxDepth) {
      lines.push(`${'  '.repeat(depth + 1)}- … ${below.length} callee${below.length === 1 ? '' : 's'} below maxDepth ${maxDepth}`);
      continue;
    }
    pushChildren(below, depth + 1);
  }
  return lines;
}
