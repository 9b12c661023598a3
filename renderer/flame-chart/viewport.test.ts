import assert from 'node:assert/strict';
import { test } from 'vitest';
import { centerOn, clampViewport, focusRange, fullViewport, panBy, zoomAt } from './viewport.ts';

const bounds = { min: 100, max: 1100 };

test('zooming keeps the point under the cursor still', () => {
  const v = fullViewport(bounds);
  const z = zoomAt(v, bounds, 0.5, 0.25);
  const pivotBefore = v.x0 + (v.x1 - v.x0) * 0.25;
  const pivotAfter = z.x0 + (z.x1 - z.x0) * 0.25;
  assert.equal(z.x1 - z.x0, 500);
  assert.ok(Math.abs(pivotBefore - pivotAfter) < 1e-9);
});

test('zooming out never goes past the whole span, zooming in stops at a minimum', () => {
  const v = fullViewport(bounds);
  const out = zoomAt(v, bounds, 4, 0.5);
  assert.deepEqual([out.x0, out.x1], [100, 1100]);
  let z = v;
  for (let i = 0; i < 200; i++) z = zoomAt(z, bounds, 0.5, 0.5);
  assert.ok(z.x1 - z.x0 > 0);
  assert.ok(z.x0 >= bounds.min && z.x1 <= bounds.max);
});

test('panning is clamped at the edges and keeps the width', () => {
  const v = { x0: 200, x1: 400, scrollY: 0 };
  const right = panBy(v, bounds, 10);
  assert.deepEqual([right.x0, right.x1], [900, 1100]);
  const left = panBy(v, bounds, -10);
  assert.deepEqual([left.x0, left.x1], [100, 300]);
  const step = panBy(v, bounds, 0.5);
  assert.deepEqual([step.x0, step.x1], [300, 500]);
});

test('vertical scroll is clamped to what there is to see', () => {
  const v = clampViewport({ x0: 100, x1: 200, scrollY: 500 }, bounds, 120);
  assert.equal(v.scrollY, 120);
  assert.equal(clampViewport({ x0: 100, x1: 200, scrollY: -5 }, bounds, 120).scrollY, 0);
});

test('focusRange shows a range with a margin; centerOn moves without resizing', () => {
  const f = focusRange(bounds, 500, 600);
  assert.ok(f.x0 < 500 && f.x0 > 490);
  assert.ok(f.x1 > 600 && f.x1 < 610);
  const c = centerOn({ x0: 100, x1: 300, scrollY: 7 }, bounds, 700);
  assert.deepEqual([c.x0, c.x1, c.scrollY], [600, 800, 7]);
});
