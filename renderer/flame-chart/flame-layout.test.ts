import assert from 'node:assert/strict';
import { test } from 'vitest';
import { buildMergedCallTree, intervalSelfTimes } from '../../shared-importer/src/model/call-tree.ts';
import { FrameTable } from '../../shared-importer/src/model/frame-table.ts';
import { TimelineBuilder, type ThreadTimeline } from '../../shared-importer/src/model/thread-timeline.ts';
import {
  firstSlotEndingAfter,
  firstSlotStartingAtOrAfter,
  mergedTreeLayout,
  neighbourSlot,
  rowOfSlot,
  slotAt,
  slotOfSource,
  timeOrderLayout,
} from './flame-layout.ts';

function sampleThread(): { frames: FrameTable; t: ThreadTimeline; ids: Record<string, number> } {
  const frames = new FrameTable();
  const ids = Object.fromEntries(['main', 'a', 'b', 'c'].map((n) => [n, frames.internName(n)]));
  const b = new TimelineBuilder({ id: 't0', name: 'main' });
  // main [0,10]: a [0,4] (b [1,3]), c [5,6], a [6,9] (b [6,9])
  b.enter(ids.main, 0);
  b.enter(ids.a, 0);
  b.enter(ids.b, 1);
  b.leave(3);
  b.leave(4);
  b.enter(ids.c, 5);
  b.leave(6);
  b.enter(ids.a, 6);
  b.enter(ids.b, 6);
  b.leave(9);
  b.leave(9);
  b.leave(10);
  return { frames, t: b.finish(), ids };
}

test('time order layout puts each depth in its own row, sorted by start', () => {
  const { t, ids } = sampleThread();
  const layout = timeOrderLayout(t, () => intervalSelfTimes(t));
  assert.equal(layout.rows, 3);
  assert.deepEqual(Array.from(layout.rowStart), [0, 1, 4, 6]);
  assert.deepEqual(Array.from(layout.frame), [ids.main, ids.a, ids.c, ids.a, ids.b, ids.b]);
  assert.deepEqual(Array.from(layout.x0), [0, 0, 5, 6, 1, 6]);
  assert.deepEqual(Array.from(layout.x1), [10, 4, 6, 9, 3, 9]);
  // main's self: 10 - 4 - 1 - 3
  assert.equal(layout.selfOf(0), 2);
  assert.equal(layout.min, 0);
  assert.equal(layout.max, 10);
  // Each slot points back at its interval.
  for (let s = 0; s < layout.count; s++) {
    assert.equal(t.frame[layout.source[s]], layout.frame[s]);
    assert.equal(t.start[layout.source[s]], layout.x0[s]);
  }
});

test('binary searches find the visible range and the block under a point', () => {
  const { t, ids } = sampleThread();
  const layout = timeOrderLayout(t, () => intervalSelfTimes(t));
  assert.equal(firstSlotEndingAfter(layout, 1, 4.5), 2); // c [5,6]
  assert.equal(firstSlotEndingAfter(layout, 1, 3.9), 1); // a [0,4]
  assert.equal(firstSlotEndingAfter(layout, 1, 9), 4); // past the row
  assert.equal(firstSlotStartingAtOrAfter(layout, 1, 5.5, 1), 3);
  assert.equal(layout.frame[slotAt(layout, 1, 5.5)], ids.c);
  assert.equal(slotAt(layout, 1, 4.5), -1); // the gap
  assert.equal(slotAt(layout, 2, 7), 5);
  assert.equal(slotAt(layout, 3, 7), -1);
  assert.equal(slotAt(layout, -1, 7), -1);
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5].map((s) => rowOfSlot(layout, s)),
    [0, 1, 1, 1, 2, 2],
  );
  assert.equal(slotOfSource(layout, 3), 2);
});

test('left heavy layout merges identical stacks, heaviest first', () => {
  const { t, ids } = sampleThread();
  const layout = mergedTreeLayout(buildMergedCallTree(t));
  assert.equal(layout.rows, 3);
  // Row 1: a (4 + 3 = 7) before c (1).
  const row1 = Array.from(layout.frame.subarray(layout.rowStart[1], layout.rowStart[2]));
  assert.deepEqual(row1, [ids.a, ids.c]);
  assert.deepEqual(Array.from(layout.x0.subarray(1, 3)), [0, 7]);
  assert.deepEqual(Array.from(layout.x1.subarray(1, 3)), [7, 8]);
  // b under a merged: 2 + 3.
  const bSlot = layout.rowStart[2];
  assert.equal(layout.frame[bSlot], ids.b);
  assert.equal(layout.x1[bSlot] - layout.x0[bSlot], 5);
  assert.equal(layout.selfOf(bSlot), 5);
  assert.equal(layout.max, 10);
});

test('an empty thread gives an empty layout', () => {
  const t = new TimelineBuilder({ id: 't', name: 'x' }).finish();
  const layout = timeOrderLayout(t, () => intervalSelfTimes(t));
  assert.equal(layout.count, 0);
  assert.equal(layout.rows, 0);
  assert.equal(slotAt(layout, 0, 0), -1);
});

test('keyboard steps move to the caller, the first callee and the row neighbours', () => {
  const { t, ids } = sampleThread();
  const layout = timeOrderLayout(t, () => intervalSelfTimes(t));
  assert.equal(neighbourSlot(layout, -1, 'next'), 0); // nothing selected: the first root
  const firstA = neighbourSlot(layout, 0, 'child');
  assert.equal(layout.frame[firstA], ids.a);
  assert.equal(layout.x0[firstA], 0);
  const c = neighbourSlot(layout, firstA, 'next');
  assert.equal(layout.frame[c], ids.c);
  assert.equal(neighbourSlot(layout, c, 'previous'), firstA);
  assert.equal(neighbourSlot(layout, c, 'child'), -1); // c calls nothing
  assert.equal(neighbourSlot(layout, c, 'parent'), 0);
  const secondA = neighbourSlot(layout, c, 'next');
  assert.equal(neighbourSlot(layout, secondA, 'next'), -1); // end of the row
  assert.equal(layout.x0[neighbourSlot(layout, secondA, 'child')], 6);
  assert.equal(neighbourSlot(layout, 0, 'parent'), -1);
});
