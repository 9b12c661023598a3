// The desktop app's import path (ImportService: file -> worker -> the encoded
// thread drawn first -> main, then the whole profile and the summary) against
// doing the same work on the main thread, measured in the same run on the same trace:
//   - time from request to "trace loaded" in main (target: worker <= 1.15x in-process
//     import + first part encoded), and to its summary (in-process: also the whole
//     profile encoded, the summary and its text),
//   - the main event loop's longest stall during the import (target: < 50 ms with the
//     worker, i.e. the window stays responsive; in-process stalls for whole seconds),
//   - the longest gap between progress events (target: < 500 ms, a moving progress bar),
//   - decodeProfile of the received bytes, the renderer's cost to get the profile back.
// Trace: bench/trace-generator.ts, 100 MB by default (BENCH_IMPORT_MB), cached in bench-output/traces.
//
// Run: npm run bench -- import-worker
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { importTraceFile } from '../shared-importer/node/node-host.ts';
import { decodeProfile, encodeProfile } from '../shared-importer/src/model/profile-codec.ts';
import { renderSummaryText } from '../shared-importer/src/summary/render-summary-text.ts';
import { summarizeProfile } from '../shared-importer/src/summary/summarize-profile.ts';
import { loadTokenizer } from '../shared-importer/src/summary/token-count.ts';
import type { EventChannel, MainEvents, TraceLoadedEvent, TraceProfileEvent } from '../electron/ipc-contract.ts';
import { firstFrameProfile } from '../electron/services/first-frame-profile.ts';
import { ImportService } from '../electron/services/import-service.ts';
import { generateTrace } from './trace-generator.ts';
import { SAMPLE_TRACES } from '../shared-importer/node/trace-fixtures.ts';
import { BENCH_OUTPUT_DIR, median, printTable, round, writeBenchReport } from './bench-report.ts';

const MB = 1024 * 1024;
const SIZE_MB = Number(process.env.BENCH_IMPORT_MB ?? 100);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 2);
const WORKER = new URL('../electron/services/import-worker.ts', import.meta.url);

async function ensureTrace(): Promise<string> {
  const dir = join(BENCH_OUTPUT_DIR, 'traces');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `import-worker-${SIZE_MB}mb.json`);
  if (!existsSync(path)) {
    console.log(`generating ${path} ...`);
    await generateTrace({ bytes: SIZE_MB * MB, out: `${path}.tmp`, seed: 11 });
    renameSync(`${path}.tmp`, path);
  }
  return path;
}

interface Run {
  loadedMs: number;
  summaryMs: number;
  maxLoopStallMs: number;
  maxProgressGapMs: number;
  progressEvents: number;
  encodedBytes: number;
}

/** Longest event-loop stall while `work` runs (a 10 ms timer measures how late it fires). */
async function measureStalls<T>(work: () => Promise<T>): Promise<{ result: T; maxStallMs: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const result = await work();
  histogram.disable();
  return { result, maxStallMs: histogram.max / 1e6 };
}

async function inProcess(path: string): Promise<Run> {
  const started = performance.now();
  let loadedMs = 0;
  const { result: encoded, maxStallMs } = await measureStalls(async () => {
    const profile = await importTraceFile(path);
    encodeProfile(firstFrameProfile(profile) ?? profile);
    loadedMs = performance.now() - started;
    const bytes = encodeProfile(profile);
    await renderSummaryText(summarizeProfile(profile));
    return bytes;
  });
  return {
    loadedMs,
    summaryMs: performance.now() - started,
    maxLoopStallMs: maxStallMs,
    maxProgressGapMs: NaN,
    progressEvents: 0,
    encodedBytes: encoded.length,
  };
}

async function viaWorker(
  service: ImportService,
  waitFor: (channel: EventChannel) => Promise<unknown>,
  progressTimes: number[],
  path: string,
): Promise<Run & { wholeProfile: Uint8Array }> {
  progressTimes.length = 0;
  const started = performance.now();
  let loadedMs = 0;
  const { result: wholeProfile, maxStallMs } = await measureStalls(async () => {
    const loaded = waitFor('trace:loaded') as Promise<TraceLoadedEvent>;
    const whole = waitFor('trace:profile') as Promise<TraceProfileEvent>;
    const summarized = waitFor('trace:summary');
    await service.importPath(path);
    const event = await loaded;
    loadedMs = performance.now() - started;
    const bytes = event.complete ? event.profile : (await whole).profile;
    await summarized;
    return bytes;
  });
  const summaryMs = performance.now() - started;
  const times = [started, ...progressTimes, started + loadedMs];
  let maxGap = 0;
  for (let i = 1; i < times.length; i++) maxGap = Math.max(maxGap, times[i] - times[i - 1]);
  return {
    loadedMs,
    summaryMs,
    maxLoopStallMs: maxStallMs,
    maxProgressGapMs: maxGap,
    progressEvents: progressTimes.length,
    encodedBytes: wholeProfile.length,
    wholeProfile,
  };
}

async function main(): Promise<void> {
  const path = await ensureTrace();
  await loadTokenizer(); // both sides start with a warm tokenizer: the app's worker loads it with its first summary

  const progressTimes: number[] = [];
  const waiters = new Map<EventChannel, (payload: unknown) => void>();
  const service: ImportService = new ImportService({
    workerUrl: WORKER,
    emit<C extends EventChannel>(channel: C, payload: MainEvents[C]) {
      if (channel === 'import:progress') progressTimes.push(performance.now());
      // As a window does once it has drawn the trace.
      if (channel === 'trace:loaded') service.traceShown((payload as TraceLoadedEvent).traceId);
      if (channel === 'import:failed') throw new Error(JSON.stringify(payload));
      waiters.get(channel)?.(payload);
    },
  });
  const waitFor = (channel: EventChannel) => new Promise((resolve) => waiters.set(channel, resolve));
  // Warm-up: the worker loads its code, and its tokenizer with this first summary.
  await viaWorker(service, waitFor, progressTimes, join(SAMPLE_TRACES, 'Chrome/65/simple.cpuprofile'));

  // Noise floor: how late a timer fires on this machine right now with nothing to do (other processes share the cores).
  const idle = await measureStalls(() => new Promise((resolve) => setTimeout(resolve, 2000)));

  const worker: (Run & { wholeProfile: Uint8Array })[] = [];
  const local: Run[] = [];
  let decodeMs = Infinity;
  for (let i = 0; i < REPEATS; i++) {
    const run = await viaWorker(service, waitFor, progressTimes, path);
    const t = performance.now();
    decodeProfile(run.wholeProfile);
    decodeMs = Math.min(decodeMs, performance.now() - t);
    worker.push(run);
    local.push(await inProcess(path));
  }
  await service.dispose();

  const w = {
    loadedMs: median(worker.map((r) => r.loadedMs)),
    summaryMs: median(worker.map((r) => r.summaryMs)),
    stall: Math.max(...worker.map((r) => r.maxLoopStallMs)),
    gap: Math.max(...worker.map((r) => r.maxProgressGapMs)),
  };
  const l = {
    loadedMs: median(local.map((r) => r.loadedMs)),
    summaryMs: median(local.map((r) => r.summaryMs)),
    stall: Math.max(...local.map((r) => r.maxLoopStallMs)),
  };
  const rows = [
    ['idle (noise floor)', '-', '-', `${round(idle.maxStallMs)} ms`, '-', '-'],
    ['in-process (baseline)', `${round(l.loadedMs)} ms`, `${round(l.summaryMs)} ms`, `${round(l.stall)} ms`, '-', '1.00x'],
    [
      'import worker (app)',
      `${round(w.loadedMs)} ms`,
      `${round(w.summaryMs)} ms`,
      `${round(w.stall)} ms`,
      `${round(w.gap)} ms (${worker[0].progressEvents} events)`,
      `${round(w.loadedMs / l.loadedMs, 2)}x (target <= 1.15x)`,
    ],
  ];
  console.log(
    `trace: ${SIZE_MB} MB Chrome trace, ${REPEATS} runs each, load average ${loadavg()
      .map((x) => round(x, 2))
      .join(' ')}`,
  );
  printTable(['path', 'request -> loaded (median)', 'request -> summary', 'max main-loop stall', 'max progress gap', 'loaded time ratio'], rows);
  console.log(`\nstall ratio: in-process stalls the main loop ${round(l.stall / Math.max(w.stall, 1), 0)}x longer (target: worker < 50 ms)`);
  console.log(
    `encoded profile ${round(worker[0].encodedBytes / MB)} MB (${round((100 * worker[0].encodedBytes) / (SIZE_MB * MB))}% of the trace); decodeProfile ${round(decodeMs, 2)} ms`,
  );

  // The encoded profiles are megabytes of bytes: keep only the timings.
  writeBenchReport('import-worker', {
    bench: 'import-worker',
    node: process.version,
    date: new Date().toISOString(),
    loadAverage: loadavg(),
    sizeMB: SIZE_MB,
    repeats: REPEATS,
    idleMaxStallMs: idle.maxStallMs,
    worker: worker.map(({ wholeProfile: _bytes, ...timing }) => timing),
    inProcess: local,
    decodeMs,
  });
}

await main();
