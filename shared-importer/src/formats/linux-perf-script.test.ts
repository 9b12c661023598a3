import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'vitest';
import { SAMPLE_TRACES, foldedStacks, formatsClaiming, importInChunks, profileSnapshot, randomChunkSizes, sampleTrace } from '../../node/trace-fixtures.ts';
import { TraceImportError } from '../errors.ts';

const DIR = 'linux-perf';
const FILES = readdirSync(join(SAMPLE_TRACES, DIR)).sort();

interface FileThread {
  name: string;
  samples: number;
  firstMicros: number;
  stacks: Set<string>;
}

/** Threads, sample counts and stacks read straight from the text, by block. */
function expectedThreads(file: string): Map<string, FileThread> {
  const text = readFileSync(join(SAMPLE_TRACES, DIR, file), 'utf8');
  const threads = new Map<string, FileThread>();
  for (const block of text.split(/\n\s*\n/)) {
    const lines = block.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
    if (lines.length === 0) continue;
    const header = /^(.+?)\s+(\d+)(?:\/(\d+))?\s+(?:\[\d+\]\s+)?(\d+\.\d{6}):/.exec(lines[0]);
    assert.ok(header, `header: ${lines[0]}`);
    const id = header[3] ? `p${header[2]}:t${header[3]}` : `t${header[2]}`;
    const symbols = lines
      .slice(1)
      .map((l) =>
        l
          .trim()
          .split(/\s+/)[1]
          .replace(/\+0x[0-9a-f]+$/, ''),
      )
      // The files' C++ names are all void free functions, "_Z<length><name>v".
      .map((name) => name.replace(/^_Z\d+(\w+)v$/, '$1()'));
    let thread = threads.get(id);
    if (!thread) {
      thread = { name: header[1], samples: 0, firstMicros: Number(header[4].replace('.', '')), stacks: new Set() };
      threads.set(id, thread);
    }
    thread.samples++;
    thread.stacks.add(symbols.reverse().join(';'));
  }
  return threads;
}

for (const file of FILES) {
  test(`perf script: ${file} gives the file's threads, samples and stacks`, async () => {
    const bytes = sampleTrace(join(DIR, file));
    assert.deepEqual(formatsClaiming(bytes), ['linux-perf-script']);
    let progressEvents = -1;
    const profile = await importInChunks(file, bytes, [], { onProgress: (p) => (progressEvents = p.events) });
    assert.equal(progressEvents, profile.eventCount, 'progress counts every event');
    const expected = expectedThreads(file);
    assert.equal(profile.format, 'linux-perf-script');
    assert.equal(profile.unit, 'microseconds');
    assert.deepEqual(profile.warnings, []);
    assert.deepEqual(profile.threads.map((t) => t.id).sort(), [...expected.keys()].sort());
    let total = 0;
    for (const thread of profile.threads) {
      const want = expected.get(thread.id)!;
      assert.equal(thread.name, want.name);
      assert.equal(thread.sampleCount, want.samples, thread.id);
      assert.equal(thread.startTime, want.firstMicros, `${thread.id} starts at its first sample, in µs`);
      // Every stack sampled shows up as a call path, and nothing else does.
      const paths = new Set(foldedStacks(profile, thread).keys());
      for (const path of paths) assert.ok(want.stacks.has(path), `${thread.id}: unexpected path ${path}`);
      for (const stack of want.stacks) assert.ok(paths.has(stack), `${thread.id}: missing path ${stack}`);
      total += want.samples;
    }
    assert.equal(profile.eventCount, total);
  });
}

test('perf script: forks and system-wide traces keep each thread apart', async () => {
  const forks = await importInChunks('forks.txt', sampleTrace(join(DIR, 'forks.linux-perf.txt')));
  assert.deepEqual(forks.threads.map((t) => `${t.name}:${t.tid}`).sort(), ['forks:10', 'forks:11', 'forks:9', 'swapper:0']);
  const rust = await importInChunks('rust.txt', sampleTrace(join(DIR, 'rust-mangled.linux-perf.txt')));
  assert.ok(rust.frames.names.includes('_RINvNtCse0yjq9ZQveU_3std2rt10lang_startuECs8K9WJNlS7Dz_5trace'), 'offsets are stripped, names kept');
  assert.equal(rust.frames.files[rust.frames.names.indexOf('__libc_start_main')], '/usr/lib/aarch64-linux-gnu/libc.so.6');
});

test('perf script: a thread off CPU between samples does not stretch its calls over the gap', async () => {
  const text = [
    'app 7 [000] 10.000000: 1000000 cpu-clock: ',
    '\t 1 work (/bin/app)',
    '\t 2 main (/bin/app)',
    '',
    'app 7 [000] 10.050000: 1000000 cpu-clock: ',
    '\t 2 main (/bin/app)',
    '',
  ].join('\n');
  const profile = await importInChunks('gap.txt', new TextEncoder().encode(text));
  const t = profile.threads[0];
  const names = Array.from(t.frame, (f) => profile.frames.names[f]);
  assert.deepEqual(names, ['main', 'work', 'main']);
  assert.deepEqual(Array.from(t.start), [10_000_000, 10_000_000, 10_050_000]);
  assert.deepEqual(Array.from(t.end), [10_001_000, 10_001_000, 10_051_000], 'each sample lasts one 1 ms period');
});

test('perf script: other event types are left out with a warning, stray lines are counted', async () => {
  const text = [
    'app 7 10.000000: 100 cycles:u: ',
    '\t 1 work (/bin/app)',
    '',
    'app 7 10.000100: 100 instructions:u: ',
    '\t 1 work (/bin/app)',
    '',
    'app 7 10.000200: 100 cycles:u: ',
    '\tnot a frame',
    '\t 1 work (/bin/app)',
  ].join('\n');
  const profile = await importInChunks('multi.txt', new TextEncoder().encode(text));
  assert.equal(profile.threads[0].sampleCount, 2);
  assert.match(profile.warnings.join('\n'), /1 samples of events other than "cycles"/);
  assert.match(profile.warnings.join('\n'), /1 lines were neither/);
});

test('perf script: chunk boundaries do not change the result', async () => {
  for (const file of FILES) {
    const bytes = sampleTrace(join(DIR, file));
    const whole = profileSnapshot(await importInChunks(file, bytes));
    assert.deepEqual(profileSnapshot(await importInChunks(file, bytes, randomChunkSizes(500, 300, 11))), whole, file);
    if (bytes.length < 4096) assert.deepEqual(profileSnapshot(await importInChunks(file, bytes, [1])), whole, `${file} 1-byte`);
    else if (bytes.length < 50_000)
      assert.deepEqual(profileSnapshot(await importInChunks(file, bytes, randomChunkSizes(1000, 12, 2))), whole, `${file} tiny chunks`);
  }
});

test('perf script: prose that merely mentions a time is not taken for perf output', async () => {
  const prose = new TextEncoder().encode('Meeting notes 12 10.30: agenda below\nWe discussed the profile.\n');
  await assert.rejects(
    importInChunks('notes.txt', prose),
    (e: unknown) => e instanceof TraceImportError && e.code === 'unknown-format' && /Linux perf script/.test(e.message),
  );
});

test('perf script: pathological call-chain lines are handled in linear time and counted as frames or strays', async () => {
  const long = `\t 1 ${'f ('.repeat(100_000)}x${')'.repeat(99_999)}`;
  const text = `app 7 10.000000: 100 cycles: \n${long}\n\t 2 main (/bin/app)\n\t zz not hex\n`;
  const profile = await importInChunks('odd.txt', new TextEncoder().encode(text));
  assert.equal(profile.threads[0].sampleCount, 1);
  assert.ok(profile.frames.names.includes('main'));
  assert.match(profile.warnings.join('\n'), /1 lines were neither/);
});

test('perf script: output recorded without -g (location on the header line) still gives one frame per sample', async () => {
  const text = [
    'app  7/8 [001] 10.000000:     250000 cycles:u:  ffffffff8100abcd do_work+0x1d (/bin/app)',
    'app  7/8 [001] 10.000250:     250000 cycles:u:  ffffffff8100ab00 main+0x4 (/bin/app)',
  ].join('\n');
  const profile = await importInChunks('flat.txt', new TextEncoder().encode(text));
  const t = profile.threads[0];
  assert.equal(t.id, 'p7:t8');
  assert.deepEqual(
    Array.from(t.frame, (f) => profile.frames.names[f]),
    ['do_work', 'main'],
  );
  assert.deepEqual(Array.from(t.start), [10_000_000, 10_000_250]);
  assert.deepEqual(profile.warnings, []);
});
