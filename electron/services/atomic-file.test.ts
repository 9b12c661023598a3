// The app's small files (settings, recent files, conversations, sync manifests) are replaced whole,
// and writes to one file land in the order they were asked for, whoever asks.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'vitest';
import { writeFileAtomic } from './atomic-file.ts';

test('many writes to one file in flight together: the last one asked for is what stays, and no temporary file is left', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ta-atomic-'));
  const path = join(dir, 'state.json');
  // Larger writes first, so an unordered write would finish after a smaller later one.
  await Promise.all(Array.from({ length: 20 }, (_, i) => writeFileAtomic(path, `${i}:${'x'.repeat((20 - i) * 50_000)}`)));
  assert.equal(readFileSync(path, 'utf8').split(':')[0], '19');
  assert.deepEqual(readdirSync(dir), ['state.json']);
});
