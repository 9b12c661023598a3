import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { gunzipSync, gzipSync } from 'node:zlib';
import { nodeGunzip } from '../../node/node-host.ts';
import { SAMPLE_TRACES, importInChunks, profileSnapshot, randomChunkSizes } from '../../node/trace-fixtures.ts';
import { TraceImportError } from '../errors.ts';
import { importProfileFromChunks, importProfilesFromArrayBuffer } from '../import-profile.ts';
import type { Profile } from '../model/profile.ts';
import type { ThreadTimeline } from '../model/thread-timeline.ts';
import { summarizeProfile } from '../summary/summarize-profile.ts';
import { detectFormat } from './registry.ts';

const TRACE_EVENT_DIR = join(SAMPLE_TRACES, 'trace-event');
const CHROME_TRACES = [
  '116/Trace-20230603T221323.json',
  '141/no-arg-data.json',
  '65/simple-timeline.json',
  '66/worker.json',
  '69/simple.json',
  '70/worker.json',
].map((f) => join(SAMPLE_TRACES, 'Chrome', f));

const encoder = new TextEncoder();
const bytesOf = (path: string) => new Uint8Array(readFileSync(path));

function importBytes(bytes: Uint8Array, name = 'trace.json', options = {}): Promise<Profile> {
  return importProfilesFromArrayBuffer(name, bytes, { gunzip: nodeGunzip, ...options });
}

/** The calls of a thread as "name start-end" lines indented by depth. */
function calls(profile: Profile, thread: ThreadTimeline): string[] {
  const out: string[] = [];
  for (let i = 0; i < thread.count; i++) {
    out.push(`${'  '.repeat(thread.depth[i])}${profile.frames.names[thread.frame[i]]} ${thread.start[i]}-${thread.end[i]}`);
  }
  return out;
}

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface RawEvent {
  ph?: string;
  name?: string;
  cat?: string;
  ts?: number | string;
  dur?: number;
  pid?: number | string;
  tid?: number | string;
  id?: string | number;
  args?: Record<string, any>;
}

function eventsOf(path: string): RawEvent[] {
  const doc = JSON.parse(readFileSync(path, 'utf8'));
  return Array.isArray(doc) ? doc : doc.traceEvents;
}

describe('Chrome trace events: speedscope trace-event cases', () => {
  // Expected calls, checked by hand against each file (see the ordering rules in chrome-trace-event-timeline.ts).
  const expected: Record<string, string[]> = {
    'simple.json': ['alpha 0-14', '  beta 1-13', '    gamma 2-7', '    epsilon 7-11'],
    'simple-partial.json': ['alpha 0-14', '  beta 1-13', '    gamma 2-7', '    epsilon 7-11'],
    'simple-partial-trailing-comma.json': ['alpha 0-14', '  beta 1-13', '    gamma 2-7', '    epsilon 7-11'],
    'simple-partial-whitespace.json': ['alpha 0-14', '  beta 1-13', '    gamma 2-7', '    epsilon 7-11'],
    // An X without a name, lasting its "tdur".
    'simple-object.json': ['alpha 0-14', '  beta 1-13', '    (unnamed) 7-11'],
    'out-of-order.json': ['A 0-10', '  B 1-9', '    C 2-8'],
    'matching-x.json': ['alpha 0-10', '  beta 1-2', '    gamma 1-2', '  gamma 5-6', '    beta 5-6'],
    'x-events-matching-start.json': [
      'alpha 0-20',
      '  beta 1-3',
      '    gamma 1-2',
      '  gamma 5-7',
      '    beta 5-6',
      '  gamma 9-11',
      '    beta 9-10',
      '  beta 13-15',
      '    gamma 13-14',
    ],
    'x-events-matching-end.json': [
      'alpha 0-20',
      '  beta 1-3',
      '    gamma 2-3',
      '  gamma 5-7',
      '    beta 6-7',
      '  beta 9-11',
      '    gamma 10-11',
      '  gamma 14-16',
      '    beta 15-16',
    ],
    'zero-duration-events.json': ['A 0-10', '  B 1-1', '  C 2-2', '  D 3-3'],
    'must-retain-original-order.json': ['A 0-3', '  B 0-2', '    C 0-1', 'A 4-7', '  B 5-7', '    C 6-7', 'X 7-10'],
    'bex-interaction.json': [
      'A 0-2',
      '  B 0-2',
      'D 10-12',
      '  C 10-12',
      'F 20-22',
      '  E 20-21',
      'G 30-32',
      '  H 30-31',
      'J 40-42',
      '  I 41-42',
      'K 50-52',
      '  L 51-52',
    ],
    'event-reordering-name-match.json': ['alpha 0-10', '  beta 1-2', '    gamma 1-2'],
    'simultaneous-anonymous-calls.json': [
      'anonymous 0-5',
      '  anonymous 1-3',
      '    function1 1-3',
      '      anonymous 1-3',
      '  anonymous 3-5',
      '    anonymous 3-5',
    ],
    'unbalanced-args.json': ['A 0-10', '  A 1-9'],
    'mismatched-args.json': ['A 0-10'],
    // Repairs: each of these also warns.
    'mismatched-name.json': ['alpha 0-10'],
    'unbalanced-name.json': ['alpha 0-10', '  beta 1-10'],
    'out-of-order-unbalanced-name.json': ['alpha 0-10', '  beta 1-10'],
    'too-many-end-events.json': ['alpha 0-14', '  beta 1-13'],
    'end-event-with-empty-stack.json': ['alpha 0-1'],
    'end-non-top-of-stack.json': ['A 0-11', '  B 1-11', '    Z 10-11'],
    'not-enough-end-events.json': ['A 0-11', '  A 1-11', '    A 10-11'],
    'only-begin-events.json': ['A 0-2', '  B 1-2', '    C 2-2'],
    'invalid-x-nesting.json': ['alpha 0-10', '  beta 5-10'],
    'simple-hermes.json': ['[root] 0-14', '  beta 1-13'],
    'hermes-multiple-frames.json': ['[root] 0-14', '  beta 1-2', '  gamma 4-13', '    beta 4-10'],
  };
  const warns = new Set([
    'mismatched-name.json',
    'unbalanced-name.json',
    'out-of-order-unbalanced-name.json',
    'too-many-end-events.json',
    'end-event-with-empty-stack.json',
    'end-non-top-of-stack.json',
    'not-enough-end-events.json',
    'only-begin-events.json',
    'invalid-x-nesting.json',
  ]);

  for (const [file, lines] of Object.entries(expected)) {
    it(`${file}: calls, nesting and times`, async () => {
      const profile = await importBytes(bytesOf(join(TRACE_EVENT_DIR, file)), file);
      assert.equal(profile.format, 'chrome-trace-event');
      assert.equal(profile.unit, 'microseconds');
      const withCalls = profile.threads.filter((t) => t.count > 0);
      assert.equal(withCalls.length, 1);
      assert.deepEqual(calls(profile, withCalls[0]), lines);
      assert.equal(profile.warnings.length > 0, warns.has(file), profile.warnings.join('\n'));
    });
  }

  it('every file in trace-event/ imports without throwing', async () => {
    for (const file of readdirSync(TRACE_EVENT_DIR)) {
      const profile = await importBytes(bytesOf(join(TRACE_EVENT_DIR, file)), file);
      assert.ok(profile.threads.length > 0, file);
    }
  });

  it('multiprocess.json: one thread per pid/tid, named by thread_name metadata, else "pid N tid M"', async () => {
    const profile = await importBytes(bytesOf(join(TRACE_EVENT_DIR, 'multiprocess.json')));
    assert.deepEqual(
      profile.threads.map((t) => `${t.id}=${t.name}`),
      ['p0:t0=p0t0', 'p0:t1=p0t1', 'p1:t0=p1t0', 'p1:t1=p1t1', 'p2:t0=p2t0', 'p2:t1=p2t1', 'p3:t0=pid 3 tid 0', 'p3:t1=pid 3 tid 1'],
    );
  });

  it('events of many threads, interleaved, each reach their own thread: same tids in other pids, pids 64 apart, more threads than cached', async () => {
    // The importer remembers recent threads in slots hashed from pid and tid;
    // these threads share slots (same tid, pids a multiple of 64 apart), and
    // there are more of them than slots.
    const threads: [number, number][] = [];
    for (const pid of [1, 65, 129, 193]) for (const tid of [7, 8]) threads.push([pid, tid]);
    for (let tid = 100; tid < 180; tid++) threads.push([2, tid]);
    const random = mulberry32(5);
    const events: string[] = [];
    for (let i = 0; i < 6000; i++) {
      const [pid, tid] = threads[Math.floor(random() * threads.length)];
      events.push(`{"name":"p${pid}t${tid}","ph":"X","ts":${i},"dur":1,"pid":${pid},"tid":${tid}}`);
    }
    const profile = await importBytes(encoder.encode(`[${events.join(',')}]`));
    assert.equal(profile.threads.length, threads.length);
    for (const thread of profile.threads) {
      const names = new Set(Array.from(thread.frame, (frame) => profile.frames.names[frame]));
      assert.deepEqual([...names], [`p${thread.pid}t${thread.tid}`], `${thread.id} holds only its own events`);
    }
    assert.equal(
      profile.threads.reduce((n, t) => n + t.count, 0),
      6000,
    );
  });
  it('legacy "samples"/"stackFrames" (after traceEvents, string pid/tid) become sampled threads', async () => {
    const path = join(TRACE_EVENT_DIR, 'multi-thread-with-samples.json');
    const doc = JSON.parse(readFileSync(path, 'utf8'));
    const profile = await importBytes(bytesOf(path));
    for (const tid of ['1', '2']) {
      const mine = doc.samples.filter((s: { tid: string }) => s.tid === tid);
      const thread = profile.threads.find((t) => t.id === `p7512:t${tid}:samples`);
      assert.ok(thread, `samples thread for tid ${tid}`);
      assert.equal(thread.sampleCount, mine.length);
      // The deepest frame of the first sample is the sample's own stack frame.
      const first = mine[0];
      const leaf = doc.stackFrames[String(first.sf)].name;
      let deepest = 0;
      for (let i = 0; i < thread.count && thread.start[i] === thread.start[0]; i++) deepest = i;
      assert.equal(profile.frames.names[thread.frame[deepest]], leaf);
    }
    assert.equal(profile.threads.find((t) => t.id === 'p7512:t1')?.name, 'mqt_js');
  });
});

describe('Chrome trace events: Chrome recordings', () => {
  for (const path of CHROME_TRACES) {
    const label = path.slice(SAMPLE_TRACES.length + 1);
    it(`${label}: threads, names, X durations and B/X counts match the file`, async () => {
      const events = eventsOf(path);
      const profile = await importBytes(bytesOf(path), label);
      assert.equal(profile.eventCount, events.length);
      const byId = new Map(profile.threads.map((t) => [t.id, t]));
      const names = new Map<string, string>();
      for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') names.set(`p${e.pid}:t${e.tid}`, e.args!.name);
      // Per thread: one call per B and X event, X calls at their ts with their duration.
      const expectedCalls = new Map<string, Map<string, number>>();
      for (const e of events) {
        if (e.ph !== 'B' && e.ph !== 'X') continue;
        const key = `p${e.pid}:t${e.tid}`;
        if (!expectedCalls.has(key)) expectedCalls.set(key, new Map());
        const signature = e.ph === 'X' ? `${e.name}@${e.ts}+${e.dur ?? 0}` : `${e.name}@${e.ts}`;
        const m = expectedCalls.get(key)!;
        m.set(signature, (m.get(signature) ?? 0) + 1);
      }
      for (const [key, expected] of expectedCalls) {
        const thread = byId.get(key);
        assert.ok(thread, `thread ${key}`);
        assert.equal(thread.name, names.get(key) ?? thread.name.replace(/.*/, `pid ${thread.pid} tid ${thread.tid}`));
        const total = [...expected.values()].reduce((a, b) => a + b, 0);
        // Event calls have the event's category; the JS frames of merged CPU samples have none.
        let eventCalls = 0;
        for (let i = 0; i < thread.count; i++) if (profile.frames.categories[thread.frame[i]] !== undefined) eventCalls++;
        assert.equal(eventCalls, total, `${key}: one call per B/X event`);
        const seen = new Map<string, number>();
        for (let i = 0; i < thread.count; i++) {
          const name = profile.frames.names[thread.frame[i]];
          for (const sig of [`${name}@${thread.start[i]}+${thread.end[i] - thread.start[i]}`, `${name}@${thread.start[i]}`]) {
            if (expected.has(sig)) {
              seen.set(sig, (seen.get(sig) ?? 0) + 1);
              break;
            }
          }
        }
        const cut = profile.warnings.some((w) => w.startsWith(`${thread.name}:`) && /overlapped/.test(w));
        if (!cut) {
          for (const [sig, n] of expected) assert.equal(seen.get(sig), n, `${key}: ${sig}`);
        }
        // Preorder: starts never decrease, children inside their parent.
        for (let i = 1; i < thread.count; i++) assert.ok(thread.start[i] >= thread.start[i - 1]);
      }
    });
  }

  it('116: CPU samples are merged into CrRendererMain with every ProfileChunk sample', async () => {
    const path = CHROME_TRACES[0];
    const events = eventsOf(path);
    const profile = await importBytes(bytesOf(path));
    const profileEvent = events.find((e) => e.name === 'Profile')!;
    let samples = 0;
    for (const e of events) {
      if (e.name !== 'ProfileChunk' || e.id !== profileEvent.id || !e.args?.data) continue;
      samples += Math.min(e.args.data.cpuProfile?.samples?.length ?? 0, e.args.data.timeDeltas?.length ?? 0);
    }
    const thread = profile.threads.find((t) => t.id === `p${profileEvent.pid}:t${profileEvent.tid}`);
    assert.ok(thread);
    assert.equal(thread.name, 'CrRendererMain');
    assert.equal(thread.sampleCount, samples);
    assert.ok(!profile.threads.some((t) => t.id.endsWith(':samples')), 'no separate samples thread');
    // The first sample is at Profile.startTime + the first delta: a JS frame starts there or later.
    const firstChunk = events.find((e) => e.name === 'ProfileChunk' && e.args?.data?.timeDeltas)!;
    const firstSample = profileEvent.args!.data.startTime + firstChunk.args!.data.timeDeltas[0];
    let firstJs = Infinity;
    for (let i = 0; i < thread.count; i++) if (profile.frames.categories[thread.frame[i]] === undefined) firstJs = Math.min(firstJs, thread.start[i]);
    assert.ok(firstJs >= firstSample);
    // JS frames carry their script URL and 1-based positions.
    const node = firstChunk.args!.data.cpuProfile.nodes.find((n: any) => n.callFrame.url && n.callFrame.lineNumber >= 0);
    const index = profile.frames.names.findIndex(
      (name, i) => name === (node.callFrame.functionName || '(anonymous)') && profile.frames.files[i] === node.callFrame.url,
    );
    assert.ok(index >= 0);
    assert.equal(profile.frames.lines[index], node.callFrame.lineNumber + 1);
    assert.ok(thread.frame.includes(index), 'on the thread');
  });

  it('66: the older CpuProfile event is merged into each profiled thread', async () => {
    const path = CHROME_TRACES[3];
    const events = eventsOf(path);
    const profile = await importBytes(bytesOf(path));
    for (const e of events.filter((x) => x.name === 'CpuProfile')) {
      const thread = profile.threads.find((t) => t.id === `p${e.pid}:t${e.tid}`);
      assert.ok(thread, `samples for ${e.tid}`);
      const cpu = e.args!.data.cpuProfile;
      assert.equal(thread.sampleCount, Math.min(cpu.samples.length, cpu.timeDeltas.length));
    }
  });

  it('116: blink.user_timing marks and instant events become markers, network events page requests', async () => {
    const path = CHROME_TRACES[0];
    const events = eventsOf(path);
    const profile = await importBytes(bytesOf(path));
    const instants = events.filter((e) => e.ph === 'R' || e.ph === 'I' || e.ph === 'i' || e.ph === 'n');
    // Resource* events are drawn as the page's network requests, not as bare markers.
    const isNetwork = (name = '') => name.startsWith('Resource') || name === 'PreloadRenderBlockingStatusChange';
    const marks = instants.filter((e) => !isNetwork(e.name));
    const markers = profile.threads.flatMap((t) => t.markers);
    assert.equal(markers.length, marks.length);
    const sentIds = new Set(instants.filter((e) => e.name === 'ResourceSendRequest').map((e) => e.args!.data.requestId));
    assert.ok(sentIds.size > 0);
    assert.equal(profile.page?.requests.length, sentIds.size);
    const nav = events.find((e) => e.name === 'navigationStart' && e.cat === 'blink.user_timing')!;
    const main = profile.threads.find((t) => t.id === `p${nav.pid}:t${nav.tid}`)!;
    assert.ok(main.markers.some((m) => m.name === 'navigationStart' && m.start === nav.ts && m.end === nav.ts && m.category === 'blink.user_timing'));
  });
});

describe('Chrome trace events: streaming', () => {
  const files = [
    join(TRACE_EVENT_DIR, 'simple.json'),
    join(TRACE_EVENT_DIR, 'simple-partial-trailing-comma.json'),
    join(TRACE_EVENT_DIR, 'multi-thread-with-samples.json'),
    join(TRACE_EVENT_DIR, 'hermes-multiple-frames.json'),
    CHROME_TRACES[1], // "metadata" before "traceEvents"
    CHROME_TRACES[4],
  ];
  for (const path of files) {
    const label = path.slice(SAMPLE_TRACES.length + 1);
    it(`${label}: 1-byte, 7-byte and random chunks give the same profile as one buffer`, async () => {
      const bytes = bytesOf(path);
      const whole = profileSnapshot(await importInChunks('trace.json', bytes));
      assert.deepEqual(profileSnapshot(await importInChunks('trace.json', bytes, [7])), whole);
      assert.deepEqual(profileSnapshot(await importInChunks('trace.json', bytes, randomChunkSizes(64, 5000, bytes.length))), whole);
      if (bytes.length < 400_000) assert.deepEqual(profileSnapshot(await importInChunks('trace.json', bytes, [1])), whole);
    });
  }

  it('gzip input gives the same profile as the plain JSON', async () => {
    const bytes = bytesOf(CHROME_TRACES[4]);
    const plain = profileSnapshot(await importBytes(bytes, 'trace.json'));
    const gz = new Uint8Array(gzipSync(bytes));
    assert.deepEqual(profileSnapshot(await importBytes(gz, 'trace.json')), plain);
  });

  it('a trace cut off mid-event imports the complete events, with a warning', async () => {
    const bytes = bytesOf(CHROME_TRACES[4]);
    const full = await importBytes(bytes);
    const cut = bytes.subarray(0, Math.floor(bytes.length / 2));
    const partial = await importBytes(cut);
    assert.ok(partial.eventCount > 0 && partial.eventCount < full.eventCount);
    assert.ok(
      partial.warnings.some((w) => /cut off/.test(w)),
      partial.warnings.join('\n'),
    );
    // The events read are those that fit: as many as JSON.parse finds in the prefix's complete items.
    const text = new TextDecoder().decode(cut);
    const lastClose = text.lastIndexOf('},\n{');
    const complete = JSON.parse(`${text.slice(0, lastClose + 1)}]`);
    assert.equal(partial.eventCount, complete.length);
  });

  it('X events in any order give the same timelines (radix sort for integer times, comparison sort otherwise)', async () => {
    const xs = eventsOf(CHROME_TRACES[4]).filter((e) => e.ph === 'X');
    const random = mulberry32(42);
    const shuffled = xs
      .map((e) => ({ e, k: random() }))
      .sort((a, b) => a.k - b.k)
      .map((x) => x.e);
    for (const shift of [0, 0.25]) {
      const shifted = (list: RawEvent[]) => encoder.encode(JSON.stringify(list.map((e) => ({ ...e, ts: Number(e.ts) + shift }))));
      // Frames are numbered in order of first appearance, so compare calls by name.
      const named = (p: Profile) => p.threads.map((t) => [t.id, t.name, calls(p, t)]);
      const ordered = named(await importBytes(shifted(xs)));
      assert.deepEqual(named(await importBytes(shifted(shuffled))), ordered);
      assert.ok(ordered.length > 3);
    }
  });

  it('a bare array without its closing bracket is a normal Chrome trace (no warning)', async () => {
    const profile = await importBytes(
      encoder.encode('[{"ph":"X","name":"a","ts":1,"dur":2,"pid":1,"tid":1},\n{"ph":"X","name":"b","ts":4,"dur":1,"pid":1,"tid":1},\n'),
    );
    assert.deepEqual(calls(profile, profile.threads[0]), ['a 1-3', 'b 4-5']);
    assert.deepEqual(profile.warnings, []);
  });
});

describe('Chrome trace events: bad input', () => {
  it('garbage where the first event should be fails with invalid-json and the byte offset', async () => {
    const bytes = new Uint8Array([...encoder.encode('[{"ph":"X","name":"a'), 0x00, 0xff, 0x13, 0x37, ...encoder.encode('"}]')]);
    await assert.rejects(importBytes(bytes), (error: unknown) => {
      assert.ok(error instanceof TraceImportError);
      assert.equal(error.code, 'invalid-json');
      assert.match(error.message, /byte 20\b/);
      return true;
    });
  });

  it('binary garbage after valid events keeps the events read, with a warning naming the offset', async () => {
    const head = '[{"ph":"X","name":"a","ts":1,"dur":2,"pid":1,"tid":1},\n{"ph":"X","name":"b","ts":4,"dur":1,"pid":1,"tid":1},';
    const garbage = new Uint8Array(4096);
    const random = mulberry32(7);
    for (let i = 0; i < garbage.length; i++) garbage[i] = Math.floor(random() * 256);
    garbage[0] = 0x01;
    const profile = await importBytes(new Uint8Array([...encoder.encode(head), ...garbage]));
    assert.deepEqual(calls(profile, profile.threads[0]), ['a 1-3', 'b 4-5']);
    assert.ok(
      profile.warnings.some((w) => w.includes(`byte ${encoder.encode(head).length}`) && /2 events/.test(w)),
      profile.warnings.join('\n'),
    );
  });

  it('text after a complete trace is reported, the trace kept', async () => {
    const profile = await importBytes(encoder.encode('{"traceEvents":[{"ph":"X","name":"a","ts":1,"dur":2}]} trailing'));
    assert.equal(profile.threads[0].count, 1);
    assert.ok(
      profile.warnings.some((w) => /Invalid JSON at byte 55/.test(w)),
      profile.warnings.join('\n'),
    );
  });

  it('empty traceEvents and empty arrays give an empty profile with a warning', async () => {
    for (const text of ['{"traceEvents":[]}', '[]', '{"metadata":{"source":"DevTools","dataOrigin":"TraceEvents"},"traceEvents":[\n]}']) {
      const profile = await importBytes(encoder.encode(text));
      assert.equal(profile.format, 'chrome-trace-event');
      assert.equal(profile.threads.length, 0);
      assert.deepEqual(profile.warnings, ['The trace contains no events.']);
    }
  });

  it('missing or negative timestamps are skipped and counted', async () => {
    const profile = await importBytes(
      encoder.encode('[{"ph":"X","name":"a","ts":1,"dur":2},{"ph":"X","name":"b","dur":2},{"ph":"B","name":"c","ts":-5},{"ph":"I","name":"d"}]'),
    );
    assert.deepEqual(calls(profile, profile.threads[0]), ['a 1-3']);
    assert.ok(profile.warnings.includes('3 events had a missing or negative timestamp and were skipped.'), profile.warnings.join('\n'));
  });

  it('timestamps overflowing to infinity (1e999) import instead of hanging the build', async () => {
    const profile = await importBytes(
      encoder.encode('[{"ph":"X","name":"a","ts":1,"dur":2},{"ph":"X","name":"b","ts":1e999,"dur":1},{"ph":"B","name":"c","ts":1e999}]'),
    );
    assert.deepEqual(calls(profile, profile.threads[0]), ['a 1-3', 'c Infinity-Infinity', '  b Infinity-Infinity']);
  });

  it('an AbortSignal cancels the import', async () => {
    const bytes = bytesOf(CHROME_TRACES[0]);
    const controller = new AbortController();
    async function* chunks() {
      for (let at = 0; at < bytes.length; at += 1024) {
        if (at === 8192) controller.abort();
        yield bytes.slice(at, at + 1024);
      }
    }
    await assert.rejects(importProfileFromChunks('trace.json', chunks(), { signal: controller.signal }), (error: unknown) => {
      assert.ok(error instanceof TraceImportError);
      assert.equal(error.code, 'aborted');
      return true;
    });
  });
});

describe('Chrome trace events: scale and odd shapes', () => {
  it('100k nested B events and absurdly nested args do not overflow the stack', async () => {
    const depth = 100_000;
    const parts: string[] = [];
    for (let i = 0; i < depth; i++) parts.push(`{"ph":"B","name":"f${i % 10}","ts":${i},"pid":1,"tid":1}`);
    // One event with 200k-deep args (skipped without recursion) and one M event whose args must be parsed.
    parts.push(`{"ph":"X","name":"deep","ts":${depth},"dur":1,"pid":1,"tid":1,"args":${'['.repeat(200_000)}${']'.repeat(200_000)}}`);
    parts.push(`{"ph":"M","name":"thread_name","pid":1,"tid":1,"args":{"name":"Main","x":${'['.repeat(200_000)}${']'.repeat(200_000)}}}`);
    for (let i = depth - 1; i >= 0; i--) parts.push(`{"ph":"E","name":"f${i % 10}","ts":${depth + 10 + (depth - 1 - i)},"pid":1,"tid":1}`);
    const profile = await importBytes(encoder.encode(`[${parts.join(',')}]`));
    const thread = profile.threads[0];
    assert.equal(thread.count, depth + 1);
    assert.equal(thread.depth[depth - 1], depth - 1);
    assert.equal(thread.depth[depth], depth); // "deep" inside the innermost B
    assert.equal(thread.start[0], 0);
    assert.equal(thread.end[0], 2 * depth + 9);
    assert.equal(profile.warnings.filter((w) => /E\) events/.test(w)).length, 0);
    // V8's JSON.parse is iterative, so even the deep metadata args parse.
    assert.equal(thread.name, 'Main');
  });

  it('escaped names decode once and intern with their plain spelling', async () => {
    const profile = await importBytes(
      encoder.encode(
        '[{"ph":"X","name":"caf\\u00e9 \\"q\\"","ts":1,"dur":5},{"ph":"X","name":"café \\"q\\"","ts":2,"dur":1},{"ph":"X","name":"\\u0041","ts":10,"dur":1},{"ph":"X","name":"A","ts":20,"dur":1}]',
      ),
    );
    assert.deepEqual(calls(profile, profile.threads[0]), ['café "q" 1-6', '  café "q" 2-3', 'A 10-11', 'A 20-21']);
    assert.equal(profile.frames.length, 2);
  });

  it('numbers: fractions, exponents, quoted numbers; pid/tid as strings', async () => {
    const profile = await importBytes(
      encoder.encode(
        '[{"ph":"X","name":"a","ts":1.5,"dur":2.25e1,"pid":"7","tid":"3"},{"ph":"X","name":"b","ts":"2","dur":0.125,"pid":7,"tid":3},{"ph":"X","name":"c","ts":123456789012.345,"dur":1,"pid":7,"tid":3}]',
      ),
    );
    assert.equal(profile.threads.length, 1);
    assert.equal(profile.threads[0].id, 'p7:t3');
    assert.deepEqual(calls(profile, profile.threads[0]), ['a 1.5-24', '  b 2-2.125', 'c 123456789012.345-123456789013.345']);
  });

  it('user timing measures (b/e in blink.user_timing) become range markers; other async events do not', async () => {
    const profile = await importBytes(
      encoder.encode(
        '[{"ph":"X","name":"RunTask","ts":0,"dur":100,"pid":1,"tid":1},' +
          '{"ph":"b","cat":"blink.user_timing","name":"load","id":"0x1","ts":10,"pid":1,"tid":1},' +
          '{"ph":"b","cat":"loading","name":"other","id":"0x2","ts":10,"pid":1,"tid":1},' +
          '{"ph":"e","cat":"loading","name":"other","id":"0x2","ts":20,"pid":1,"tid":1},' +
          '{"ph":"e","cat":"blink.user_timing","name":"load","id":"0x1","ts":60,"pid":1,"tid":1},' +
          '{"ph":"R","cat":"blink.user_timing","name":"mark","ts":70,"pid":1,"tid":1}]',
      ),
    );
    const markers = profile.threads[0].markers.map((m) => `${m.name} ${m.category} ${m.start}-${m.end}`).sort();
    assert.deepEqual(markers, ['load blink.user_timing 10-60', 'mark blink.user_timing 70-70']);
  });

  it('is detected from the head: arrays of events, traceEvents objects, DevTools metadata-first traces', () => {
    const detect = (text: string) => detectFormat({ bytes: encoder.encode(text), text })?.format;
    assert.equal(detect('[{"pid":1,"tid":1,"ph":"X"'), 'chrome-trace-event');
    assert.equal(detect('\n\n[\n  {"ph": "B"'), 'chrome-trace-event');
    assert.equal(detect('{"traceEvents":['), 'chrome-trace-event');
    assert.equal(detect(readFileSync(CHROME_TRACES[1], 'utf8').slice(0, 600)), 'chrome-trace-event');
    assert.equal(detect(readFileSync(join(SAMPLE_TRACES, 'Chrome/65/simple.cpuprofile'), 'utf8').slice(0, 600)), 'chrome-cpuprofile');
    assert.notEqual(detect('[1, 2, 3]'), 'chrome-trace-event');
  });
});

describe('Chrome trace events: what is read but not drawn', () => {
  const CATAPULT = join(SAMPLE_TRACES, '../catapult');

  /** The warning's "count label" parts, by label. */
  function notDrawnParts(profile: Profile): Map<string, number> {
    const warnings = profile.warnings.filter((w) => w.startsWith('Not drawn: '));
    assert.ok(warnings.length <= 1, 'one warning');
    const parts = warnings.length === 0 ? [] : warnings[0].slice('Not drawn: '.length, -' events.'.length).split(', ');
    const counts = parts.map((part) => /^(\d+) (.+)$/.exec(part)!);
    for (let i = 1; i < counts.length; i++) assert.ok(Number(counts[i - 1][1]) >= Number(counts[i][1]), 'most first');
    return new Map(counts.map((m) => [m[2], Number(m[1])]));
  }

  /** The same, counted here from the raw events by phase (and, for b/e and P, by category or name). */
  function rawNotDrawn(events: RawEvent[]): Map<string, number> {
    const kinds: Record<string, string> = { O: 'object snapshot (O/N/D)', N: 'object snapshot (O/N/D)', D: 'object snapshot (O/N/D)', C: 'counter (C)' };
    for (const ph of 'stf') kinds[ph] = 'flow (s/t/f)';
    for (const ph of 'STpF') kinds[ph] = 'legacy async (S/T/p/F)';
    for (const ph of 'vV') kinds[ph] = 'memory dump (v/V)';
    kinds.c = 'clock sync (c)';
    const counts = new Map<string, number>();
    for (const e of events) {
      let kind = kinds[e.ph!];
      if ((e.ph === 'b' || e.ph === 'e' || e.ph === 'n') && !e.cat?.includes('blink.user_timing')) kind = 'async (b/e/n) outside user timing';
      if (e.ph === 'P' && e.name !== 'Profile' && e.name !== 'ProfileChunk') kind = 'sample (P)';
      if (kind) counts.set(kind, (counts.get(kind) ?? 0) + 1);
    }
    return counts;
  }

  it('quads.json (object snapshots and metadata only): no threads, and the summary says what was skipped', async () => {
    const path = join(CATAPULT, 'quads.json');
    const profile = await importBytes(bytesOf(path));
    assert.equal(profile.threads.length, 0);
    const snapshots = eventsOf(path).filter((e) => e.ph === 'O' || e.ph === 'N' || e.ph === 'D').length;
    assert.equal(snapshots, 184);
    const summary = summarizeProfile(profile);
    assert.ok(summary.warnings.includes(`Not drawn: ${snapshots} object snapshot (O/N/D) events.`), summary.warnings.join('\n'));
  });

  const files = [
    ...CHROME_TRACES,
    ...['x_event_trace.json', 'simple_trace.json', 'multiple_input_latency.json', 'nestable_async.json', 'async_begin_end.json', 'flow.json'].map((f) =>
      join(CATAPULT, f),
    ),
    join(SAMPLE_TRACES, '../lighthouse/artifacts-user-timing-trace.json'),
  ];
  for (const path of files) {
    it(`${path.slice(path.lastIndexOf('/') + 1)}: every kind of event not drawn is counted`, async () => {
      const profile = await importBytes(bytesOf(path));
      assert.deepEqual(notDrawnParts(profile), rawNotDrawn(eventsOf(path)));
    });
  }
});

describe('Chrome trace events: system tracing', () => {
  const CATAPULT = join(SAMPLE_TRACES, '../catapult');

  it('a "systemTraceEvents" ftrace string adds its threads and CPU tracks beside the Chrome threads', async () => {
    // No file in shared/ carries a non-empty one: catapult's simple_trace.json with its Android ftrace as the string.
    const doc = JSON.parse(readFileSync(join(CATAPULT, 'simple_trace.json'), 'utf8'));
    const ftrace = readFileSync(join(CATAPULT, 'android_systrace.txt'), 'utf8');
    const chromeOnly = await importBytes(encoder.encode(JSON.stringify(doc)));
    const ftraceOnly = await importBytes(encoder.encode(ftrace), 'android_systrace.txt');
    const both = await importBytes(encoder.encode(JSON.stringify({ ...doc, systemTraceEvents: ftrace })));
    const ids = (p: Profile) => p.threads.map((t) => t.id);
    assert.deepEqual(ids(both), [...ids(chromeOnly), ...ids(ftraceOnly)]);
    assert.equal(both.eventCount, chromeOnly.eventCount + ftraceOnly.eventCount);
    const cpu0 = (p: Profile) => p.threads.find((t) => t.name === 'CPU 0')!;
    assert.equal(cpu0(both).count, cpu0(ftraceOnly).count);
    assert.ok(cpu0(both).count > 0);
    for (const warning of ftraceOnly.warnings) assert.ok(both.warnings.includes(warning), warning);
  });

  it('a "systemTraceEvents" value that is not a string (catapult: [] and Fuchsia objects) is left alone', async () => {
    const profile = await importBytes(bytesOf(join(CATAPULT, 'trace-with-bad-world-bounds.json')));
    assert.equal(profile.threads.length, 0);
    assert.ok(
      profile.warnings.some((w) => w.startsWith('Not drawn: 1 object snapshot')),
      profile.warnings.join('\n'),
    );
  });
});

describe('Chrome trace events: async instants', () => {
  it('catapult fuchsia_trace: async instants on another clock are not drawn, so they do not stretch the span', async () => {
    const path = join(SAMPLE_TRACES, '../catapult/fuchsia_trace.json.gz');
    const events: RawEvent[] = JSON.parse(gunzipSync(readFileSync(path)).toString('utf8')).traceEvents;
    const durations = events.filter((e) => e.ph === 'B' || e.ph === 'E' || e.ph === 'i').map((e) => Number(e.ts));
    const profile = await importBytes(bytesOf(path));
    // The B/E and instant (i) events span 2.55 s; the gfx "n" events sit near ts 2.19e9 while those sit near 1.12e12.
    const span = durations.reduce((max, t) => Math.max(max, t), -Infinity) - durations.reduce((min, t) => Math.min(min, t), Infinity);
    assert.equal(profile.endTime - profile.startTime, span);
    const instants = events.filter((e) => e.ph === 'n').length;
    const asyncEvents = events.filter((e) => e.ph === 'b' || e.ph === 'e' || e.ph === 'n').length;
    assert.equal(instants, 327);
    assert.ok(
      profile.warnings.some((w) => w.includes(`${asyncEvents} async (b/e/n) outside user timing`)),
      profile.warnings.join('\n'),
    );
  });
});
