// A window's slice against the definition: every call of the thread that can
// overlap the window, each clipped to it.
import assert from 'node:assert/strict';
import { test } from 'vitest';
import { syntheticProfile } from '../summary/synthetic-profile.ts';
import { windowSlice } from './thread-window.ts';

test("a window slice holds the thread's calls from the window's first root on, each clipped to the window", () => {
  const profile = syntheticProfile({ intervals: 30_000, seed: 11 });
  const t = profile.threads[0];
  const span = profile.endTime - profile.startTime;
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let n = 0; n < 60; n++) {
    const a = profile.startTime + random() * span;
    const b = profile.startTime + random() * span;
    const window = { start: Math.min(a, b), end: Math.max(a, b) + 1 };
    const { timeline, first } = windowSlice(t, window);
    assert.equal(t.depth[first], 0, 'the slice starts at a root');
    assert.ok(first + timeline.count === t.count || t.start[first + timeline.count] >= window.end, 'it ends at the first call starting after the window');
    for (let k = 0; k < timeline.count; k++) {
      const i = first + k;
      assert.equal(timeline.start[k], Math.min(Math.max(t.start[i], window.start), window.end), `window ${n} call ${i} start`);
      assert.equal(timeline.end[k], Math.min(Math.max(t.end[i], window.start), window.end), `window ${n} call ${i} end`);
    }
  }
});
