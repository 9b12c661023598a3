import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { randomChunkSizes } from '../../node/trace-fixtures.ts';
import { htmlScripts } from './html-scripts.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

async function* chunked(text: string, sizes: readonly number[] = []): AsyncGenerator<Uint8Array> {
  const bytes = encoder.encode(text);
  if (sizes.length === 0) {
    yield bytes;
    return;
  }
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const size = sizes[i % sizes.length];
    yield bytes.subarray(at, at + size);
    at += size;
  }
}

/** Every script as [tag, content]. */
async function scripts(text: string, sizes: readonly number[] = []): Promise<[string, string][]> {
  const out: [string, string][] = [];
  for await (const script of htmlScripts(chunked(text, sizes))) {
    const parts: Uint8Array[] = [];
    for await (const bytes of script.content) parts.push(bytes.slice());
    out.push([script.tag, decoder.decode(Buffer.concat(parts))]);
  }
  return out;
}

const PAGE = [
  '<!DOCTYPE html>',
  '<!-- a comment mentioning <script class="trace-data"> is not a tag -->',
  '<html><head><title>Report</title>',
  '<script language="javascript">if (a<b) x = \'<script class="trace-data">\'; // script text holds no tags',
  '</script>',
  '<scripts>not a script element</scripts>',
  '<SCRIPT class="trace-data" type="application/text">',
  '# tracer: nop',
  '  </SCRIPT >',
  '<script>{"traceEvents":[]}</script><script id="viewer-data" type="text/plain">H4sI</script>',
  '</head><body><script>unterminated',
].join('\n');

const EXPECTED: [string, string][] = [
  ['<script language="javascript">', 'if (a<b) x = \'<script class="trace-data">\'; // script text holds no tags\n'],
  ['<SCRIPT class="trace-data" type="application/text">', '\n# tracer: nop\n  '],
  ['<script>', '{"traceEvents":[]}'],
  ['<script id="viewer-data" type="text/plain">', 'H4sI'],
  ['<script>', 'unterminated'],
];

describe('htmlScripts', () => {
  it('finds the script elements outside comments, and each one\'s content up to "</script" in any case', async () => {
    assert.deepEqual(await scripts(PAGE), EXPECTED);
  });

  it('finds the same wherever the chunks split the page', async () => {
    for (const size of [1, 2, 3, 7, 8, 9]) assert.deepEqual(await scripts(PAGE, [size]), EXPECTED, `chunks of ${size}`);
    for (let seed = 1; seed <= 20; seed++) assert.deepEqual(await scripts(PAGE, randomChunkSizes(200, 12, seed)), EXPECTED, `seed ${seed}`);
  });

  it('skips what a reader leaves of an element, and finds the next one', async () => {
    const long = 'x'.repeat(100_000);
    const page = `<script>${long}</script><script>second</script>`;
    const seen: string[] = [];
    for await (const script of htmlScripts(chunked(page, [4096]))) {
      for await (const bytes of script.content) {
        seen.push(decoder.decode(bytes));
        break;
      }
    }
    assert.equal(seen.length, 2);
    assert.ok(seen[0].length > 0 && seen[0].length < long.length && /^x+$/.test(seen[0]), 'a first part of the long script');
    assert.equal(seen[1], 'second');
  });

  it('lets the source go when the reader stops early', async () => {
    let returned = false;
    async function* source(): AsyncGenerator<Uint8Array> {
      try {
        yield encoder.encode('<script>a</script>');
        yield encoder.encode('<script>b</script>');
      } finally {
        returned = true;
      }
    }
    for await (const script of htmlScripts(source())) {
      assert.equal(script.tag, '<script>');
      break;
    }
    assert.ok(returned);
  });
});
