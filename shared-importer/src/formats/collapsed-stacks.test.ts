import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'vitest';
import { SAMPLE_TRACES, foldedStacks, formatsClaiming, importInChunks, profileSnapshot, randomChunkSizes, sampleTrace } from '../../node/trace-fixtures.ts';
import { TraceImportError } from '../errors.ts';

const DIR = 'stackcollapse';
const FILES = readdirSync(join(SAMPLE_TRACES, DIR)).sort();

/** The file's own numbers, parsed here independently of the importer. */
function expectedFolded(bytes: Uint8Array): { folded: Map<string, number>; total: number; lines: number; invalid: number } {
  let text: string;
  if (bytes[0] === 0xff && bytes[1] === 0xfe) text = Buffer.from(bytes.subarray(2)).toString('utf16le');
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) text = Buffer.from(bytes.subarray(2)).swap16().toString('utf16le');
  else text = Buffer.from(bytes).toString('utf8');
  const folded = new Map<string, number>();
  let total = 0;
  let lines = 0;
  let invalid = 0;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '' || /^\s*(#|\/\/)/.test(line)) continue;
    const m = /^(.*\S)\s+(\d+)\s*$/.exec(line);
    if (!m) {
      invalid++;
      continue;
    }
    lines++;
    const count = Number(m[2]);
    total += count;
    const key = m[1].split(';').filter(Boolean).join(';');
    if (count > 0) folded.set(key, (folded.get(key) ?? 0) + count);
  }
  return { folded, total, lines, invalid };
}

for (const file of FILES) {
  test(`collapsed stacks: ${file} imports with the file's own stacks and counts`, async () => {
    const bytes = sampleTrace(join(DIR, file));
    assert.deepEqual(formatsClaiming(bytes), ['collapsed-stacks']);
    let progressEvents = -1;
    const profile = await importInChunks(file, bytes, [], { onProgress: (p) => (progressEvents = p.events) });
    assert.equal(progressEvents, profile.eventCount, 'progress counts every event');
    const expected = expectedFolded(bytes);
    assert.ok(expected.lines > 0);
    assert.equal(profile.format, 'collapsed-stacks');
    assert.equal(profile.unit, 'samples');
    assert.equal(profile.threads.length, 1);
    const [thread] = profile.threads;
    assert.equal(thread.sampleCount, expected.lines);
    assert.equal(profile.eventCount, expected.lines);
    assert.equal(profile.startTime, 0);
    assert.equal(profile.endTime, expected.total);
    assert.deepEqual(foldedStacks(profile, thread), expected.folded);
    assert.equal(profile.warnings.length, expected.invalid > 0 ? 1 : 0);
    if (expected.invalid > 0) assert.match(profile.warnings[0], new RegExp(`^${expected.invalid} line`));
  });
}

test('collapsed stacks: the same file in 1-byte and random chunks imports identically', async () => {
  for (const file of ['simple-utf16-le.txt', 'simple-utf16-be.txt', 'simple-crlf.txt', 'simple-with-invalids.txt', 'perf-vertx-stacks-01-collapsed-all.txt']) {
    const bytes = sampleTrace(join(DIR, file));
    const whole = profileSnapshot(await importInChunks(file, bytes));
    if (bytes.length < 4096) assert.deepEqual(profileSnapshot(await importInChunks(file, bytes, [1])), whole, `${file} in 1-byte chunks`);
    assert.deepEqual(profileSnapshot(await importInChunks(file, bytes, randomChunkSizes(200, 97, 7))), whole, `${file} in random chunks`);
  }
});

test('collapsed stacks: the UTF-16 and CRLF variants import exactly like the plain file', async () => {
  const plain = profileSnapshot(await importInChunks('x.txt', sampleTrace(join(DIR, 'simple.txt'))));
  for (const file of ['simple-utf16-le.txt', 'simple-utf16-be.txt', 'simple-crlf.txt']) {
    assert.deepEqual(profileSnapshot(await importInChunks('x.txt', sampleTrace(join(DIR, file)))), plain, file);
  }
});

test('collapsed stacks: recursion keeps each level as its own call', async () => {
  const profile = await importInChunks('recursion.txt', sampleTrace(join(DIR, 'recursion.txt')));
  const [thread] = profile.threads;
  const a = profile.frames.names.indexOf('a');
  const aDepths = new Set<number>();
  for (let i = 0; i < thread.count; i++) if (thread.frame[i] === a) aDepths.add(thread.depth[i]);
  assert.ok(aDepths.has(0) && aDepths.has(2) && aDepths.has(4), `a appears at depths ${[...aDepths].join(', ')}`);
});

test('collapsed stacks: a file of only junk is rejected, prose and binary are not taken for stacks', async () => {
  const prose = new TextEncoder().encode('Dear team,\nthe profile is attached below.\nThanks, Ann\n');
  await assert.rejects(
    importInChunks('note.txt', prose),
    (e: unknown) => e instanceof TraceImportError && e.code === 'unknown-format' && /Collapsed \/ folded stacks/.test(e.message),
  );
  const garbage = new Uint8Array(randomChunkSizes(4096, 255, 3));
  await assert.rejects(importInChunks('noise.bin', garbage), (e: unknown) => e instanceof TraceImportError && e.code === 'unknown-format');
});

test('collapsed stacks: a single line with no newline and a huge count imports', async () => {
  const profile = await importInChunks('one.txt', new TextEncoder().encode('main;work 123456789'));
  assert.equal(profile.endTime, 123456789);
  assert.deepEqual(Array.from(profile.threads[0].depth), [0, 1]);
});
