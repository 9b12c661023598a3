import assert from 'node:assert/strict';
import { test } from 'vitest';
import { TraceImportError } from '../errors.ts';
import { textLineBatches, type TextLineOptions } from './text-lines.ts';

async function linesOf(bytes: Uint8Array, chunkSize: number, options?: TextLineOptions): Promise<string[]> {
  async function* chunks(): AsyncIterable<Uint8Array> {
    for (let i = 0; i < bytes.length; i += chunkSize) yield bytes.subarray(i, i + chunkSize);
  }
  const out: string[] = [];
  for await (const batch of textLineBatches(chunks(), options)) out.push(...batch);
  return out;
}

function utf16(text: string, bigEndian: boolean): Uint8Array {
  const body = Buffer.from(text, 'utf16le');
  if (bigEndian) body.swap16();
  return new Uint8Array(Buffer.concat([Buffer.from(bigEndian ? [0xfe, 0xff] : [0xff, 0xfe]), body]));
}

const TEXT = 'héllo;wörld 1\r\n\r\nmain;日本語 22\rlone-cr 3\n😀 emoji;x 4';
const EXPECTED = ['héllo;wörld 1', '', 'main;日本語 22', 'lone-cr 3', '😀 emoji;x 4'];

test('text lines: every chunk size gives the same lines (UTF-8, CRLF and lone CR)', async () => {
  const bytes = new TextEncoder().encode(TEXT);
  for (let size = 1; size <= bytes.length; size++) assert.deepEqual(await linesOf(bytes, size), EXPECTED, `chunk size ${size}`);
});

test('text lines: UTF-16 LE and BE with a byte-order mark, split anywhere, even inside the mark', async () => {
  for (const bigEndian of [false, true]) {
    const bytes = utf16(TEXT, bigEndian);
    for (const size of [1, 2, 3, 5, 7, bytes.length]) {
      assert.deepEqual(await linesOf(bytes, size), EXPECTED, `${bigEndian ? 'BE' : 'LE'} chunk size ${size}`);
    }
  }
});

test('text lines: a UTF-8 byte-order mark is dropped and a trailing newline adds no empty line', async () => {
  const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('a 1\nb 2\n')]);
  assert.deepEqual(await linesOf(bytes, 1), ['a 1', 'b 2']);
});

test('text lines: empty and one-byte inputs', async () => {
  assert.deepEqual(await linesOf(new Uint8Array(0), 1), []);
  assert.deepEqual(await linesOf(new TextEncoder().encode('x'), 1), ['x']);
  assert.deepEqual(await linesOf(new TextEncoder().encode('\n'), 1), ['']);
});

test('text lines: a line past the limit fails as invalid data instead of buffering forever', async () => {
  const bytes = new TextEncoder().encode('a'.repeat(5000));
  await assert.rejects(
    linesOf(bytes, 100, { maxLineChars: 1000, what: 'A perf script file' }),
    (e: unknown) => e instanceof TraceImportError && e.code === 'invalid-data' && /A perf script file has a line longer than 1000/.test(e.message),
  );
});

test('text lines: an aborted signal stops the split', async () => {
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(
    linesOf(new TextEncoder().encode('a\nb\n'), 1, { signal: controller.signal }),
    (e: unknown) => e instanceof TraceImportError && e.code === 'aborted',
  );
});

test('text lines: invalid and split UTF-8 decodes exactly as decoding the whole input would', async () => {
  // Truncated sequences, stray continuation bytes, a U+FEFF inside the text (kept), and 4-byte characters.
  const bytes = new Uint8Array([0x61, 0xe2, 0x82, 0x0a, 0xff, 0x62, 0x80, 0x80, 0x0a, 0xef, 0xbb, 0xbf, 0x63, 0xf0, 0x9f, 0x98, 0x80, 0xf0, 0x9f, 0x0a, 0xc3]);
  const expected = new TextDecoder().decode(bytes).split(/\r\n|\n|\r/);
  for (let size = 1; size <= bytes.length; size++) assert.deepEqual(await linesOf(bytes, size), expected, `chunk size ${size}`);
  assert.ok(expected[2].startsWith('\ufeff'));
});
