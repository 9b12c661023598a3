import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'vitest';
import { SAMPLE_TRACES, foldedStacks, formatsClaiming, importInChunks, profileSnapshot, randomChunkSizes, sampleTrace } from '../../node/trace-fixtures.ts';
import { TraceImportError } from '../errors.ts';
import type { Profile } from '../model/profile.ts';

const FILES = [
  'Firefox/59/firefox.json',
  'Firefox/59/simple-firefox.json',
  'Firefox/61/recursion.json',
  'Firefox/63/simple-firefox.json',
  // A Firefox 79 devtools export (Gecko format 19), kept with the source-map samples.
  'source-maps/firefox-79-webpack.json',
];

interface GeckoThread {
  name: string;
  tid: number;
  pid: number;
  samples: { schema: Record<string, number>; data: unknown[][] };
  stackTable: { schema: Record<string, number>; data: (number | null)[][] };
  frameTable: { schema: Record<string, number>; data: (number | null)[][] };
  stringTable: string[];
}

interface DevtoolsExport {
  markers: { name: string; start: number; end: number }[];
  profile: { meta: { interval: number }; threads: GeckoThread[]; processes: unknown[] };
}

function raw(path: string): DevtoolsExport {
  return JSON.parse(readFileSync(join(SAMPLE_TRACES, path), 'utf8')) as DevtoolsExport;
}

/** Folded stacks computed straight from the Gecko tables: each sample lasts until the next (the last for one interval). */
function expectedFolded(thread: GeckoThread, intervalMs: number): Map<string, number> {
  const { stackTable, frameTable, stringTable, samples } = thread;
  const nameOf = (frame: number) => {
    const location = stringTable[frameTable.data[frame][frameTable.schema.location] as number];
    return / \(.+\)$/.test(location) ? location.replace(/ \([^()]*(\([^()]*\))?[^()]*\)$/, '') : location;
  };
  const folded = new Map<string, number>();
  const rows = samples.data;
  for (let i = 0; i < rows.length; i++) {
    const names: string[] = [];
    for (let s = rows[i][samples.schema.stack] as number | null; s !== null; s = stackTable.data[s][stackTable.schema.prefix]) {
      names.push(nameOf(stackTable.data[s][stackTable.schema.frame] as number));
    }
    const t = rows[i][samples.schema.time] as number;
    const next = i + 1 < rows.length ? (rows[i + 1][samples.schema.time] as number) : t + intervalMs;
    const key = names.reverse().join(';');
    folded.set(key, (folded.get(key) ?? 0) + (next - t) * 1000);
  }
  return folded;
}

function assertCloseMaps(actual: Map<string, number>, expected: Map<string, number>): void {
  assert.deepEqual([...actual.keys()].sort(), [...expected.keys()].sort());
  for (const [key, value] of expected) {
    assert.ok(Math.abs(actual.get(key)! - value) <= 1e-6 * Math.max(1, value), `${key}: ${actual.get(key)} vs ${value}`);
  }
}

for (const file of FILES) {
  test(`firefox: ${file} imports every thread with the file's samples, times and stacks`, async () => {
    const bytes = sampleTrace(file);
    assert.deepEqual(formatsClaiming(bytes), ['firefox-gecko']);
    let progressEvents = -1;
    const profile = await importInChunks(file.split('/').pop()!, bytes, [], { onProgress: (p) => (progressEvents = p.events) });
    assert.equal(progressEvents, profile.eventCount, 'progress counts every event');
    const source = raw(file);
    const threads = source.profile.threads;
    assert.equal(profile.format, 'firefox-gecko');
    assert.equal(profile.unit, 'microseconds');
    assert.deepEqual(profile.warnings, []);
    assert.equal(profile.threads.length, threads.length);
    threads.forEach((geckoThread, i) => {
      const thread = profile.threads[i];
      const rows = geckoThread.samples.data;
      const timeColumn = geckoThread.samples.schema.time;
      assert.equal(thread.name, geckoThread.name);
      assert.equal(thread.id, `p${geckoThread.pid}:t${geckoThread.tid}`);
      assert.equal(thread.sampleCount, rows.length);
      assert.equal(thread.startTime, Math.min((rows[0][timeColumn] as number) * 1000, ...thread.markers.map((m) => m.start)));
      const lastMs = (rows[rows.length - 1][timeColumn] as number) + source.profile.meta.interval;
      assert.ok(Math.abs(thread.endTime - Math.max(lastMs * 1000, ...thread.markers.map((m) => m.end))) < 1e-6);
      assertCloseMaps(foldedStacks(profile, thread), expectedFolded(geckoThread, source.profile.meta.interval));
    });
    assert.equal(
      profile.eventCount,
      threads.reduce((n, t) => n + t.samples.data.length, 0),
    );
  });
}

test('firefox: JS frames are split into function, file and line; the devtools marker list lands on GeckoMain', async () => {
  const file = 'Firefox/59/firefox.json';
  const profile = await importInChunks('firefox.json', sampleTrace(file));
  const run = profile.frames.names.indexOf('_run');
  assert.deepEqual(profile.frames.get(run), {
    name: '_run',
    file: 'resource://devtools/shared/base-loader.js -> resource://devtools/shared/task.js',
    line: 304,
    column: undefined,
    category: 'JavaScript', // Gecko 59 frames carry category bit 64.
  });
  const source = raw(file);
  const markers = profile.threads[0].markers;
  assert.equal(markers.length, source.markers.length);
  const names = new Set(markers.map((m) => m.name));
  for (const name of ['GarbageCollection', 'DOMEvent', 'Reflow', 'Styles']) assert.ok(names.has(name), name);
  const gc = source.markers.find((m) => m.name === 'GarbageCollection')!;
  assert.ok(markers.some((m) => m.name === 'GarbageCollection' && m.start === gc.start * 1000 && m.end === gc.end * 1000));
});

test('firefox: recursion.json keeps recursive calls as nested intervals of the same function', async () => {
  const profile = await importInChunks('recursion.json', sampleTrace('Firefox/61/recursion.json'));
  const t = profile.threads[0];
  const maxNesting = new Map<number, number>();
  const path: number[] = [];
  for (let i = 0; i < t.count; i++) {
    path.length = t.depth[i];
    path.push(t.frame[i]);
    const same = path.filter((f) => f === t.frame[i]).length;
    maxNesting.set(t.frame[i], Math.max(maxNesting.get(t.frame[i]) ?? 0, same));
  }
  const recursive = [...maxNesting].filter(([, n]) => n >= 3).map(([f]) => profile.frames.names[f]);
  assert.ok(recursive.length > 0, 'some function recurses at least three deep');
});

test('firefox: tiny and random chunks import identically', async () => {
  for (const file of FILES) {
    const bytes = sampleTrace(file);
    const whole = profileSnapshot(await importInChunks('f.json', bytes));
    assert.deepEqual(profileSnapshot(await importInChunks('f.json', bytes, randomChunkSizes(300, 4000, 9))), whole, file);
    // Chunks of 1 to 16 bytes: every multi-byte character and number gets split somewhere.
    if (bytes.length < 200_000)
      assert.deepEqual(profileSnapshot(await importInChunks('f.json', bytes, randomChunkSizes(1000, 16, 4))), whole, `${file} tiny chunks`);
  }
});

function json(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}

function names(profile: Profile, threadIndex: number): string[] {
  const t = profile.threads[threadIndex];
  return Array.from({ length: t.count }, (_, i) => `${'  '.repeat(t.depth[i])}${profile.frames.names[t.frame[i]]} ${t.start[i]}-${t.end[i]}`);
}

test('firefox: a raw Gecko profile with a sub-process shifts the child to the parent clock, markers paired', async () => {
  const thread = (name: string, tid: number, times: number[], markers: unknown[][]) => ({
    name,
    tid,
    pid: tid * 10,
    samples: { schema: { stack: 0, time: 1 }, data: times.map((t) => [1, t]) },
    stackTable: {
      schema: { prefix: 0, frame: 1 },
      data: [
        [null, 0],
        [0, 1],
      ],
    },
    frameTable: {
      schema: { location: 0, category: 1 },
      data: [
        [0, 0],
        [1, 1],
      ],
    },
    markers: { schema: { name: 0, time: 1, data: 2 }, data: markers },
    stringTable: ['main (file:///app.js:1:2)', 'work', 'GCMajor', 'Paint'],
  });
  const profile = await importInChunks(
    'gecko.json',
    json({
      meta: { version: 9, startTime: 1000, interval: 1, stackwalk: 1, categories: [{ name: 'JavaScript' }, { name: 'Other' }] },
      threads: [
        thread(
          'GeckoMain',
          1,
          [0, 1],
          [
            [2, 0.5, { type: 'GCMajor', startTime: 0.5, endTime: 1.5 }],
            [3, 0, { type: 'tracing', category: 'Paint', interval: 'start' }],
            [3, 2, { type: 'tracing', category: 'Paint', interval: 'end' }],
          ],
        ),
      ],
      processes: [{ meta: { startTime: 1010, interval: 1 }, threads: [thread('GeckoMain', 2, [0], [])], processes: [] }],
    }),
  );
  assert.deepEqual(
    profile.threads.map((t) => t.id),
    ['p10:t1', 'p20:t2'],
  );
  assert.deepEqual(names(profile, 0), ['main 0-2000', '  work 0-2000']);
  assert.deepEqual(names(profile, 1), ['main 10000-11000', '  work 10000-11000']);
  assert.deepEqual(profile.frames.get(profile.threads[0].frame[0]), { name: 'main', file: 'file:///app.js', line: 1, column: 2, category: 'JavaScript' });
  assert.deepEqual(profile.threads[0].markers, [
    { name: 'GCMajor', category: 'GCMajor', start: 500, end: 1500 },
    { name: 'Paint', category: 'Paint', start: 0, end: 2000 },
  ]);
});

test('firefox: the processed format (column tables, funcTable, timeDeltas, shared strings, phased markers) imports', async () => {
  const profile = await importInChunks(
    'processed.json',
    json({
      meta: { version: 30, preprocessedProfileVersion: 50, startTime: 0, interval: 2, categories: [{ name: 'Idle' }, { name: 'JavaScript' }] },
      shared: { stringArray: ['main', 'app.js', 'render', 'DOMEvent'] },
      libs: [],
      threads: [
        {
          name: 'GeckoMain',
          processName: 'Web Content',
          pid: '42',
          tid: 7,
          samples: { length: 3, stack: [1, 0, null], timeDeltas: [5, 2, 2] },
          stackTable: { length: 2, prefix: [null, 0], frame: [0, 1] },
          frameTable: { length: 2, func: [0, 1], category: [1, 1], line: [3, 9] },
          funcTable: { length: 2, name: [0, 2], fileName: [1, 1], lineNumber: [1, 8], columnNumber: [null, null] },
          markers: { length: 2, name: [3, 3], startTime: [5, 6], endTime: [6, null], phase: [1, 0], category: [1, 1], data: [null, null] },
        },
      ],
    }),
  );
  assert.deepEqual(
    profile.threads.map((t) => t.id),
    ['p42:t7'],
  );
  // Samples at 5, 7 and 9 ms; the third has no stack (idle) and lasts one 2 ms interval.
  assert.deepEqual(names(profile, 0), ['main 5000-9000', '  render 5000-7000']);
  assert.equal(profile.threads[0].endTime, 11000);
  assert.deepEqual(profile.frames.get(1), { name: 'render', file: 'app.js', line: 8, column: undefined, category: 'JavaScript' });
  assert.deepEqual(profile.threads[0].markers, [
    { name: 'DOMEvent', category: 'JavaScript', start: 5000, end: 6000 },
    { name: 'DOMEvent', category: 'JavaScript', start: 6000, end: 6000 },
  ]);
});

test('firefox: very long and circular prefix chains neither overflow nor hang', async () => {
  const depth = 200_000;
  const stackData: (number | null)[][] = [[null, 0]];
  for (let i = 1; i < depth; i++) stackData.push([i - 1, i % 2]);
  stackData.push([depth + 1, 0], [depth, 0]); // two stacks pointing at each other
  const profile = await importInChunks(
    'deep.json',
    json({
      meta: { startTime: 0, interval: 1, stackwalk: 1 },
      threads: [
        {
          name: 'GeckoMain',
          tid: 1,
          samples: {
            schema: { stack: 0, time: 1 },
            data: [
              [depth - 1, 0],
              [depth, 1],
              [depth - 1, 2],
            ],
          },
          stackTable: { schema: { prefix: 0, frame: 1 }, data: stackData },
          frameTable: { schema: { location: 0 }, data: [[0], [1]] },
          stringTable: ['a', 'b'],
        },
      ],
    }),
  );
  const t = profile.threads[0];
  assert.equal(t.sampleCount, 3);
  assert.equal(Math.max(...t.depth.subarray(0, 10)), 9);
  assert.equal(t.count, depth * 2);
  assert.match(profile.warnings.join('\n'), /1 samples refer to missing or circular stacks/);
});

test('firefox: a table claiming a huge length is sized by its columns, not by the claim', async () => {
  const profile = await importInChunks(
    'claims.json',
    json({
      meta: { preprocessedProfileVersion: 50, startTime: 0, interval: 1 },
      shared: { stringArray: ['main'] },
      threads: [
        {
          name: 'GeckoMain',
          samples: { length: 1e12, stack: [0], time: [0] },
          stackTable: { length: 1e12, prefix: [null], frame: [0] },
          frameTable: { length: 1e12, func: [0] },
          funcTable: { length: 1e12, name: [0] },
        },
      ],
    }),
  );
  assert.equal(profile.threads[0].sampleCount, 1);
  assert.equal(profile.frames.names[0], 'main');
});

test('firefox: broken files fail with a clear error code', async () => {
  const bytes = sampleTrace('Firefox/63/simple-firefox.json');
  await assert.rejects(
    importInChunks('cut.json', bytes.subarray(0, bytes.length - 100)),
    (e: unknown) => e instanceof TraceImportError && e.code === 'truncated',
  );
  await assert.rejects(
    importInChunks('none.json', json({ meta: { stackwalk: 1 } })),
    (e: unknown) => e instanceof TraceImportError && e.code === 'invalid-data' && /no "threads"/.test(e.message),
  );
  await assert.rejects(
    importInChunks('empty.json', json({ meta: { stackwalk: 1 }, threads: [{ name: 'x' }] })),
    (e: unknown) => e instanceof TraceImportError && e.code === 'invalid-data',
  );
});

test('firefox: pathological frame labels split in linear time', async () => {
  const label = `${'g ('.repeat(100_000)}x`;
  const profile = await importInChunks(
    'labels.json',
    json({
      meta: { startTime: 0, interval: 1, stackwalk: 1 },
      threads: [
        {
          name: 'GeckoMain',
          tid: 1,
          samples: {
            schema: { stack: 0, time: 1 },
            data: [
              [0, 0],
              [1, 1],
            ],
          },
          stackTable: {
            schema: { prefix: 0, frame: 1 },
            data: [
              [null, 0],
              [0, 1],
            ],
          },
          frameTable: { schema: { location: 0 }, data: [[0], [1]] },
          stringTable: [label, 'h (a.js (inlined):3:4)'],
        },
      ],
    }),
  );
  assert.equal(profile.frames.names[0], label);
  assert.deepEqual(profile.frames.get(1), { name: 'h', file: 'a.js (inlined)', line: 3, column: 4, category: undefined });
});
