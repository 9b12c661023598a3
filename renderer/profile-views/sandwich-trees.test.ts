import assert from 'node:assert/strict';
import { test } from 'vitest';
import { functionStats, parentIndices } from '../../shared-importer/src/model/call-tree.ts';
import { FrameTable } from '../../shared-importer/src/model/frame-table.ts';
import { TimelineBuilder } from '../../shared-importer/src/model/thread-timeline.ts';
import { callersTree, calleesTree } from './sandwich-trees.ts';

// main → render → draw (recursive draw inside draw), main → idle → draw
function build() {
  const frames = new FrameTable();
  const [main, render, draw, idle, leaf] = ['main', 'render', 'draw', 'idle', 'leaf'].map((n) => frames.internName(n));
  const b = new TimelineBuilder({ id: 't', name: 't' });
  b.enter(main, 0);
  b.enter(render, 0);
  b.enter(draw, 1);
  b.enter(draw, 2); // recursion
  b.enter(leaf, 2);
  b.leave(3);
  b.leave(4);
  b.leave(5);
  b.leave(6);
  b.enter(idle, 6);
  b.enter(draw, 7);
  b.leave(9);
  b.leave(10);
  b.leave(10);
  return { frames, t: b.finish(), main, render, draw, idle, leaf };
}

const nameOf = (frames: FrameTable, tree: { frame: Uint32Array }, n: number) => frames.names[tree.frame[n]];

test('callers tree: root is the function, its children its callers, recursion counted once', () => {
  const { frames, t, draw } = build();
  const tree = callersTree(t, parentIndices(t), draw);
  const stats = functionStats(t, frames.length);
  const roots = Array.from(tree.order).filter((n) => tree.parent[n] === -1);
  assert.equal(roots.length, 1);
  assert.equal(nameOf(frames, tree, roots[0]), 'draw');
  assert.equal(tree.total[roots[0]], stats.total[draw]); // 4 + 2
  const callers = Array.from(tree.order)
    .filter((n) => tree.parent[n] === roots[0])
    .map((n) => [nameOf(frames, tree, n), tree.total[n]]);
  assert.deepEqual(callers, [
    ['render', 4],
    ['idle', 2],
  ]);
  // The recursive inner draw never appears as its own caller.
  assert.ok(!Array.from(tree.order).some((n) => tree.parent[n] === roots[0] && nameOf(frames, tree, n) === 'draw'));
});

test('callees tree: merged subtrees of the outermost calls', () => {
  const { frames, t, draw } = build();
  const tree = calleesTree(t, draw);
  const stats = functionStats(t, frames.length);
  const root = tree.order[0];
  assert.equal(nameOf(frames, tree, root), 'draw');
  assert.equal(tree.total[root], stats.total[draw]);
  const child = Array.from(tree.order).find((n) => tree.parent[n] === root)!;
  assert.equal(nameOf(frames, tree, child), 'draw');
  assert.equal(tree.total[child], 2);
  const leafNode = Array.from(tree.order).find((n) => tree.parent[n] === child)!;
  assert.equal(nameOf(frames, tree, leafNode), 'leaf');
});

test('a function that never ran gives empty trees', () => {
  const { frames, t } = build();
  const unused = frames.internName('unused');
  assert.equal(calleesTree(t, unused).count, 0);
  assert.equal(callersTree(t, parentIndices(t), unused).count, 0);
});
