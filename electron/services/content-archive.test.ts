import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, test } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { readFileChunks, nodeGunzip } from '../../shared-importer/node/node-host.ts';
import { CATAPULT_TRACES, REAL_TRACES } from '../../shared-importer/node/trace-fixtures.ts';
import { importProfileFromChunks } from '../../shared-importer/src/import-profile.ts';
import { ContentArchive, type ContentArchiveOptions } from './content-archive.ts';

const JSON_TRACE = join(CATAPULT_TRACES, 'multiple_input_latency.json');
const GZIP_TRACE = join(REAL_TRACES, 'lighthouse/artifacts-speedindex-1ms-trace.json.gz');
const ZIP_TRACE = join(CATAPULT_TRACES, 'simple_trace_zip.zip');

const dir = mkdtempSync(join(tmpdir(), 'content-archive-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

const sha256Of = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** Imports a real file through the archive's tee, as the import worker does, then finishes the archive. */
async function importAndArchive(path: string, options: Partial<ContentArchiveOptions> = {}) {
  const archive = new ContentArchive({ archiveTo: join(dir, `archive-${files++}`), readRest: true, ...options });
  const profile = await importProfileFromChunks(path, archive.tee(readFileChunks(path)), { gunzip: nodeGunzip });
  return { profile, content: await archive.finish() };
}

describe('ContentArchive', () => {
  test('a JSON trace: the sha256 of the file, and a gzip copy that inflates to the same bytes', async () => {
    const { profile, content } = await importAndArchive(JSON_TRACE);
    assert.equal(profile.format, 'chrome-trace-event');
    assert.equal(content.status, 'ready');
    if (content.status !== 'ready') return;
    assert.equal(content.sha256, sha256Of(JSON_TRACE));
    assert.equal(content.sizeBytes, readFileSync(JSON_TRACE).length);
    assert.equal(content.archive?.encoding, 'gzip');
    const stored = readFileSync(content.archive.path);
    assert.equal(content.archive?.bytes, stored.length);
    assert.ok(stored.length < content.sizeBytes / 4, `compressed to ${stored.length} of ${content.sizeBytes} bytes`);
    assert.deepEqual(gunzipSync(stored), readFileSync(JSON_TRACE));
  });

  test('chunks past the memory cap are processed during the import, with the same result', async () => {
    const { content } = await importAndArchive(JSON_TRACE, { maxKeptBytes: 100_000 });
    assert.equal(content.status, 'ready');
    if (content.status !== 'ready') return;
    assert.equal(content.sha256, sha256Of(JSON_TRACE));
    assert.deepEqual(gunzipSync(readFileSync(content.archive!.path)), readFileSync(JSON_TRACE));
  });

  test('a gzipped trace is stored as it is, hashed as the file on disk', async () => {
    const { content } = await importAndArchive(GZIP_TRACE);
    assert.equal(content.status, 'ready');
    if (content.status !== 'ready') return;
    assert.equal(content.sha256, sha256Of(GZIP_TRACE));
    assert.equal(content.archive?.encoding, 'as-is');
    assert.deepEqual(readFileSync(content.archive.path), readFileSync(GZIP_TRACE));
  });

  test('a zip whose trace comes first: what the importer left unread is read for the hash', async () => {
    const { profile, content } = await importAndArchive(ZIP_TRACE);
    assert.equal(profile.format, 'chrome-trace-event');
    assert.equal(content.status, 'ready');
    if (content.status !== 'ready') return;
    assert.equal(content.sha256, sha256Of(ZIP_TRACE));
    assert.equal(content.archive?.zip, true);
    assert.deepEqual(readFileSync(content.archive.path), readFileSync(ZIP_TRACE));
  });

  test('hash only: no file is written', async () => {
    const archive = new ContentArchive({ archiveTo: null, readRest: true });
    await importProfileFromChunks(JSON_TRACE, archive.tee(readFileChunks(JSON_TRACE)), { gunzip: nodeGunzip });
    assert.deepEqual(await archive.finish(), { status: 'ready', sha256: sha256Of(JSON_TRACE), sizeBytes: readFileSync(JSON_TRACE).length, archive: null });
  });

  test('a copy that cannot be written fails alone: the import and the hash are fine', async () => {
    const archiveTo = join(dir, 'no-such-folder', 'archive');
    const { profile, content } = await importAndArchive(JSON_TRACE, { archiveTo, maxKeptBytes: 100_000 });
    assert.equal(profile.format, 'chrome-trace-event');
    assert.equal(content.status, 'ready');
    if (content.status !== 'ready') return;
    assert.equal(content.sha256, sha256Of(JSON_TRACE));
    assert.equal(content.archive, null);
    assert.match(content.archiveFailure ?? '', /could not be written: .*ENOENT/);
  });

  test('a failed import is discarded: its partial archive is deleted', async () => {
    const archiveTo = join(dir, 'discarded');
    const archive = new ContentArchive({ archiveTo, readRest: true, maxKeptBytes: 1 });
    const controller = new AbortController();
    let chunks = 0;
    await assert.rejects(
      importProfileFromChunks(JSON_TRACE, archive.tee(readFileChunks(JSON_TRACE, controller.signal)), {
        gunzip: nodeGunzip,
        signal: controller.signal,
        onProgress: () => ++chunks > 2 && controller.abort(),
      }),
    );
    assert.ok(existsSync(archiveTo), 'bytes past the cap were written during the import');
    await archive.discard();
    assert.equal(existsSync(archiveTo), false);
  });
});
