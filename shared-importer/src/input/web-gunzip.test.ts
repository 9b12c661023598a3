import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'vitest';
import { gzipSync } from 'node:zlib';
import { nodeGunzip } from '../../node/node-host.ts';
import { profileSnapshot, sampleTrace } from '../../node/trace-fixtures.ts';
import { TraceImportError } from '../errors.ts';
import { importProfileFromChunks } from '../import-profile.ts';
import { webGunzip } from './web-gunzip.ts';

/** `bytes` in 64 KiB chunks, noting whether the reader let the source go before its end. */
function source(bytes: Uint8Array) {
  const state = { returnedEarly: false };
  async function* chunks(): AsyncIterable<Uint8Array> {
    let at = 0;
    try {
      for (; at < bytes.length; at += 65536) yield bytes.subarray(at, at + 65536);
    } finally {
      if (at < bytes.length) state.returnedEarly = true;
    }
  }
  return { chunks: chunks(), state };
}

test('DecompressionStream gunzip gives the same profile as node:zlib for a real Chrome trace', async () => {
  const gz = new Uint8Array(gzipSync(sampleTrace('Chrome/116/Trace-20230603T221323.json')));
  const web = await importProfileFromChunks('trace.json.gz', source(gz).chunks, { gunzip: webGunzip });
  const node = await importProfileFromChunks('trace.json.gz', source(gz).chunks, { gunzip: nodeGunzip });
  assert.ok(web.eventCount > 1000);
  assert.deepEqual(profileSnapshot(web), profileSnapshot(node));
});

test('an import that stops at bad bytes inside a gzip finishes and lets its source go', { timeout: 20_000 }, async () => {
  const events = Array.from({ length: 50_000 }, (_, i) => `{"ph":"X","name":"f${i % 7}","ts":${i * 10},"dur":5,"pid":1,"tid":1}`);
  const text = new TextEncoder().encode(`[${events.join(',\n')},`);
  // Bad bytes, then enough more (incompressible, so the gzip is large too) that the stream is still full when reading stops.
  const gz = new Uint8Array(gzipSync(Buffer.concat([text, Buffer.from([1, 2, 3]), randomBytes(16 * 1024 * 1024)])));
  const { chunks, state } = source(gz);
  const profile = await importProfileFromChunks('trace.json.gz', chunks, { gunzip: webGunzip });
  assert.equal(profile.eventCount, 50_000);
  assert.ok(
    profile.warnings.some((w) => /reading stopped there/.test(w)),
    profile.warnings.join('\n'),
  );
  assert.ok(state.returnedEarly, 'the compressed source was returned before its end');
});

test('a truncated gzip fails as truncated through DecompressionStream too', async () => {
  const gz = new Uint8Array(gzipSync(sampleTrace('Chrome/116/Trace-20230603T221323.json')));
  await assert.rejects(
    importProfileFromChunks('cut.json.gz', source(gz.subarray(0, gz.length >> 1)).chunks, { gunzip: webGunzip }),
    (e: unknown) => e instanceof TraceImportError && e.code === 'truncated',
  );
});
