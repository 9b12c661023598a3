import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'vitest';
import { importTraceFile } from '../../node/node-host.ts';
import { FrameTable } from './frame-table.ts';
import type { Profile } from './profile.ts';
import { ProfileCodecError, decodeProfile, encodeProfile } from './profile-codec.ts';
import { TimelineBuilder } from './thread-timeline.ts';
import { REAL_TRACES, SAMPLE_TRACES } from '../../node/trace-fixtures.ts';

function assertSameProfile(actual: Profile, expected: Profile): void {
  assert.equal(actual.format, expected.format);
  assert.equal(actual.name, expected.name);
  assert.equal(actual.unit, expected.unit);
  assert.equal(actual.startTime, expected.startTime);
  assert.equal(actual.endTime, expected.endTime);
  assert.equal(actual.eventCount, expected.eventCount);
  assert.deepEqual(actual.warnings, expected.warnings);
  assert.deepEqual(actual.page, expected.page);
  assert.equal(actual.frames.length, expected.frames.length);
  for (let i = 0; i < expected.frames.length; i++) assert.deepEqual(actual.frames.get(i), expected.frames.get(i));
  assert.equal(actual.threads.length, expected.threads.length);
  actual.threads.forEach((t, i) => {
    const e = expected.threads[i];
    assert.equal(t.id, e.id);
    assert.equal(t.name, e.name);
    assert.equal(t.pid, e.pid);
    assert.equal(t.tid, e.tid);
    assert.equal(t.count, e.count);
    assert.equal(t.startTime, e.startTime);
    assert.equal(t.endTime, e.endTime);
    assert.equal(t.sampleCount, e.sampleCount);
    assert.deepEqual(t.markers, e.markers);
    assert.deepEqual(t.frame, e.frame);
    assert.deepEqual(t.start, e.start);
    assert.deepEqual(t.end, e.end);
    assert.deepEqual(t.depth, e.depth);
  });
}

function builtProfile(): Profile {
  const frames = new FrameTable();
  const main = frames.intern({ name: 'main', file: 'app.js', line: 1, column: 5, category: 'v8' });
  const work = frames.internName('work');
  const ünicode = frames.intern({ name: 'ünï “codé” 🔥', file: 'weird\u2028path.js' });
  const a = new TimelineBuilder({ id: 'p1:t1', name: 'CrRendererMain', pid: 1, tid: 1 });
  a.enter(main, 10.25);
  a.enter(work, 11.5);
  a.leave(20);
  a.enter(ünicode, 21);
  a.leave(22);
  a.leave(30);
  a.addMarker({ name: 'navigationStart', category: 'blink', start: 10, end: 10 });
  a.addMarker({ name: 'measure', start: 12, end: 18 });
  const b = new TimelineBuilder({ id: 't2', name: 'worker' });
  b.sample([main], 0);
  b.sample([main, work], 3);
  const empty = new TimelineBuilder({ id: 't3', name: 'idle' });
  const threads = [a.finish(), b.finish(5), empty.finish()];
  return {
    format: 'chrome-trace-event',
    name: 'built.json',
    unit: 'microseconds',
    frames,
    threads,
    startTime: 0,
    endTime: 30,
    eventCount: 9,
    warnings: ['1 timestamp went backwards'],
  };
}

test('a built profile round-trips: frames with absent fields, markers, empty threads', () => {
  const profile = builtProfile();
  const bytes = encodeProfile(profile);
  const decoded = decodeProfile(bytes);
  assertSameProfile(decoded, profile);
  // The decoded frame table is a real FrameTable: interning an existing frame finds it.
  assert.equal(decoded.frames.internName('work'), profile.frames.internName('work'));
});

test('decoded arrays are views over the encoded buffer, not copies', () => {
  const bytes = encodeProfile(builtProfile());
  const decoded = decodeProfile(bytes.buffer as ArrayBuffer);
  for (const t of decoded.threads) {
    assert.equal(t.start.buffer, bytes.buffer);
    assert.equal(t.start.byteOffset % 8, 0);
  }
});

test('bytes at an unaligned offset (e.g. inside a larger message) still decode', () => {
  const bytes = encodeProfile(builtProfile());
  const framed = new Uint8Array(bytes.length + 3);
  framed.set(bytes, 3);
  assertSameProfile(decodeProfile(framed.subarray(3)), builtProfile());
});

test('bytes that are not an encoded profile are refused with a codec error', () => {
  assert.throws(() => decodeProfile(new TextEncoder().encode('{"traceEvents":[]}')), ProfileCodecError);
  assert.throws(() => decodeProfile(new Uint8Array(3)), ProfileCodecError);
  const truncated = encodeProfile(builtProfile());
  assert.throws(() => decodeProfile(truncated.subarray(0, truncated.length - 8)), ProfileCodecError);
});

// Real files from speedscope's sample set, one per format family.
const REAL_FILES = [
  'Chrome/65/simple.cpuprofile',
  'Chrome/65/simple-timeline.json',
  'node/10.11.0/example.cpuprofile',
  'speedscope/0.6.0/two-sampled.speedscope.json',
  'trace-event/multi-thread-with-samples.json',
  'Firefox/61/recursion.json',
  'linux-perf/simple.linux-perf.txt',
  'stackcollapse/simple.txt',
  'pprof/simple.prof',
];

for (const relative of REAL_FILES) {
  test(`real trace round-trips: ${relative}`, async () => {
    const profile = await importTraceFile(join(SAMPLE_TRACES, relative));
    assert.ok(
      profile.threads.some((t) => t.count > 0),
      'the trace has intervals to carry',
    );
    const decoded = decodeProfile(encodeProfile(profile));
    assertSameProfile(decoded, profile);
  });
}

// Lighthouse's recordings of pages loading: their page insights (navigations, requests, shifts, interactions) travel too.
for (const relative of ['lighthouse/user-flow-step3-trace.json', 'lighthouse/jumpy-cls-m90.json', 'lighthouse/timespan-responsiveness-m103.trace.json']) {
  test(`real page recording round-trips with its page insights: ${relative}`, async () => {
    const profile = await importTraceFile(join(REAL_TRACES, relative));
    const page = profile.page;
    assert.ok(page && page.requests.length + page.layoutShifts.length + page.interactions.length > 0, 'the trace has page insights to carry');
    assertSameProfile(decodeProfile(encodeProfile(profile)), profile);
  });
}

test('the real-file list names files that exist', () => {
  for (const relative of REAL_FILES) assert.ok(statSync(join(SAMPLE_TRACES, relative)).isFile(), relative);
  assert.ok(readdirSync(SAMPLE_TRACES).length > 0);
});
