import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { TraceImportError } from '../src/errors.ts';
import { importTraceFile, readFileChunks } from './node-host.ts';
import { openDescriptorsOn, profileSnapshot, SAMPLE_TRACES } from './trace-fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'node-host-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A real Chrome recording repeated until it spans many read and gunzip chunks (512 KiB and 1 MiB). */
function largeTrace(): Buffer {
  const events = JSON.parse(readFileSync(join(SAMPLE_TRACES, 'Chrome/116/Trace-20230603T221323.json'), 'utf8')) as { traceEvents?: unknown[] } | unknown[];
  const list = Array.isArray(events) ? events : (events.traceEvents ?? []);
  const copies: unknown[] = [];
  while (JSON.stringify(copies).length < 12 * 1024 * 1024) copies.push(...list);
  return Buffer.from(JSON.stringify({ traceEvents: copies }));
}

describe('node host: reading ahead of the importer', () => {
  const plain = join(dir, 'large.json');
  const gz = join(dir, 'large.json.gz');
  const bytes = largeTrace();
  writeFileSync(plain, bytes);
  writeFileSync(gz, gzipSync(bytes));

  it('a file and its gzip import to the same profile, chunk after chunk', async () => {
    const fromPlain = await importTraceFile(plain);
    const fromGz = await importTraceFile(gz);
    assert.ok(bytes.length > 3 * 4 * 1024 * 1024 && fromPlain.eventCount > 50_000, `${bytes.length} bytes, ${fromPlain.eventCount} events`);
    assert.deepEqual(profileSnapshot({ ...fromGz, name: fromPlain.name }), profileSnapshot(fromPlain));
  });

  it('a truncated gzip file fails with a typed error and leaves no file open', async () => {
    const cut = join(dir, 'cut.json.gz');
    const whole = readFileSync(gz);
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * 0.6)));
    await assert.rejects(importTraceFile(cut), (e: unknown) => e instanceof TraceImportError && e.code === 'truncated');
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(openDescriptorsOn(cut), 0);
  });

  it('cancelling mid-import rejects as aborted and closes the file', async () => {
    const controller = new AbortController();
    const importing = importTraceFile(gz, {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.bytesRead > 0) controller.abort();
      },
    });
    await assert.rejects(importing, (e: unknown) => e instanceof TraceImportError && e.code === 'aborted');
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(openDescriptorsOn(gz), 0);
  });

  it('an import that stops at bad bytes keeps the events before them and closes the file', async () => {
    // Garbage well before the end, so the read-ahead still holds most of the file when reading stops.
    const bad = join(dir, 'garbage-after-events.json');
    const head = bytes.subarray(0, bytes.lastIndexOf(0x7d, 4 * 1024 * 1024) + 1); // up to an event's closing brace
    writeFileSync(bad, Buffer.concat([head, Buffer.from(',\u0001'), Buffer.alloc(24 * 1024 * 1024, 0x20)]));
    const profile = await importTraceFile(bad);
    assert.ok(profile.eventCount > 10_000, `${profile.eventCount} events`);
    assert.ok(
      profile.warnings.some((w) => /reading stopped there/.test(w)),
      profile.warnings.join('\n'),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(openDescriptorsOn(bad), 0);
  });

  it('imports that fail before reading everything close the file: not a trace (plain and gzip), over the size cap', async () => {
    // Each file larger than what is read ahead, so an unclosed one would still be open: 16 MiB
    // for a plain file; for a gzip, 16 MiB of compressed input plus 16 MiB decompressed, so
    // that one is mostly pseudo-random bytes, which do not compress.
    const text = Buffer.alloc(20 * 1024 * 1024, 'these lines are not a trace\n');
    const noise = Buffer.alloc(48 * 1024 * 1024);
    for (let i = 0, x = 1; i < noise.length; i++) noise[i] = (x = (Math.imul(x, 1103515245) + 12345) | 0) >>> 24;
    const notesGz = gzipSync(Buffer.concat([text.subarray(0, 1024 * 1024), noise]), { level: 1 });
    assert.ok(notesGz.length > 40 * 1024 * 1024, `${notesGz.length} bytes compressed`);
    const cases: { name: string; bytes: Buffer; code: string; options?: { maxBufferedBytes: number } }[] = [
      { name: 'notes.txt', bytes: text, code: 'unknown-format' },
      { name: 'notes.txt.gz', bytes: notesGz, code: 'unknown-format' },
      {
        name: 'huge.speedscope.json',
        bytes: Buffer.concat([
          Buffer.from('{"$schema":"https://www.speedscope.app/file-format-schema.json","profiles":['),
          Buffer.alloc(20 * 1024 * 1024, 0x20),
        ]),
        code: 'too-large',
        options: { maxBufferedBytes: 1024 * 1024 },
      },
    ];
    for (const { name, bytes: content, code, options } of cases) {
      const path = join(dir, name);
      writeFileSync(path, content);
      await assert.rejects(importTraceFile(path, options), (e: unknown) => e instanceof TraceImportError && e.code === code, name);
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(openDescriptorsOn(path), 0, name);
    }
  });

  it('a reader that stops after the first chunk closes the file', async () => {
    for await (const chunk of readFileChunks(plain)) {
      assert.ok(chunk.length > 0);
      assert.equal(openDescriptorsOn(plain), 1);
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(openDescriptorsOn(plain), 0);
  });
});
