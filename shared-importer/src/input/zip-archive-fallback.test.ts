// Zip entries on a runtime whose DecompressionStream has no 'deflate-raw'
// (Node before 20.12, older browsers): fflate inflates them. Its own file,
// as vitest runs each file in a fresh process (vitest.config.ts): the runtime check is made
// once per process, so it must see the stand-in from the start.
import assert from 'node:assert/strict';
import { test } from 'vitest';
import { zipSync } from 'fflate';

class GzipOnlyDecompressionStream extends DecompressionStream {
  constructor(format: CompressionFormat) {
    if (format !== 'gzip') throw new TypeError(`Unsupported compression format: '${format}'`);
    super(format);
  }
}
globalThis.DecompressionStream = GzipOnlyDecompressionStream;

const { catapultTrace, importInChunks, profileSnapshot } = await import('../../node/trace-fixtures.ts');
const { hasWebInflateRaw } = await import('./web-gunzip.ts');
const { TraceImportError } = await import('../errors.ts');

test('without a native raw inflate, zip entries are inflated by fflate, and a bomb still meets the cap', async () => {
  assert.equal(hasWebInflateRaw(), false);
  const trace = catapultTrace('simple_trace.json');
  const fromZip = await importInChunks('t.zip', zipSync({ 'notes.txt': new TextEncoder().encode('not a trace\n'), 'trace.json': trace }));
  const plain = await importInChunks('t.zip', trace);
  assert.deepEqual(profileSnapshot(fromZip), profileSnapshot(plain));
  const bomb = zipSync({ 'trace.json': new TextEncoder().encode(`{"traceEvents":[${' '.repeat(64 * 1024 * 1024)}]}`) });
  await assert.rejects(
    importInChunks('bomb.zip', bomb, [], { maxDecompressedBytes: 8 * 1024 * 1024 }),
    (e: unknown) => e instanceof TraceImportError && e.code === 'too-large',
  );
});
