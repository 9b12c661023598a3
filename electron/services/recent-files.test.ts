import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'vitest';
import { MAX_RECENT_FILES, RECENT_FILES_NAME, RecentFilesStore, parseRecentFiles } from './recent-files.ts';

const userData = () => mkdtempSync(join(tmpdir(), 'ta-recent-'));

test('newest first, one entry per path, at most ten', async () => {
  const store = RecentFilesStore.inFolder(userData());
  for (let i = 0; i < 12; i++) await store.add({ path: `/traces/t${i}.json` });
  await store.add({ path: '/traces/t5.json', format: 'speedscope', sizeBytes: 736 });
  const files = await store.list();
  assert.equal(files.length, MAX_RECENT_FILES);
  assert.equal(files[0].path, '/traces/t5.json');
  assert.equal(files[0].fileName, 't5.json');
  assert.equal(files[0].format, 'speedscope');
  assert.equal(files.filter((f) => f.path === '/traces/t5.json').length, 1);
  assert.deepEqual(
    files.slice(1, 3).map((f) => f.path),
    ['/traces/t11.json', '/traces/t10.json'],
  );
  assert.ok(!files.some((f) => f.path === '/traces/t0.json'), 'the oldest fell off');
});

test('the list persists in userData and is read back by a new store', async () => {
  const dir = userData();
  const first = RecentFilesStore.inFolder(dir);
  await first.add({ path: '/a.json' });
  await first.add({ path: '/b.json' });
  const onDisk = JSON.parse(readFileSync(join(dir, RECENT_FILES_NAME), 'utf8'));
  assert.deepEqual(
    onDisk.files.map((f: { path: string }) => f.path),
    ['/b.json', '/a.json'],
  );
  const second = RecentFilesStore.inFolder(dir);
  assert.deepEqual(
    (await second.list()).map((f) => f.path),
    ['/b.json', '/a.json'],
  );
  await second.remove('/b.json');
  assert.deepEqual(
    (await RecentFilesStore.inFolder(dir).list()).map((f) => f.path),
    ['/a.json'],
  );
  await second.clear();
  assert.deepEqual(await RecentFilesStore.inFolder(dir).list(), []);
});

test('adds made together are all kept, in call order', async () => {
  const store = RecentFilesStore.inFolder(userData());
  await Promise.all([store.add({ path: '/1' }), store.add({ path: '/2' }), store.add({ path: '/3' })]);
  assert.deepEqual(
    (await RecentFilesStore.inFolder(store.filePath.replace(`/${RECENT_FILES_NAME}`, '')).list()).map((f) => f.path),
    ['/3', '/2', '/1'],
  );
});

test('a corrupt or hand-edited file starts clean instead of breaking the app', async () => {
  const dir = userData();
  writeFileSync(join(dir, RECENT_FILES_NAME), '{ not json');
  assert.deepEqual(await RecentFilesStore.inFolder(dir).list(), []);
  const edited = parseRecentFiles(
    JSON.stringify({
      files: [{ path: '/ok.json', fileName: 'ok.json', openedAt: 'x' }, { path: 42 }, { path: '/ok.json', fileName: 'dup', openedAt: 'y' }, 'garbage'],
    }),
  );
  assert.deepEqual(
    edited.map((f) => f.fileName),
    ['ok.json'],
  );
});
