import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'vitest';
import { SAMPLE_TRACES, foldedStacks, formatsClaiming, importInChunks, profileSnapshot, randomChunkSizes, sampleTrace } from '../../node/trace-fixtures.ts';
import { TraceImportError } from '../errors.ts';
import type { Profile } from '../model/profile.ts';

const FILES = [
  'speedscope/0.0.1/simple.speedscope.json',
  'speedscope/0.0.1/simple-no-pretty-print.speedscope.json',
  'speedscope/0.1.2/simple-sampled.speedscope.json',
  'speedscope/0.6.0/two-sampled.speedscope.json',
  'speedscope/invalid/incomplete-trace.json',
  'speedscope/invalid/out-of-order-events.json',
];

interface RawFile {
  name?: string;
  shared: { frames: { name: string }[] };
  profiles: { type: string; name: string; unit: string; events?: { type: string; frame: number; at: number }[]; samples?: number[][]; weights?: number[] }[];
}

function raw(path: string): RawFile {
  return JSON.parse(readFileSync(join(SAMPLE_TRACES, path), 'utf8')) as RawFile;
}

function importFile(path: string, chunks: number[] = []): Promise<Profile> {
  return importInChunks(path.split('/').pop()!, sampleTrace(path), chunks);
}

function intervals(profile: Profile, threadIndex = 0): string[] {
  const t = profile.threads[threadIndex];
  return Array.from({ length: t.count }, (_, i) => `${'  '.repeat(t.depth[i])}${profile.frames.names[t.frame[i]]} ${t.start[i]}-${t.end[i]}`);
}

test('speedscope: every sample file is detected as speedscope and only speedscope', () => {
  for (const file of FILES) assert.deepEqual(formatsClaiming(sampleTrace(file)), ['speedscope'], file);
});

test('speedscope: evented 0.0.1 replays the open/close events as nested calls', async () => {
  const file = 'speedscope/0.0.1/simple.speedscope.json';
  const profile = await importFile(file);
  const source = raw(file);
  assert.equal(profile.format, 'speedscope');
  assert.equal(profile.unit, 'samples', "unit 'none' has no clock");
  assert.equal(profile.threads.length, 1);
  assert.equal(profile.threads[0].id, 't0');
  assert.equal(profile.threads[0].name, source.profiles[0].name);
  assert.deepEqual(profile.warnings, []);
  // Replay the file's events independently: each close pairs with the latest open.
  const open: { frame: number; at: number; depth: number; slot: number }[] = [];
  const expected: string[] = [];
  for (const e of source.profiles[0].events!) {
    if (e.type === 'O') {
      open.push({ frame: e.frame, at: e.at, depth: open.length, slot: expected.length });
      expected.push('');
    } else {
      const o = open.pop()!;
      assert.equal(o.frame, e.frame);
      expected[o.slot] = `${'  '.repeat(o.depth)}${source.shared.frames[o.frame].name} ${o.at}-${e.at}`;
    }
  }
  assert.deepEqual(intervals(profile), expected);
  assert.equal(profile.eventCount, source.profiles[0].events!.length);
  const pretty = profileSnapshot(profile);
  const compact = profileSnapshot(await importInChunks(file.split('/').pop()!, sampleTrace('speedscope/0.0.1/simple-no-pretty-print.speedscope.json')));
  assert.deepEqual(compact, pretty, 'pretty-printed and compact files hold the same profile');
});

test('speedscope: sampled profiles in seconds become microseconds laid end to end by weight', async () => {
  for (const file of ['speedscope/0.1.2/simple-sampled.speedscope.json', 'speedscope/0.6.0/two-sampled.speedscope.json']) {
    const profile = await importFile(file);
    const source = raw(file);
    assert.equal(profile.unit, 'microseconds');
    assert.equal(profile.threads.length, source.profiles.length);
    source.profiles.forEach((p, index) => {
      const thread = profile.threads[index];
      assert.equal(thread.id, `t${index}`);
      assert.equal(thread.name, p.name);
      assert.equal(thread.sampleCount, p.samples!.length);
      const expected = new Map<string, number>();
      let total = 0;
      p.samples!.forEach((stack, i) => {
        const key = stack.map((f) => source.shared.frames[f].name).join(';');
        expected.set(key, (expected.get(key) ?? 0) + p.weights![i] * 1e6);
        total += p.weights![i] * 1e6;
      });
      assert.deepEqual(foldedStacks(profile, thread), expected);
      assert.equal(thread.endTime - thread.startTime, total);
    });
    assert.equal(profile.name, file.split('/').pop(), 'the profile is named by its file, as for every format');
  }
});

test('speedscope: a trace whose calls never close keeps them open to the end, with a warning', async () => {
  const profile = await importFile('speedscope/invalid/incomplete-trace.json');
  assert.deepEqual(intervals(profile), ['A 0-100']);
  assert.equal(profile.warnings.length, 1);
  assert.match(profile.warnings[0], /1 calls were still open/);
});

test('speedscope: badly nested events give a partial profile and say what was repaired', async () => {
  const profile = await importFile('speedscope/invalid/out-of-order-events.json');
  // B closes while an A inside it is open: that A ends with B. The last close matches nothing.
  assert.deepEqual(intervals(profile), ['A 0-1', 'B 2-4', '  A 2-4', '    A 3-4']);
  assert.equal(profile.warnings.length, 2);
  assert.match(profile.warnings.join('\n'), /1 close events had no matching open event/);
  assert.match(profile.warnings.join('\n'), /1 calls were never closed before their caller closed/);
});

test('speedscope: 1-byte and random chunks import identically', async () => {
  for (const file of FILES) {
    const whole = profileSnapshot(await importFile(file));
    assert.deepEqual(profileSnapshot(await importFile(file, [1])), whole, file);
    assert.deepEqual(profileSnapshot(await importFile(file, randomChunkSizes(100, 40, 5))), whole, file);
  }
});

function doc(profiles: unknown[], frames: unknown[] = [{ name: 'main' }, { name: 'alloc', file: 'a.c', line: 3, col: 7 }]): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ $schema: 'https://www.speedscope.app/file-format-schema.json', shared: { frames }, profiles }));
}

test('speedscope: units convert (ms and ns to µs, bytes stay bytes) and frame locations are kept', async () => {
  const ms = await importInChunks(
    'ms.json',
    doc([{ type: 'sampled', name: 'x', unit: 'milliseconds', startValue: 0, endValue: 3, samples: [[0, 1]], weights: [3] }]),
  );
  assert.equal(ms.unit, 'microseconds');
  assert.equal(ms.endTime, 3000);
  assert.deepEqual(ms.frames.get(1), { name: 'alloc', file: 'a.c', line: 3, column: 7, category: undefined });
  const ns = await importInChunks(
    'ns.json',
    doc([
      {
        type: 'evented',
        name: 'x',
        unit: 'nanoseconds',
        startValue: 0,
        endValue: 5000,
        events: [
          { type: 'O', frame: 0, at: 1000 },
          { type: 'C', frame: 0, at: 5000 },
        ],
      },
    ]),
  );
  assert.deepEqual(intervals(ns), ['main 1-5']);
  const bytes = await importInChunks(
    'heap.json',
    doc([{ type: 'sampled', name: 'heap', unit: 'bytes', startValue: 0, endValue: 10, samples: [[0], [0, 1]], weights: [4, 6] }]),
  );
  assert.equal(bytes.unit, 'bytes');
  assert.equal(bytes.endTime, 10);
});

test('speedscope: profiles in another unit, bad frame indices and bad weights are skipped with warnings', async () => {
  const profile = await importInChunks(
    'mixed.json',
    doc([
      { type: 'sampled', name: 'cpu', unit: 'seconds', startValue: 0, endValue: 3, samples: [[0, 9], [0], 'x'], weights: [1, -2, 1] },
      { type: 'sampled', name: 'heap', unit: 'bytes', startValue: 0, endValue: 1, samples: [[0]], weights: [1] },
      { type: 'flame', name: 'odd' },
    ]),
  );
  assert.equal(profile.threads.length, 1);
  assert.equal(profile.threads[0].name, 'cpu');
  const text = profile.warnings.join('\n');
  assert.match(text, /"heap" measures "bytes"/);
  assert.match(text, /unknown type "flame"/);
  assert.match(text, /1 references to frames missing/);
  assert.match(text, /1 samples are not lists/);
  assert.match(text, /1 weights are not non-negative/);
});

test('speedscope: broken files fail with a clear error code, never a crash', async () => {
  const full = sampleTrace('speedscope/0.6.0/two-sampled.speedscope.json');
  await assert.rejects(importInChunks('cut.json', full.subarray(0, full.length - 40)), (e: unknown) => e instanceof TraceImportError && e.code === 'truncated');
  const broken = new TextEncoder().encode('{"$schema": "https://www.speedscope.app/file-format-schema.json", "profiles": [}');
  await assert.rejects(importInChunks('bad.json', broken), (e: unknown) => e instanceof TraceImportError && e.code === 'invalid-json');
  await assert.rejects(
    importInChunks('none.json', doc([])),
    (e: unknown) => e instanceof TraceImportError && e.code === 'invalid-data' && /no "profiles"/.test(e.message),
  );
  await assert.rejects(importInChunks('odd.json', doc([{ type: 'flame' }])), (e: unknown) => e instanceof TraceImportError && e.code === 'invalid-data');
  await assert.rejects(
    importInChunks('big.json', full, [], { maxBufferedBytes: 100 }),
    (e: unknown) => e instanceof TraceImportError && e.code === 'too-large',
  );
});

test('speedscope: a deeply nested value where a string belongs is reported, not a stack overflow', async () => {
  const nested = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
  const text = `{"$schema": "https://www.speedscope.app/file-format-schema.json", "shared": {"frames": [{"name": "a"}]}, "profiles": [
    {"type": "sampled", "name": "ok", "unit": "none", "startValue": 0, "endValue": 1, "samples": [[0]], "weights": [1]},
    {"type": ${nested}, "unit": ${nested}, "name": "odd"}]}`;
  const profile = await importInChunks('nested.json', new TextEncoder().encode(text));
  assert.equal(profile.threads.length, 1);
  assert.match(profile.warnings.join('\n'), /"odd" has unknown type a list/);
});
