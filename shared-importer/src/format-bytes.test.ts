import assert from 'node:assert/strict';
import { test } from 'vitest';
import { formatBytes } from './format-bytes.ts';

test('sizes are written in binary units, whole values without decimals', () => {
  assert.equal(formatBytes(0), '0 bytes');
  assert.equal(formatBytes(1023), '1023 bytes');
  assert.equal(formatBytes(2048), '2 KiB');
  assert.equal(formatBytes(1001345), '977.9 KiB');
  assert.equal(formatBytes(100 * 1024 ** 2), '100 MiB');
  assert.equal(formatBytes(16 * 1024 ** 3), '16 GiB');
  assert.equal(formatBytes(1.5 * 1024 ** 4), '1.5 TiB');
});
