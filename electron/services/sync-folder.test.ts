// The sync folder's manifests on disk: what a retry and a still-running
// upload both write about the same trace.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'vitest';
import { SyncFolder, type PendingUpload } from './sync-folder.ts';

const pending: PendingUpload = {
  sha256: 'a'.repeat(64),
  userId: 'user-1',
  objectName: `user-1/${'a'.repeat(64)}.json.gz`,
  fileName: 'trace.json',
  sizeBytes: 1234,
  format: 'chrome-trace-event',
};

test('saves of one manifest in flight together all land, the last one asked for last (a retry while the failed upload still records its state)', async () => {
  const folder = new SyncFolder(mkdtempSync(join(tmpdir(), 'ta-sync-folder-')));
  await Promise.all([folder.save(pending), folder.save({ ...pending, cancelled: true }), folder.save({ ...pending, fileName: 'retried.json' })]);
  const saved = await folder.load(pending.sha256);
  assert.deepEqual(saved, { ...pending, fileName: 'retried.json' }, 'the retry, not the cancelled state, is what a restart resumes');
  assert.deepEqual(
    readdirSync(folder.path).filter((name) => name.endsWith('.tmp')),
    [],
    'no temporary file is left behind',
  );
});
