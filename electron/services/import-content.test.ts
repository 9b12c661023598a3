// ImportService with its real worker: every imported input is hashed, and
// compressed into a file when asked, after its trace is sent.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, test } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { CATAPULT_TRACES, SAMPLE_TRACES } from '../../shared-importer/node/trace-fixtures.ts';
import type { TraceLoadedEvent } from '../ipc-contract.ts';
import type { TraceContent } from './content-archive.ts';
import { ImportService } from './import-service.ts';

const WORKER = new URL('./import-worker.ts', import.meta.url);
const JSON_TRACE = join(CATAPULT_TRACES, 'multiple_input_latency.json');
const FIREFOX = join(SAMPLE_TRACES, 'Firefox/61/recursion.json');

const dir = mkdtempSync(join(tmpdir(), 'import-content-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A service that archives every import into `dir`, recording what arrives per trace. */
function archivingService() {
  const contents = new Map<string, (content: TraceContent) => void>();
  const loadedWaiters: ((event: TraceLoadedEvent) => void)[] = [];
  const service: ImportService = new ImportService({
    workerUrl: WORKER,
    archiveTo: (importId) => join(dir, `${importId}.partial`),
    emit(channel, payload) {
      if (channel === 'trace:loaded') {
        service.traceShown((payload as TraceLoadedEvent).traceId);
        loadedWaiters.shift()?.(payload as TraceLoadedEvent);
      }
    },
    onContent: (traceId, content) => contents.get(traceId)?.(content),
  });
  const nextLoaded = () => new Promise<TraceLoadedEvent>((resolve) => loadedWaiters.push(resolve));
  const contentOf = (traceId: string) => new Promise<TraceContent>((resolve) => contents.set(traceId, resolve));
  return { service, nextLoaded, contentOf };
}

const { service, nextLoaded, contentOf } = archivingService();
afterAll(() => service.dispose());

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

test('a file imported from disk: its sha256, and a gzip copy in the given file', async () => {
  const loaded = nextLoaded();
  await service.importPath(JSON_TRACE);
  const { traceId } = await loaded;
  const content = await contentOf(traceId);
  assert.equal(content.status, 'ready');
  if (content.status !== 'ready') return;
  const original = readFileSync(JSON_TRACE);
  assert.equal(content.sha256, sha256(original));
  assert.equal(content.archive?.encoding, 'gzip');
  assert.deepEqual(gunzipSync(readFileSync(content.archive.path)), original);
});

test('streamed bytes (a browser-host drop) are hashed like the same file', async () => {
  const bytes = readFileSync(FIREFOX);
  const loaded = nextLoaded();
  const { upload } = service.importStream('recursion.json', bytes.length);
  for (let offset = 0; offset < bytes.length; offset += 64 * 1024) await upload.write(bytes.slice(offset, offset + 64 * 1024));
  upload.end();
  const content = await contentOf((await loaded).traceId);
  assert.equal(content.status === 'ready' && content.sha256, sha256(bytes));
});
