// Trace tools (shared-importer/src/trace-tools) per call, as the import worker
// runs them for the AI: p50/p95 ms of each tool over a set of realistic
// calls (whole thread, windows, the heaviest functions, the long tasks), on
// the profile of the generated 100 MB Chrome trace (BENCH_LARGE=1: 1 GB; the
// issue's target is p95 <= 200 ms there) and of the largest real trace in
// shared/. Calls run in turn on one profile, as successive calls in a chat
// do, so per-thread views computed by one call are reused by the next (the
// first call needing one pays for it: p95 and max show those calls).
// The tools get the trace's summary, and the threads' views prepared, as the
// import worker does once the summary is out. page and network_requests run
// on the generated traces too (they have no page: one line) and on the real
// page recording with the most requests.
// Baseline, same run, same thread: functionStats + buildMergedCallTree, the
// two passes over all intervals that most tools need once.
//
// Run: npm run bench -- tools
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { functionStats, buildMergedCallTree } from '../shared-importer/src/model/call-tree.ts';
import type { Profile } from '../shared-importer/src/model/profile.ts';
import { importTraceFile } from '../shared-importer/node/node-host.ts';
import { REAL_TRACES } from '../shared-importer/node/trace-fixtures.ts';
import { summarizeProfile } from '../shared-importer/src/summary/summarize-profile.ts';
import type { TraceSummary } from '../shared-importer/src/summary/summary-types.ts';
import { loadTokenizer } from '../shared-importer/src/summary/token-count.ts';
import { runTool, type TraceToolName, type TraceToolRequest } from '../shared-importer/src/trace-tools/run-tool.ts';
import { keptThreadViews, prepareThreadViews } from '../shared-importer/src/trace-tools/thread-derived.ts';
import { percentile, printTable, round, writeBenchReport } from './bench-report.ts';
import { cachedTrace } from './trace-generator.ts';

const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const LARGEST_REAL = join(REAL_TRACES, 'catapult/lthi_cats.json.gz');
const LARGEST_PAGE = join(REAL_TRACES, 'lighthouse/pid-change.json');

/** The calls a model would make on this profile: its main thread, heaviest functions, longest tasks, halves and quarters. */
function callsFor(profile: Profile, summary: TraceSummary): TraceToolRequest[] {
  const thread = summary.threads[0];
  const threadId = thread.id;
  const spanMs = summary.durationMs ?? 0;
  const quarters = [0, 1, 2, 3].map((q) => [(q * spanMs) / 4, ((q + 1) * spanMs) / 4] as [number, number]);
  const functions = thread.topFunctionsByTotal.slice(0, 5).map((f) => f.id);
  const tasks = thread.longTasks.slice(0, 3).map((t) => t.id);
  const names = thread.topFunctions.slice(0, 3).map((f) => f.name.slice(0, 6));
  return [
    { name: 'thread_summary', args: { threadId } },
    ...quarters.map(([startMs, endMs]) => ({ name: 'thread_summary' as const, args: { threadId, startMs, endMs } })),
    { name: 'call_tree', args: { threadId } },
    ...quarters.map(([startMs, endMs]) => ({ name: 'call_tree' as const, args: { threadId, startMs, endMs } })),
    ...functions.map((root) => ({ name: 'call_tree' as const, args: { threadId, root } })),
    ...tasks.map((root) => ({ name: 'call_tree' as const, args: { threadId, root } })),
    ...functions.map((functionId) => ({ name: 'callers_and_callees' as const, args: { functionId, threadId } })),
    { name: 'callers_and_callees', args: { functionId: functions[0] } },
    ...names.map((query) => ({ name: 'find_functions' as const, args: { query } })),
    { name: 'find_functions', args: { query: names[0], threadId } },
    { name: 'long_tasks', args: { threadId } },
    { name: 'long_tasks', args: { threadId, minMs: 100 } },
    ...quarters.map(([startMs, endMs]) => ({ name: 'long_tasks' as const, args: { threadId, startMs, endMs } })),
    { name: 'compare_windows', args: { threadId, a: [0, spanMs / 2], b: [spanMs / 2, spanMs] } },
    { name: 'compare_windows', args: { threadId, a: quarters[0], b: quarters[3] } },
    { name: 'markers', args: {} },
    { name: 'markers', args: { query: 'frame' } },
    { name: 'page', args: {} },
    ...(profile.page?.navigations.slice(0, 2).map((n) => ({ name: 'page' as const, args: { navigation: n.id } })) ?? []),
    { name: 'network_requests', args: {} },
    { name: 'network_requests', args: { renderBlockingOnly: true } },
    { name: 'network_requests', args: { query: '.js' } },
    ...quarters.map(([startMs, endMs]) => ({ name: 'network_requests' as const, args: { startMs, endMs } })),
  ];
}

async function timeTools(label: string, profile: Profile) {
  const intervals = profile.threads.reduce((n, t) => n + t.count, 0);
  // As the import worker does (trace-analysis.ts): the summary's views stay cached for the tools.
  const summary = summarizeProfile(profile, { threadViews: keptThreadViews(profile) });
  // As the import worker does once the summary is out, before any tool call.
  const prepareStarted = performance.now();
  prepareThreadViews(profile);
  const prepareMs = performance.now() - prepareStarted;
  const calls = callsFor(profile, summary);
  const byTool = new Map<TraceToolName, number[]>();
  let first: { tool: string; ms: number } | undefined;
  for (let r = 0; r < REPEATS; r++) {
    for (const call of calls) {
      const started = performance.now();
      await runTool(profile, call.name, call.args as never, { summary });
      const ms = performance.now() - started;
      first ??= { tool: call.name, ms };
      if (r === 0 && first.ms === ms) continue;
      byTool.set(call.name, [...(byTool.get(call.name) ?? []), ms]);
    }
  }
  const main = profile.threads.find((t) => t.id === summary.threads[0].id)!;
  const started = performance.now();
  functionStats(main, profile.frames.length);
  buildMergedCallTree(main);
  const baselineMs = performance.now() - started;
  const rows = [...byTool].map(([tool, times]) => ({
    tool,
    calls: times.length,
    p50Ms: round(percentile(times, 50), 2),
    p95Ms: round(percentile(times, 95), 2),
    maxMs: round(Math.max(...times), 2),
    p95ToBaseline: round(percentile(times, 95) / baselineMs, 2),
  }));
  console.log(
    `\n${label}: ${intervals.toLocaleString('en')} intervals, ${profile.threads.length} threads, ${profile.frames.length} functions; the summary's first (main) thread ${main.id} (${main.count.toLocaleString('en')} intervals)`,
  );
  console.log(`threads' views prepared after the summary (off the chat's path): ${round(prepareMs)} ms`);
  console.log(
    `first call of the run (${first!.tool}): ${round(first!.ms)} ms; baseline (functionStats + merged tree of that thread): ${round(baselineMs)} ms; load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores`,
  );
  printTable(
    ['tool', 'calls', 'p50 ms', 'p95 ms', 'max ms', 'p95 / baseline'],
    rows.map((r) => [r.tool, String(r.calls), String(r.p50Ms), String(r.p95Ms), String(r.maxMs), String(r.p95ToBaseline)]),
  );
  return {
    label,
    loadAverage: round(loadavg()[0], 2),
    intervals,
    threads: profile.threads.length,
    functions: profile.frames.length,
    mainThreadIntervals: main.count,
    prepareMs: round(prepareMs, 2),
    firstCall: first,
    baselineMs: round(baselineMs, 2),
    tools: rows,
  };
}

async function main(): Promise<void> {
  await loadTokenizer();
  const sizes = process.env.BENCH_LARGE ? [100, 1024] : [100];
  const cases = [];
  for (const mb of sizes) {
    const path = await cachedTrace(mb);
    let profile: Profile | undefined = await importTraceFile(path);
    cases.push(await timeTools(`generated Chrome trace, ${mb} MB`, profile));
    profile = undefined;
    (globalThis as { gc?: () => void }).gc?.();
  }
  cases.push(await timeTools(`largest real trace, ${LARGEST_REAL.split('/traces/')[1]}`, await importTraceFile(LARGEST_REAL)));
  cases.push(await timeTools(`page recording with the most requests, ${LARGEST_PAGE.split('/traces/')[1]}`, await importTraceFile(LARGEST_PAGE)));
  writeBenchReport('trace-tools', { repeats: REPEATS, cases });
}

await main();
