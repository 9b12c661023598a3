import assert from 'node:assert/strict';
import { test } from 'vitest';
import { buildMergedCallTree, functionStats, parentIndices } from './call-tree.ts';
import { FrameTable } from './frame-table.ts';
import { TimelineBuilder } from './thread-timeline.ts';

test('samples become preorder intervals whose merged tree is heaviest-first', () => {
  const frames = new FrameTable();
  const [a, b, c] = ['a', 'b', 'c'].map((n) => frames.internName(n));
  const builder = new TimelineBuilder({ id: 't0', name: 'main' });
  builder.sample([a, b], 0);
  builder.sample([a, b], 1);
  builder.sample([a, c], 2);
  builder.sample([a, b], 5);
  const t = builder.finish(6);
  assert.deepEqual(Array.from(t.frame), [a, b, c, b]);
  assert.deepEqual(Array.from(t.depth), [0, 1, 1, 1]);
  assert.deepEqual(Array.from(t.start), [0, 0, 2, 5]);
  assert.deepEqual(Array.from(t.end), [6, 2, 5, 6]);
  assert.equal(t.sampleCount, 4);

  const tree = buildMergedCallTree(t);
  assert.equal(tree.count, 3);
  // b (2 + 1) and c (3) tie, and ties keep first-seen order.
  const names = Array.from(tree.order, (n) => frames.names[tree.frame[n]]);
  assert.deepEqual(names, ['a', 'b', 'c']);
  const bNode = Array.from(tree.order).find((n) => tree.frame[n] === b)!;
  const cNode = Array.from(tree.order).find((n) => tree.frame[n] === c)!;
  assert.equal(tree.total[bNode], 3);
  assert.equal(tree.offset[bNode], 0);
  assert.equal(tree.offset[cNode], 3);
});

test('recursion counts once in total time, self time splits correctly', () => {
  const frames = new FrameTable();
  const f = frames.internName('fib');
  const g = frames.internName('leaf');
  const builder = new TimelineBuilder({ id: 't0', name: 'main' });
  builder.enter(f, 0);
  builder.enter(f, 1);
  builder.enter(g, 2);
  builder.leave(3);
  builder.leave(4);
  builder.leave(10);
  const t = builder.finish();
  const stats = functionStats(t, frames.length);
  assert.equal(stats.total[f], 10);
  assert.equal(stats.self[f], 9);
  assert.equal(stats.self[g], 1);
  assert.deepEqual(Array.from(parentIndices(t)), [-1, 0, 1]);
});

test('timestamps going backwards are clamped and counted, never negative', () => {
  const frames = new FrameTable();
  const a = frames.internName('a');
  const builder = new TimelineBuilder({ id: 't0', name: 'main' });
  builder.enter(a, 10);
  builder.leave(5);
  const t = builder.finish();
  assert.equal(t.end[0] - t.start[0], 0);
  assert.equal(builder.clampedTimestamps, 1);
});

test('100k-deep stacks build and merge without overflowing the call stack', () => {
  const frames = new FrameTable();
  const depth = 100_000;
  const stack = Array.from({ length: depth }, (_, i) => frames.internName(`f${i % 1000}`));
  const builder = new TimelineBuilder({ id: 't0', name: 'main' });
  builder.sample(stack, 0);
  builder.sample(stack.slice(0, depth / 2), 1);
  const t = builder.finish(2);
  assert.equal(t.count, depth);
  const tree = buildMergedCallTree(t);
  assert.equal(tree.count, depth);
  assert.equal(tree.depth[tree.order[depth - 1]], depth - 1);
  const stats = functionStats(t, frames.length);
  assert.equal(stats.total[stack[0]], 2);
});
