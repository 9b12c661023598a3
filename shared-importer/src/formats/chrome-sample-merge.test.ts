// CPU samples merged into their thread's trace events (chrome-sample-merge.ts):
// the rules on small synthetic traces whose expected calls were worked out by
// hand, then real Chrome recordings checked against figures computed here
// straight from their raw ProfileChunk / CpuProfile samples.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { nodeGunzip } from '../../node/node-host.ts';
import { SAMPLE_TRACES } from '../../node/trace-fixtures.ts';
import { importProfilesFromArrayBuffer } from '../import-profile.ts';
import type { Profile } from '../model/profile.ts';
import type { ThreadTimeline } from '../model/thread-timeline.ts';
import { summarizeProfile } from '../summary/summarize-profile.ts';

const encoder = new TextEncoder();

function importText(text: string): Promise<Profile> {
  return importProfilesFromArrayBuffer('trace.json', encoder.encode(text), { gunzip: nodeGunzip });
}

/** The calls of a thread as "name start-end" lines indented by depth. */
function calls(profile: Profile, thread: ThreadTimeline): string[] {
  const out: string[] = [];
  for (let i = 0; i < thread.count; i++) {
    out.push(`${'  '.repeat(thread.depth[i])}${profile.frames.names[thread.frame[i]]} ${thread.start[i]}-${thread.end[i]}`);
  }
  return out;
}

// Synthetic traces: one thread (pid 1, tid 1), X events, and one V8 profile
// whose nodes are (root) > (program) | (idle) | (garbage collector) | f > g > h.
const NODE = { program: 2, idle: 3, gc: 4, f: 5, g: 6, h: 7 } as const;
const NODES = [
  { id: 1, callFrame: { functionName: '(root)', scriptId: 0, url: '', lineNumber: -1, columnNumber: -1 } },
  { id: 2, parent: 1, callFrame: { functionName: '(program)', scriptId: 0, url: '', lineNumber: -1, columnNumber: -1 } },
  { id: 3, parent: 1, callFrame: { functionName: '(idle)', scriptId: 0, url: '', lineNumber: -1, columnNumber: -1 } },
  { id: 4, parent: 1, callFrame: { functionName: '(garbage collector)', scriptId: 0, url: '', lineNumber: -1, columnNumber: -1 } },
  { id: 5, parent: 1, callFrame: { functionName: 'f', scriptId: 9, url: 'https://example.test/app.js', lineNumber: 0, columnNumber: 0 } },
  { id: 6, parent: 5, callFrame: { functionName: 'g', scriptId: 9, url: 'https://example.test/app.js', lineNumber: 9, columnNumber: 0 } },
  { id: 7, parent: 6, callFrame: { functionName: 'h', scriptId: 9, url: 'https://example.test/app.js', lineNumber: 19, columnNumber: 0 } },
];

type Sample = [time: number, node: keyof typeof NODE];

/** A trace with `events` ([name, ts, dur], X events) and `samples` on one thread, the profile starting at 0. */
function syntheticTrace(events: [string, number, number][], samples: Sample[], endTime?: number, nodes: unknown[] = NODES): string {
  const deltas = samples.map(([t], i) => t - (i === 0 ? 0 : samples[i - 1][0]));
  const lines = [
    { ph: 'M', name: 'thread_name', pid: 1, tid: 1, ts: 0, args: { name: 'CrRendererMain' } },
    { ph: 'P', name: 'Profile', id: '0x1', pid: 1, tid: 1, ts: 0, cat: 'disabled-by-default-v8.cpu_profiler', args: { data: { startTime: 0 } } },
    ...events.map(([name, ts, dur]) => ({ ph: 'X', name, cat: 'devtools.timeline', pid: 1, tid: 1, ts, dur })),
    {
      ph: 'P',
      name: 'ProfileChunk',
      id: '0x1',
      pid: 1,
      tid: 2,
      ts: 0,
      cat: 'disabled-by-default-v8.cpu_profiler',
      args: {
        data: { cpuProfile: { nodes, samples: samples.map(([, node]) => NODE[node]) }, timeDeltas: deltas, ...(endTime !== undefined ? { endTime } : {}) },
      },
    },
  ];
  return JSON.stringify({ traceEvents: lines });
}

async function mergedCalls(events: [string, number, number][], samples: Sample[], endTime?: number): Promise<string[]> {
  const profile = await importText(syntheticTrace(events, samples, endTime));
  assert.equal(profile.threads.length, 1, 'one thread: the samples are merged into the events');
  const [thread] = profile.threads;
  assert.equal(thread.id, 'p1:t1');
  assert.equal(thread.name, 'CrRendererMain');
  assert.equal(thread.sampleCount, samples.length);
  return calls(profile, thread);
}

describe('CPU samples inside their thread: the rules', () => {
  it('a sample between two events lasts until the next sample, ended by the next top-level event', async () => {
    const got = await mergedCalls(
      [
        ['RunTask', 0, 10],
        ['RunTask', 20, 10],
      ],
      [
        [12, 'f'],
        [16, 'g'],
      ],
    );
    assert.deepEqual(got, ['RunTask 0-10', 'f 12-20', '  g 16-20', 'RunTask 20-30']);
  });

  it('samples straddling an event end: frames inside it are cut at its end; the last one lasts until the profile end', async () => {
    const got = await mergedCalls(
      [
        ['RunTask', 0, 100],
        ['FunctionCall', 10, 40],
      ],
      [
        [20, 'f'],
        [30, 'g'],
        [60, 'f'],
        [110, 'idle'],
      ],
      120,
    );
    assert.deepEqual(got, ['RunTask 0-100', '  FunctionCall 10-50', '    f 20-50', '      g 30-50', '  f 60-100', '(idle) 110-120']);
  });

  it("an event ending at a sample's time ends before it; one starting then begins before it", async () => {
    const got = await mergedCalls(
      [
        ['RunTask', 0, 10],
        ['FunctionCall', 0, 10],
        ['RunTask', 20, 10],
      ],
      [
        [5, 'f'],
        [10, 'g'],
        [20, 'f'],
      ],
    );
    assert.deepEqual(got, ['RunTask 0-10', '  FunctionCall 0-10', '    f 5-10', 'f 10-20', '  g 10-20', 'RunTask 20-30', '  f 20-30']);
  });

  it('a GC event inside a JS frame nests under it; a GC sample puts (garbage collector) on top of the JS still running', async () => {
    const got = await mergedCalls(
      [
        ['RunTask', 0, 100],
        ['FunctionCall', 10, 80],
        ['MinorGC', 40, 10],
      ],
      [
        [20, 'f'],
        [30, 'g'],
        [45, 'gc'],
        [60, 'g'],
        [70, 'f'],
        [80, 'gc'],
      ],
    );
    assert.deepEqual(got, [
      'RunTask 0-100',
      '  FunctionCall 10-90',
      '    f 20-90',
      '      g 30-70',
      '        MinorGC 40-50',
      '          (garbage collector) 45-50',
      '      (garbage collector) 80-90',
    ]);
  });

  it('an event nested in JS (a sync dispatch) keeps the frames below it; samples inside add only what is above them', async () => {
    const got = await mergedCalls(
      [
        ['RunTask', 0, 100],
        ['FunctionCall', 0, 100],
        ['EventDispatch', 30, 30],
        ['FunctionCall', 32, 26],
      ],
      [
        [10, 'f'],
        [20, 'g'],
        [40, 'h'],
        [50, 'h'],
        [70, 'f'],
      ],
    );
    assert.deepEqual(got, [
      'RunTask 0-100',
      '  FunctionCall 0-100',
      '    f 10-100',
      '      g 20-70',
      '        EventDispatch 30-60',
      '          FunctionCall 32-58',
      '            h 40-58',
    ]);
  });

  it('samples outside any event stay visible, idle and program included; inside events those end the JS and are not drawn', async () => {
    const text = syntheticTrace(
      [['RunTask', 10, 10]],
      [
        [0, 'idle'],
        [5, 'program'],
        [8, 'f'],
        [12, 'program'],
        [15, 'f'],
        [18, 'idle'],
        [25, 'idle'],
      ],
      30,
    );
    const profile = await importText(text);
    const [thread] = profile.threads;
    assert.deepEqual(calls(profile, thread), ['(idle) 0-5', '(program) 5-8', 'f 8-10', 'RunTask 10-20', '  f 15-18', '(idle) 25-30']);
    // Busy: the task and the JS before it, not the idle or program time.
    const [main] = summarizeProfile(profile).threads;
    assert.equal(main.busyValue, 0.012);
    assert.deepEqual(
      main.topFunctions.map((fn) => fn.name),
      ['RunTask', 'f'],
    );
  });

  it('a profile whose samples precede the first event', async () => {
    const got = await mergedCalls(
      [['RunTask', 10, 10]],
      [
        [0, 'f'],
        [5, 'g'],
      ],
    );
    assert.deepEqual(got, ['f 0-10', '  g 5-10', 'RunTask 10-20']);
  });

  it('unsorted input: events out of file order and samples out of time order give the sorted result', async () => {
    const events: [string, number, number][] = [
      ['RunTask', 0, 100],
      ['FunctionCall', 10, 80],
      ['MinorGC', 40, 10],
    ];
    const samples: Sample[] = [
      [20, 'f'],
      [30, 'g'],
      [45, 'gc'],
      [60, 'g'],
      [70, 'f'],
    ];
    const sorted = await mergedCalls(events, samples);
    // Events reversed in the file; the samples' deltas step back once (V8 does, rarely).
    const shuffled = await mergedCalls([...events].reverse(), [samples[0], samples[2], samples[1], samples[3], samples[4]]);
    assert.deepEqual(shuffled, sorted);
    assert.deepEqual(sorted.slice(0, 4), ['RunTask 0-100', '  FunctionCall 10-90', '    f 20-90', '      g 30-70']);
  });

  it('10k-deep stacks and 10k-deep events merge without recursion', async () => {
    const depth = 10_000;
    const nodes: unknown[] = [NODES[0]];
    for (let i = 0; i < depth; i++) {
      nodes.push({
        id: 100 + i,
        parent: i === 0 ? 1 : 99 + i,
        callFrame: { functionName: `fn${i}`, scriptId: 9, url: 'https://example.test/deep.js', lineNumber: i, columnNumber: 0 },
      });
    }
    const events: unknown[] = [{ ph: 'M', name: 'thread_name', pid: 1, tid: 1, ts: 0, args: { name: 'CrRendererMain' } }];
    // RunTask > 10k nested events; samples of the 10k-deep stack inside the innermost, then a shallow one.
    for (let i = 0; i <= depth; i++)
      events.push({ ph: 'X', name: i === 0 ? 'RunTask' : `E${i}`, cat: 'devtools.timeline', pid: 1, tid: 1, ts: i, dur: 4 * depth - 2 * i });
    events.push(
      { ph: 'P', name: 'Profile', id: '0x1', pid: 1, tid: 1, ts: 0, cat: 'disabled-by-default-v8.cpu_profiler', args: { data: { startTime: 0 } } },
      {
        ph: 'P',
        name: 'ProfileChunk',
        id: '0x1',
        pid: 1,
        tid: 1,
        ts: 0,
        cat: 'disabled-by-default-v8.cpu_profiler',
        args: { data: { cpuProfile: { nodes, samples: [99 + depth, 99 + depth, 100] }, timeDeltas: [depth + 1, 1, 1] } },
      },
    );
    const profile = await importText(JSON.stringify({ traceEvents: events }));
    const [thread] = profile.threads;
    assert.equal(thread.sampleCount, 3);
    // The 10k events, then the deep stack under the innermost one.
    assert.equal(thread.count, 2 * depth + 1);
    const deepest = 2 * depth;
    assert.equal(thread.depth[deepest], 2 * depth);
    assert.equal(profile.frames.names[thread.frame[deepest]], `fn${depth - 1}`);
    assert.equal(thread.end[deepest], depth + 3, 'until the shallower sample');
    const outermost = depth + 1;
    assert.equal(profile.frames.names[thread.frame[outermost]], 'fn0');
    assert.deepEqual(
      [thread.depth[outermost], thread.start[outermost], thread.end[outermost]],
      [depth + 1, depth + 1, 3 * depth],
      'until the innermost event ends',
    );
  });

  it('a sample-only thread is its samples; two profiles of one thread become one timeline', async () => {
    const chunk = (id: string, samples: number[], deltas: number[]) => ({
      ph: 'P',
      name: 'ProfileChunk',
      id,
      pid: 1,
      tid: 2,
      ts: 0,
      cat: 'disabled-by-default-v8.cpu_profiler',
      args: { data: { cpuProfile: { nodes: NODES, samples }, timeDeltas: deltas } },
    });
    const profileEvent = (id: string, startTime: number) => ({ ph: 'P', name: 'Profile', id, pid: 1, tid: 1, ts: startTime, args: { data: { startTime } } });
    const text = JSON.stringify({
      traceEvents: [
        { ph: 'M', name: 'thread_name', pid: 1, tid: 1, ts: 0, args: { name: 'DedicatedWorker thread' } },
        profileEvent('0x1', 0),
        chunk('0x1', [NODE.f, NODE.g, NODE.idle], [0, 5, 5]),
        profileEvent('0x2', 100),
        chunk('0x2', [NODE.h, NODE.f], [0, 10]),
      ],
    });
    const profile = await importText(text);
    assert.deepEqual(
      profile.threads.map((t) => [t.id, t.name, t.sampleCount]),
      [['p1:t1', 'DedicatedWorker thread', 5]],
    );
    assert.deepEqual(calls(profile, profile.threads[0]), ['f 0-10', '  g 5-10', '(idle) 10-100', 'f 100-110', '  g 100-110', '    h 100-110']);
  });
});

// Real recordings: Chrome's Performance panel (several versions) and Lighthouse's one trace with samples.
const RECORDINGS = [
  join(SAMPLE_TRACES, 'Chrome/65/simple-timeline.json'),
  join(SAMPLE_TRACES, 'Chrome/66/worker.json'),
  join(SAMPLE_TRACES, 'Chrome/69/simple.json'),
  join(SAMPLE_TRACES, 'Chrome/70/worker.json'),
  join(SAMPLE_TRACES, 'Chrome/116/Trace-20230603T221323.json'),
  join(SAMPLE_TRACES, 'Chrome/141/no-arg-data.json'),
  join(SAMPLE_TRACES, '../lighthouse/cpu-profiler-m86.trace.json'),
];

interface RawEvent {
  ph: string;
  name: string;
  cat?: string;
  pid: number;
  tid: number;
  ts: number;
  id?: string;
  args?: any;
}

interface RawNode {
  id: number;
  parent?: number;
  callFrame: { functionName: string; url?: string; lineNumber?: number; columnNumber?: number };
}

/** One thread's samples straight from the file: times (start + running sum of deltas) and nodes. */
interface RawSamples {
  key: string;
  nodes: Map<number, RawNode>;
  times: number[];
  nodeIds: number[];
}

const PSEUDO_FUNCTIONS = new Set(['(root)', '(program)', '(idle)', '(garbage collector)']);

/** The samples of each profiled thread: Profile + ProfileChunk events by pid and id, or one CpuProfile event. */
function rawSamplesByThread(events: RawEvent[]): Map<string, RawSamples[]> {
  const profiles = new Map<string, { key: string; start: number; nodes: RawNode[]; samples: number[]; deltas: number[] }>();
  for (const e of events) {
    if (e.name === 'CpuProfile' && e.args?.data?.cpuProfile) {
      const c = e.args.data.cpuProfile;
      profiles.set(`cpu:${e.pid}:${e.tid}`, { key: `p${e.pid}:t${e.tid}`, start: c.startTime, nodes: c.nodes, samples: c.samples, deltas: c.timeDeltas });
    } else if (e.name === 'Profile') {
      profiles.set(`${e.pid}:${e.id}`, { key: `p${e.pid}:t${e.tid}`, start: e.args.data.startTime, nodes: [], samples: [], deltas: [] });
    }
  }
  for (const e of events) {
    const data = e.name === 'ProfileChunk' ? e.args?.data : undefined;
    if (!data) continue;
    const p = profiles.get(`${e.pid}:${e.id}`)!;
    const n = Math.min(data.cpuProfile?.samples?.length ?? 0, data.timeDeltas?.length ?? 0);
    p.nodes.push(...(data.cpuProfile?.nodes ?? []));
    p.samples.push(...data.cpuProfile.samples.slice(0, n));
    p.deltas.push(...data.timeDeltas.slice(0, n));
  }
  const byThread = new Map<string, RawSamples[]>();
  for (const p of profiles.values()) {
    let t = p.start;
    const raw: RawSamples = { key: p.key, nodes: new Map(p.nodes.map((n) => [n.id, n])), times: [], nodeIds: [] };
    p.samples.forEach((id, i) => {
      t += p.deltas[i];
      if (!raw.nodes.has(id)) return;
      raw.times.push(t);
      raw.nodeIds.push(id);
    });
    byThread.set(p.key, [...(byThread.get(p.key) ?? []), raw]);
  }
  return byThread;
}

/** "name url:line:column" of a node's function (1-based positions, as frames hold them). */
function functionKey(node: RawNode): string {
  const f = node.callFrame;
  const position = (n: number | undefined) => ((n ?? -1) >= 0 ? n! + 1 : '');
  return `${f.functionName || '(anonymous)'} ${f.url || ''}:${position(f.lineNumber)}:${position(f.columnNumber)}`;
}

/** Self time per JS function, each sample lasting until the next one of its profile (pseudo-functions left out). */
function rawSelfTimes(profiles: RawSamples[]): Map<string, number> {
  const self = new Map<string, number>();
  for (const p of profiles) {
    const order = p.times.map((_, i) => i).sort((a, b) => p.times[a] - p.times[b] || a - b);
    for (let k = 0; k + 1 < order.length; k++) {
      const node = p.nodes.get(p.nodeIds[order[k]])!;
      if (PSEUDO_FUNCTIONS.has(node.callFrame.functionName)) continue;
      const key = functionKey(node);
      self.set(key, (self.get(key) ?? 0) + p.times[order[k + 1]] - p.times[order[k]]);
    }
  }
  return self;
}

/** Time within [from, to) the samples say JS ran (a sample lasting until the next). */
function rawJsTimeWithin(profiles: RawSamples[], from: number, to: number): number {
  let js = 0;
  for (const p of profiles) {
    for (let i = 0; i + 1 < p.times.length; i++) {
      const overlap = Math.min(p.times[i + 1], to) - Math.max(p.times[i], from);
      if (overlap > 0 && !PSEUDO_FUNCTIONS.has(p.nodes.get(p.nodeIds[i])!.callFrame.functionName)) js += overlap;
    }
  }
  return js;
}

describe('CPU samples inside their thread: real recordings against their raw samples', () => {
  let dominantStacksChecked = 0;
  for (const path of RECORDINGS) {
    const label = path.slice(path.lastIndexOf('/', path.lastIndexOf('/') - 1) + 1);
    it(`${label}: every event and sample kept, top JS functions by self time, long tasks ending in JS`, async () => {
      const doc = JSON.parse(readFileSync(path, 'utf8'));
      const events: RawEvent[] = Array.isArray(doc) ? doc : doc.traceEvents;
      const profile = await importProfilesFromArrayBuffer(label, new Uint8Array(readFileSync(path)), { gunzip: nodeGunzip });
      assert.equal(profile.eventCount, events.length);
      assert.ok(!profile.threads.some((t) => / \(JS samples\)$/.test(t.name)), 'no separate samples thread');
      const samplesByThread = rawSamplesByThread(events);
      assert.ok(samplesByThread.size > 0);

      // Events: one interval per B and X event of each thread (JS frames have no category; every event here has one).
      const rawEventCounts = new Map<string, number>();
      for (const e of events) {
        if (e.ph !== 'B' && e.ph !== 'X') continue;
        assert.ok(e.cat, 'trace events carry a category');
        const key = `p${e.pid}:t${e.tid}`;
        rawEventCounts.set(key, (rawEventCounts.get(key) ?? 0) + 1);
      }
      for (const thread of profile.threads) {
        let eventIntervals = 0;
        for (let i = 0; i < thread.count; i++) if (profile.frames.categories[thread.frame[i]] !== undefined) eventIntervals++;
        assert.equal(eventIntervals, rawEventCounts.get(thread.id) ?? 0, `${thread.id}: events`);
        const raw = samplesByThread.get(thread.id) ?? [];
        assert.equal(
          thread.sampleCount,
          raw.reduce((n, p) => n + p.times.length, 0),
          `${thread.id}: samples`,
        );
        if (raw.length === 0) assert.equal(eventIntervals, thread.count, `${thread.id}: no JS frames without samples`);
      }

      const summary = summarizeProfile(profile, { longTaskThresholdMs: 1 });
      for (const [key, raw] of samplesByThread) {
        const thread = summary.threads.find((t) => t.id === key);
        assert.ok(thread, `${key} is summarised`);
        // The JS functions with the most self time in the samples (those that stand out: 5 ms, or a tenth of the
        // JS time) are among the thread's top functions, with about that time: frames are cut where their event
        // ends, so the last sample before an event's end counts for less than until the next sample.
        const rawSelf = rawSelfTimes(raw);
        const rawJs = [...rawSelf.values()].reduce((a, b) => a + b, 0);
        const rawTop = [...rawSelf]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 3)
          .filter(([, us]) => us >= 5000 || us >= 0.1 * rawJs);
        assert.ok(rawTop.length > 0);
        const { names, files, lines, columns } = profile.frames;
        const listed = new Map(
          thread.topFunctions.map((fn) => {
            const f = Number(fn.id.slice(2));
            return [`${names[f]} ${files[f] ?? ''}:${lines[f] ?? ''}:${columns[f] ?? ''}`, fn.selfValue * 1000];
          }),
        );
        for (const [fn, us] of rawTop) {
          assert.ok(listed.has(fn), `${key}: ${fn} (${us} µs in the samples) is a top function; listed: ${[...listed.keys()].join(', ')}`);
          assert.ok(listed.get(fn)! >= 0.8 * us && listed.get(fn)! <= us + 1, `${key}: ${fn}: ${listed.get(fn)} µs vs ${us} µs in the samples`);
        }
        // The longest task: where the samples inside it were mostly JS, its dominant stack ends in a JS frame.
        const longest = [...thread.longTasks].sort((a, b) => b.durMs - a.durMs)[0];
        if (!longest) continue;
        const timeline = profile.threads.find((t) => t.id === key)!;
        const task = Number(/:(\d+)$/.exec(longest.id)![1]);
        const js = rawJsTimeWithin(raw, timeline.start[task], timeline.end[task]);
        if (js <= 0.5 * (timeline.end[task] - timeline.start[task])) continue;
        const leaf = Number(longest.stackIds.at(-1).slice(2));
        assert.equal(profile.frames.categories[leaf], undefined, `${key}: the longest task ends in ${longest.stack.join(' > ')}`);
        assert.ok(!PSEUDO_FUNCTIONS.has(profile.frames.names[leaf]));
        dominantStacksChecked++;
      }
    });
  }
  it('the long-task check ran on most recordings', () => {
    assert.ok(dominantStacksChecked >= 4, `${dominantStacksChecked} long tasks were mostly JS`);
  });
});
