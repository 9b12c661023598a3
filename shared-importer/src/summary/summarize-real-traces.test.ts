// The summary of real traces from speedscope's sample set, checked against
// invariants every summary must keep and against figures computed here
// straight from the raw files.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'vitest';
import { importTraceFile } from '../../node/node-host.ts';
import { SAMPLE_TRACES } from '../../node/trace-fixtures.ts';
import type { Profile } from '../model/profile.ts';
import { renderSummaryText } from './render-summary-text.ts';
import { clipName, summarizeProfile } from './summarize-profile.ts';
import type { TraceSummary } from './summary-types.ts';

const REAL_TRACES = [
  'Chrome/116/Trace-20230603T221323.json',
  'Chrome/65/sucrase.cpuprofile',
  'Firefox/59/firefox.json',
  'linux-perf/simple.linux-perf.txt',
  'linux-perf/system-wide.linux-perf.txt',
  'stackcollapse/perf-vertx-stacks-01-collapsed-all.txt',
  'pprof/simple.prof',
  'speedscope/0.6.0/two-sampled.speedscope.json',
];

const imported = new Map<string, Promise<Profile>>();
function load(path: string): Promise<Profile> {
  if (!imported.has(path)) imported.set(path, importTraceFile(join(SAMPLE_TRACES, path)));
  return imported.get(path)!;
}

function assertSummaryInvariants(summary: TraceSummary, profile: Profile): void {
  assert.deepEqual(JSON.parse(JSON.stringify(summary)), summary, 'plain JSON');
  assert.ok(summary.threads.length > 0);
  assert.equal(summary.threads.filter((t) => t.isMainThread).length, 1);
  assert.ok(summary.threads[0].isMainThread, 'main thread first');
  const frameOf = (id: string) => Number(/^fn(\d+)$/.exec(id)![1]);
  const frameName = (id: string) => clipName(profile.frames.names[frameOf(id)]);
  // Paths and stacks name the source of their innermost function, as the function lists do.
  const sourceOf = (ids: string[]) => {
    const f = frameOf(ids[ids.length - 1]);
    const file = profile.frames.files[f];
    return { file: file === undefined ? undefined : clipName(file), line: profile.frames.lines[f] };
  };
  for (const t of summary.threads) {
    assert.ok(t.busyValue <= summary.durationValue * (1 + 1e-9) + 1e-6, `${t.name}: busy within the span`);
    for (let i = 1; i < t.topFunctions.length; i++) assert.ok(t.topFunctions[i - 1].selfValue >= t.topFunctions[i].selfValue);
    for (let i = 1; i < t.topFunctionsByTotal.length; i++) {
      assert.ok(t.topFunctionsByTotal[i - 1].totalValue >= t.topFunctionsByTotal[i].totalValue);
    }
    for (const fn of [...t.topFunctions, ...t.topFunctionsByTotal]) {
      assert.equal(fn.name, frameName(fn.id), 'function ids name their frame');
      assert.ok(fn.selfValue <= fn.totalValue + 1e-6);
    }
    for (const p of t.hotPaths) {
      assert.deepEqual(p.frames, p.frameIds.map(frameName));
      assert.ok(p.selfValue * 2 >= p.totalValue - 1e-6, 'a hot path ends where self time dominates');
      assert.match(p.id, new RegExp(`^path:${escapeRegExp(t.id)}:\\d+$`));
      assert.deepEqual({ file: p.file, line: p.line }, sourceOf(p.frameIds));
    }
    for (const task of t.longTasks) {
      assert.ok(task.durMs >= summary.settings.longTaskThresholdMs);
      assert.ok(task.startMs >= 0 && task.startMs + task.durMs <= (summary.durationMs ?? 0) + 1e-3);
      assert.equal(task.stack[0], task.name);
      assert.deepEqual(task.stack, task.stackIds.map(frameName));
      assert.match(task.id, new RegExp(`^task:${escapeRegExp(t.id)}:\\d+$`));
      assert.deepEqual({ file: task.file, line: task.line }, sourceOf(task.stackIds));
    }
    assert.ok(t.longTaskCount >= t.longTasks.length);
  }
}

for (const path of REAL_TRACES) {
  test(`${path}: summary invariants hold and the text fits its budget`, async () => {
    const profile = await load(path);
    const summary = summarizeProfile(profile);
    assertSummaryInvariants(summary, profile);
    for (const budget of [6000, 1000]) {
      const rendered = await renderSummaryText(summary, { budget });
      assert.ok(rendered.tokens <= budget);
      assert.ok(rendered.text.includes(`[thread ${summary.threads[0].id}]`));
    }
  });
}

test('sucrase.cpuprofile: GC time and the hottest functions agree with the raw samples', async () => {
  const path = 'Chrome/65/sucrase.cpuprofile';
  const summary = summarizeProfile(await load(path));
  const raw = JSON.parse(readFileSync(join(SAMPLE_TRACES, path), 'utf8')) as RawCpuProfile;
  // Each sample lasts until the next one (V8's timeDeltas[i + 1]), as DevTools counts it.
  const nodes = new Map(raw.nodes.map((n) => [n.id, n]));
  const selfByFunction = new Map<string, number>();
  for (let i = 0; i < raw.samples.length; i++) {
    const frame = nodes.get(raw.samples[i])!.callFrame;
    const key = `${frame.functionName || '(anonymous)'}\u0000${frame.url}\u0000${frame.lineNumber}`;
    selfByFunction.set(key, (selfByFunction.get(key) ?? 0) + (raw.timeDeltas[i + 1] ?? 0));
  }
  const main = summary.threads[0];
  const gcMs = (selfByFunction.get('(garbage collector)\u0000\u0000-1') ?? 0) / 1000;
  assert.ok(gcMs > 100);
  assert.ok(Math.abs(main.gc.totalMs! - gcMs) / gcMs < 0.01, `GC ${main.gc.totalMs} ms vs ${gcMs} ms from the raw samples`);
  const rawTop = [...selfByFunction]
    .filter(([key]) => !['(idle)', '(program)', '(root)'].some((name) => key.startsWith(`${name}\u0000`)))
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([key]) => key.split('\u0000')[0]);
  assert.deepEqual(
    main.topFunctions.slice(0, 3).map((fn) => fn.name),
    rawTop,
  );
});

test('Chrome performance trace: the renderer main thread is CrRendererMain and comes first', async () => {
  const path = 'Chrome/116/Trace-20230603T221323.json';
  const summary = summarizeProfile(await load(path));
  const raw = JSON.parse(readFileSync(join(SAMPLE_TRACES, path), 'utf8')) as { traceEvents: RawTraceEvent[] };
  const renderer = raw.traceEvents.find((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')!;
  const main = summary.threads[0];
  assert.equal(main.name, 'CrRendererMain');
  assert.equal(main.pid, renderer.pid);
  // Navigation timing marks of that renderer are markers, times relative to the trace start.
  const navigationStart = raw.traceEvents.find((e) => e.name === 'navigationStart' && e.pid === renderer.pid);
  assert.ok(navigationStart);
  const marker = main.markers.find((m) => m.name === 'navigationStart');
  assert.ok(marker);
  assert.ok(Math.abs(marker.startMs - (navigationStart.ts / 1000 - summary.startMs!)) < 0.01);
});

test('Firefox profile: time GeckoMain spends waiting in its event loop is not busy', async () => {
  const summary = summarizeProfile(await load('Firefox/59/firefox.json'));
  const main = summary.threads[0];
  assert.equal(main.name, 'GeckoMain');
  // The recording is mostly an idle content process: samples stop in XRE_InitChildProcess itself.
  assert.ok(main.busyPercent < 50, `busy ${main.busyPercent}%`);
  assert.ok(!main.topFunctions.some((fn) => fn.name === 'XRE_InitChildProcess'));
  assert.ok(main.longTasks.every((task) => task.name !== 'XRE_InitChildProcess'));
});

interface RawCpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

interface RawTraceEvent {
  name: string;
  ph: string;
  pid: number;
  ts: number;
  args?: { name?: string };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

test('pprof is aggregated: no timeline, so no long tasks or markers', async () => {
  const summary = summarizeProfile(await load('pprof/simple.prof'));
  assert.equal(summary.hasTimeline, false);
  for (const t of summary.threads) {
    assert.equal(t.longTaskCount, 0);
    assert.deepEqual(t.markers, []);
  }
  const { text } = await renderSummaryText(summary);
  assert.match(text, /Aggregated profile: samples are not in time order/);
  assert.doesNotMatch(text, /Long tasks/);
});

test('system-wide perf: the kernel idle task "swapper" is never the main thread and is not busy', async () => {
  const summary = summarizeProfile(await load('linux-perf/system-wide.linux-perf.txt'));
  assert.equal(summary.hasTimeline, true);
  const swapper = summary.threads.find((t) => /^swapper/.test(t.name));
  assert.ok(swapper, 'the recording has swapper samples');
  assert.equal(swapper.isMainThread, false);
  assert.equal(swapper.busyValue, 0);
  assert.notEqual(summary.threads[0], swapper);
});

test('collapsed stacks: the text calls the lines weighted stacks and their weights samples; a .cpuprofile counts samples', async () => {
  const path = 'stackcollapse/perf-vertx-stacks-01-collapsed-all.txt';
  const lines = readFileSync(join(SAMPLE_TRACES, path), 'utf8')
    .split('\n')
    .filter((line) => /\s\d+$/.test(line));
  const weights = lines.reduce((sum, line) => sum + Number(/(\d+)$/.exec(line)![1]), 0);
  assert.ok(weights > lines.length, 'some lines weigh more than one sample');
  const { text } = await renderSummaryText(summarizeProfile(await load(path)));
  assert.match(text, new RegExp(`\\nbusy ${weights} samples \\(100% of span\\) · \\d+ functions · ${lines.length} weighted stacks\\n`));

  const cpuprofile = 'Chrome/65/sucrase.cpuprofile';
  const raw = JSON.parse(readFileSync(join(SAMPLE_TRACES, cpuprofile), 'utf8')) as RawCpuProfile;
  const sampled = await renderSummaryText(summarizeProfile(await load(cpuprofile)));
  assert.match(sampled.text, new RegExp(` · ${raw.samples.length.toLocaleString('en-US')} samples( ·|\\n)`));
  assert.doesNotMatch(sampled.text, /weighted stacks/);
});
