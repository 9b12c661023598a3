import assert from 'node:assert/strict';
import { test } from 'vitest';
import { formatMilliseconds, formatPercent, formatSummaryValue, formatWeight, niceStep } from './units.ts';

test('weights read naturally in their unit', () => {
  assert.equal(formatWeight(0, 'microseconds'), '0 µs');
  assert.equal(formatWeight(12.5, 'microseconds'), '12.5 µs');
  assert.equal(formatWeight(1500, 'microseconds'), '1.5 ms');
  assert.equal(formatWeight(123_456, 'microseconds'), '123 ms');
  assert.equal(formatWeight(2_000_000, 'microseconds'), '2 s');
  assert.equal(formatWeight(0.25, 'microseconds'), '250 ns');
  assert.equal(formatWeight(1, 'samples'), '1 sample');
  assert.equal(formatWeight(12345, 'samples'), '12,345 samples');
  assert.equal(formatWeight(2048, 'bytes'), '2 KiB');
  assert.equal(formatSummaryValue(12.34, 'ms'), '12.3 ms');
  // A duration given in ms reads "0 ms" when zero (an LCP breakdown part), not "0 µs".
  assert.equal(formatMilliseconds(0), '0 ms');
  assert.equal(formatMilliseconds(0.5), '500 µs');
});

test('percentages and axis steps', () => {
  assert.equal(formatPercent(1, 3), '33%');
  assert.equal(formatPercent(1, 300), '0.3%');
  assert.equal(formatPercent(1, 0), '0%');
  assert.equal(niceStep(3), 5);
  assert.equal(niceStep(0.013), 0.02);
  assert.equal(niceStep(100), 100);
});
