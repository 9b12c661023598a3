// Zip archives through the whole import (content detection, entry choice,
// caps), on trace-viewer's and speedscope's real zips and on archives built
// here with fflate's writer. The expected profile of a zipped trace is the
// import of the same bytes unzipped by fflate's one-shot unzipSync.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { unzipSync, Zip, ZipDeflate, ZipPassThrough, zipSync } from 'fflate';
import { importTraceFile } from '../../node/node-host.ts';
import {
  CATAPULT_TRACES,
  catapultTrace,
  importInChunks,
  openDescriptorsOn,
  profileSnapshot,
  randomChunkSizes,
  SAMPLE_TRACES,
  sampleTrace,
} from '../../node/trace-fixtures.ts';
import { TraceImportError } from '../errors.ts';
import type { Profile } from '../model/profile.ts';
import { isZip } from './zip-archive.ts';

const encoder = new TextEncoder();
const trace = catapultTrace('simple_trace.json');
const prose = encoder.encode('These are notes about a trace, not a trace.\nSecond line.\n');

/** A zip written as a streaming writer writes it: sizes in a data descriptor after each entry's data. */
function streamedZip(files: [string, Uint8Array, 'stored' | 'deflated'][]): Uint8Array {
  const parts: Uint8Array[] = [];
  const zip = new Zip((error, data) => {
    if (error) throw error;
    parts.push(data);
  });
  for (const [name, bytes, method] of files) {
    const file = method === 'stored' ? new ZipPassThrough(name) : new ZipDeflate(name, { level: 6 });
    zip.add(file);
    file.push(bytes, true);
  }
  zip.end();
  return Buffer.concat(parts);
}

/** The general-purpose flag of each local header, in archive order (bit 3: sizes in a data descriptor). */
function localHeaderFlags(zip: Uint8Array): number[] {
  const view = Buffer.from(zip);
  const flags: number[] = [];
  for (let at = view.indexOf('PK\u0003\u0004'); at >= 0; at = view.indexOf('PK\u0003\u0004', at + 4)) flags.push(view.readUInt16LE(at + 6));
  return flags;
}

function withoutName(profile: Profile): unknown {
  return profileSnapshot({ ...profile, name: '' });
}

async function rejection(promise: Promise<unknown>): Promise<TraceImportError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof TraceImportError, String(error));
    return error;
  }
  assert.fail('imported');
}

describe('zip archives', () => {
  it('simple_trace_zip.zip imports as the trace it holds, whatever the chunking', async () => {
    const zipped = catapultTrace('simple_trace_zip.zip');
    const inside = unzipSync(zipped);
    assert.deepEqual(Object.keys(inside), ['simple_trace.json']);
    const expected = withoutName(await importInChunks('simple_trace.json', inside['simple_trace.json']));
    assert.deepEqual(withoutName(await importInChunks('simple_trace_zip.zip', zipped)), expected);
    for (const seed of [1, 2, 3]) assert.deepEqual(withoutName(await importInChunks('z.zip', zipped, randomChunkSizes(100, 64, seed))), expected);
  });

  it('reads stored and deflated entries, with sizes in the header or in a data descriptor', async () => {
    const expected = withoutName(await importInChunks('t.json', trace));
    const fromHeaders = zipSync({ 'notes.txt': [prose, { level: 0 }], 'trace.json': [trace, { level: 9 }] });
    const streamed = streamedZip([
      ['notes.txt', prose, 'stored'],
      ['trace.json', trace, 'deflated'],
    ]);
    assert.deepEqual(
      localHeaderFlags(fromHeaders).map((f) => f & 8),
      [0, 0],
    );
    assert.deepEqual(
      localHeaderFlags(streamed).map((f) => f & 8),
      [8, 8],
    );
    for (const zip of [fromHeaders, streamed]) {
      assert.deepEqual(withoutName(await importInChunks('a.zip', zip)), expected);
      assert.deepEqual(withoutName(await importInChunks('a.zip', zip, randomChunkSizes(300, 40, 7))), expected);
    }
    const storedTrace = streamedZip([['trace.json', trace, 'stored']]);
    assert.deepEqual(withoutName(await importInChunks('s.zip', storedTrace)), expected);
  });

  it('takes the first entry our detection recognises, gzip inside included, skipping directories and __MACOSX/', async () => {
    const gzTrace = gzipSync(trace);
    const zip = zipSync({
      'bundle/': new Uint8Array(0),
      '__MACOSX/bundle/._trace.json.gz': new Uint8Array([0, 5, 22, 7, 0, 2, 0, 0]),
      'bundle/readme.txt': prose,
      'bundle/trace.json.gz': gzTrace,
      'bundle/other.json': encoder.encode('{"traceEvents":[]}'),
    });
    const profile = await importInChunks('bundle.zip', zip);
    assert.deepEqual(withoutName(profile), withoutName(await importInChunks('t.json', trace)));
  });

  it('refuses an archive without a trace, naming what its first files are', async () => {
    const zip = zipSync({
      'dir/': new Uint8Array(0),
      '__MACOSX/._a.txt': new Uint8Array([0, 5, 22, 7]),
      'a.txt': prose,
      'b.json': encoder.encode('{"hello": 1, "world": [2]}'),
      'c.bin': new Uint8Array([0, 1, 2, 3, 0, 0, 0, 9]),
      'd.txt': prose,
    });
    const error = await rejection(importInChunks('notes.zip', zip));
    assert.equal(error.code, 'unknown-format');
    assert.equal(
      error.message.replace(/ Accepted formats: .*/, ''),
      'Could not recognise "notes.zip" as a trace: it looks like a zip archive holding no trace we read (4 files: "a.txt", plain text that matches none of the text formats we read (it starts "These are notes about a trace, not a trace."); "b.json", JSON that is not a trace (an object with keys "hello", "world"); "c.bin", binary data (first bytes 00 01 02 03 00 00 00 09); and 1 more).',
    );
    assert.match(error.message, /Accepted formats: .*Chrome Trace Event Format/);
    const empty = await rejection(importInChunks('empty.zip', zipSync({})));
    assert.match(empty.message, /it looks like a zip archive with no files in it/);
  });

  it("refuses speedscope's Instruments .trace zips and zipped V8 log as what they are", async () => {
    const instruments = sampleTrace('Instruments/7.3.1/simple-time-profile.trace.zip');
    const files = Object.keys(unzipSync(instruments)).filter((name) => !name.endsWith('/') && !name.startsWith('__MACOSX/'));
    assert.ok(
      localHeaderFlags(instruments).some((f) => f & 8),
      'written with data descriptors',
    );
    const error = await rejection(importInChunks('simple-time-profile.trace.zip', instruments, [4096]));
    assert.match(
      error.message,
      new RegExp(`it looks like an Instruments \\.trace document, zipped, which we do not read \\(${files.length} files: "${files[0]}", `),
    );
    const v8log = await rejection(importInChunks('simple.v8log.json.zip', sampleTrace('node/8.5.0/simple.v8log.json.zip')));
    assert.match(v8log.message, /holding no trace we read \(one file: "simple\.v8log\.json", a V8 log preprocessed to JSON/);
  });

  it('applies the decompressed-size cap to a zip bomb, and lets a large entry it skips cost nothing against it', async () => {
    const zeros = new Uint8Array(64 * 1024 * 1024);
    const bomb = zipSync({ 'trace.json': encoder.encode(`{"traceEvents":[${' '.repeat(64 * 1024 * 1024)}]}`) });
    assert.ok(bomb.length < 200 * 1024, `${bomb.length} bytes`);
    const error = await rejection(importInChunks('bomb.zip', bomb, [], { maxDecompressedBytes: 8 * 1024 * 1024 }));
    assert.equal(error.code, 'too-large');
    const skipped = zipSync({ 'zeros.bin': zeros, 'trace.json': trace });
    const profile = await importInChunks('skip.zip', skipped, [], { maxDecompressedBytes: 8 * 1024 * 1024 });
    assert.deepEqual(withoutName(profile), withoutName(await importInChunks('t.json', trace)));
  });

  it('reports a cut archive as truncated, and lists an entry it cannot decompress', async () => {
    const zip = zipSync({ 'trace.json': trace });
    const streamed = streamedZip([['trace.json', trace, 'deflated']]);
    for (const archive of [zip, streamed]) {
      const cut = await rejection(importInChunks('cut.zip', archive.subarray(0, Math.floor(archive.length / 2))));
      assert.equal(cut.code, 'truncated');
      assert.match(cut.message, /ends in the middle of "trace\.json"/);
    }
    // Method 12 (bzip2) written into both headers of a stored entry.
    const odd = Buffer.from(zipSync({ 'trace.json': [trace, { level: 0 }] }));
    odd.writeUInt16LE(12, 8);
    odd.writeUInt16LE(12, odd.indexOf('PK\u0001\u0002') + 10);
    const refused = await rejection(importInChunks('bz.zip', odd));
    assert.match(refused.message, /\(one file: "trace\.json", cannot be decompressed\)/);
  });

  it('recognises the local-header and empty-archive signatures only', () => {
    assert.ok(isZip(new Uint8Array([0x50, 0x4b, 3, 4])));
    assert.ok(isZip(new Uint8Array([0x50, 0x4b, 5, 6])));
    assert.ok(!isZip(new Uint8Array([0x50, 0x4b, 7, 8])));
    assert.ok(!isZip(encoder.encode('PK is a name')));
  });
});

describe('zip archives from disk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ta-zip-'));
  // More than the host reads ahead (16 MiB), so an archive left open would still hold its file.
  const noise = new Uint8Array(40 * 1024 * 1024);
  for (let i = 0, x = 7; i < noise.length; i++) noise[i] = (x = (Math.imul(x, 1103515245) + 12345) | 0) >>> 24;

  it('close the file when the trace was read before the end of the archive, and when none is a trace', async () => {
    const first = join(dir, 'trace-first.zip');
    writeFileSync(first, zipSync({ 'trace.json': trace, 'noise.bin': [noise, { level: 0 }] }));
    const none = join(dir, 'no-trace.zip');
    writeFileSync(none, zipSync({ 'noise.bin': [noise, { level: 0 }], 'notes.txt': prose }));
    const profile = await importTraceFile(first);
    assert.equal(profile.format, 'chrome-trace-event');
    await assert.rejects(importTraceFile(none), (e: unknown) => e instanceof TraceImportError && e.code === 'unknown-format');
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(openDescriptorsOn(first), 0);
    assert.equal(openDescriptorsOn(none), 0);
  });

  it('the real archives import or are refused, never anything else', async () => {
    const zips = [
      join(CATAPULT_TRACES, 'simple_trace_zip.zip'),
      join(SAMPLE_TRACES, 'Instruments/10.0/simple-time-profile.trace.zip'),
      join(SAMPLE_TRACES, 'Instruments/9.3.1/random-allocations.trace.zip'),
    ];
    for (const path of zips) {
      try {
        await importTraceFile(path);
      } catch (error) {
        assert.ok(error instanceof TraceImportError && error.code === 'unknown-format', `${path}: ${String(error)}`);
      }
    }
  });
});
