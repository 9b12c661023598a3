// The CLI as users run it: whole processes, `node bin/trace-analyser.mjs
// summarize <file>`, against baselines run in the same rounds:
//   - a one-event trace: target <= 300 ms wall (start-up is all there is);
//     `node -e 0` shows the floor Node itself sets;
//   - a 100 MB Trace Event file: target <= 1/3 of the time of a Node process
//     that only reads and JSON.parses the same file, and peak RSS <= 100 MiB
//     + 0.5x the file.
// Every round runs each process once, in turn; wall times are reported as the
// best (least disturbed: the machine is shared) and the median, the time ratio
// as the median of same-round ratios, peak RSS as the median. Each child
// reports its peak RSS and CPU time (user + system, all its threads) at exit,
// through a preloaded module; CPU time shows the work when a busy machine
// stretches wall times.
// One extra run first times the CLI's first start after a source change, when
// it builds its bundle (bin/cli-bundle.mjs).
//
// Run: npm run bench -- cli   (BENCH_CLI_ROUNDS sets the rounds, default 7)
import { spawn } from 'node:child_process';
import { rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE_DIR } from '../bin/cli-bundle.mjs';
import { BENCH_OUTPUT_DIR, median, printTable, round, writeBenchReport } from './bench-report.ts';
import { cachedTrace } from './trace-generator.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const ROUNDS = Number(process.env.BENCH_CLI_ROUNDS ?? 7);
const MiB = 1024 * 1024;
const ONE_EVENT_TARGET_MS = 300;
const TIME_RATIO_TARGET = 1 / 3;
const rssTargetBytes = (fileBytes: number) => 100 * MiB + 0.5 * fileBytes;

/** Loaded into every measured process: writes its peak RSS (bytes) and CPU time (ms) to fd 3 as it exits. */
const REPORT_USAGE =
  'data:text/javascript,import{writeSync}from"node:fs";process.on("exit",()=>{const u=process.resourceUsage();writeSync(3,JSON.stringify([u.maxRSS*1024,(u.userCPUTime+u.systemCPUTime)/1000]))})';

interface Run {
  wallMs: number;
  cpuMs: number;
  peakRssBytes: number;
}

/** Runs `node <args>` to completion, stdout discarded; fails on a non-zero exit. */
function runNode(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', REPORT_USAGE, ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let usage = '';
    child.stderr!.on('data', (d) => (stderr += d));
    child.stdio[3]!.on('data', (d) => (usage += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - started;
      if (code !== 0) reject(new Error(`node ${args.join(' ')} exited with ${code}: ${stderr}`));
      else {
        const [peakRssBytes, cpuMs] = JSON.parse(usage) as [number, number];
        resolve({ wallMs, cpuMs, peakRssBytes });
      }
    });
  });
}

const cli = (file: string) => ['bin/trace-analyser.mjs', 'summarize', file];
const parseOnly = (file: string) => ['-e', `JSON.parse(require('node:fs').readFileSync(${JSON.stringify(file)}, 'utf8'))`];

interface Contender {
  name: string;
  args: string[];
  runs: Run[];
}

async function main(): Promise<void> {
  const large = await cachedTrace(100);
  const largeBytes = statSync(large).size;
  const oneEvent = join(BENCH_OUTPUT_DIR, 'traces', 'one-event.json');
  writeFileSync(oneEvent, '{"traceEvents":[{"name":"RunTask","ph":"X","ts":1,"dur":5,"pid":1,"tid":1}]}\n');

  // The first start after a change builds the bundle; later starts reuse it.
  rmSync(CACHE_DIR, { recursive: true, force: true });
  const firstStart = await runNode(cli(oneEvent));

  const contenders: Contender[] = [
    { name: 'node -e 0 (floor)', args: ['-e', '0'], runs: [] },
    { name: 'CLI, one-event trace', args: cli(oneEvent), runs: [] },
    { name: 'read + JSON.parse, 100 MB', args: parseOnly(large), runs: [] },
    { name: 'CLI, 100 MB trace', args: cli(large), runs: [] },
  ];
  for (let round = 0; round < ROUNDS; round++) {
    for (const c of contenders) c.runs.push(await runNode(c.args));
  }
  const [, small, parse, big] = contenders;
  const timeRatio = median(big.runs.map((r, i) => r.wallMs / parse.runs[i].wallMs));
  const cpuRatio = median(big.runs.map((r, i) => r.cpuMs / parse.runs[i].cpuMs));
  const bigRss = median(big.runs.map((r) => r.peakRssBytes));
  const smallBest = Math.min(...small.runs.map((r) => r.wallMs));
  const targets = {
    oneEvent: smallBest <= ONE_EVENT_TARGET_MS,
    timeRatio: timeRatio <= TIME_RATIO_TARGET,
    peakRss: bigRss <= rssTargetBytes(largeBytes),
  };

  const row = (name: string, runs: Run[], ratios = ['', '']) => [
    name,
    `${round(Math.min(...runs.map((r) => r.wallMs)))} ms`,
    `${round(median(runs.map((r) => r.wallMs)))} ms`,
    `${round(median(runs.map((r) => r.cpuMs)))} ms`,
    `${round(median(runs.map((r) => r.peakRssBytes)) / MiB)} MiB`,
    ...ratios,
  ];
  printTable(
    ['process', 'best wall', 'median wall', 'median CPU', 'peak RSS (median)', 'wall vs JSON.parse', 'CPU vs JSON.parse'],
    [
      row('CLI, one-event trace, first start (builds the bundle)', [firstStart]),
      ...contenders.map((c) => row(c.name, c.runs, c === big ? [`${round(timeRatio, 2)}x`, `${round(cpuRatio, 2)}x`] : undefined)),
    ],
  );
  const verdict = (met: boolean) => (met ? 'met' : 'NOT met');
  console.log(`\none-event trace: best ${round(smallBest)} ms, target <= ${ONE_EVENT_TARGET_MS} ms: ${verdict(targets.oneEvent)}`);
  console.log(
    `100 MB trace: ${round(timeRatio, 2)}x the wall time of read + JSON.parse (median of ${ROUNDS} paired rounds; CPU time ${round(cpuRatio, 2)}x), ` +
      `target <= ${round(TIME_RATIO_TARGET, 2)}x: ${verdict(targets.timeRatio)}`,
  );
  console.log(
    `100 MB trace: peak RSS ${round(bigRss / MiB)} MiB = 100 MiB + ${round((bigRss - 100 * MiB) / largeBytes, 2)}x the file, ` +
      `target <= ${round(rssTargetBytes(largeBytes) / MiB)} MiB (100 MiB + 0.5x): ${verdict(targets.peakRss)}`,
  );

  const summary = (c: Contender) => ({
    bestWallMs: round(Math.min(...c.runs.map((r) => r.wallMs))),
    medianWallMs: round(median(c.runs.map((r) => r.wallMs))),
    medianCpuMs: round(median(c.runs.map((r) => r.cpuMs))),
    medianPeakRssMiB: round(median(c.runs.map((r) => r.peakRssBytes)) / MiB),
    runs: c.runs.map((r) => ({ wallMs: round(r.wallMs), cpuMs: round(r.cpuMs), peakRssMiB: round(r.peakRssBytes / MiB) })),
  });
  writeBenchReport('cli', {
    rounds: ROUNDS,
    fileBytes: largeBytes,
    firstStartMs: round(firstStart.wallMs),
    contenders: Object.fromEntries(contenders.map((c) => [c.name, summary(c)])),
    timeRatio: round(timeRatio, 3),
    cpuRatio: round(cpuRatio, 3),
    targets,
  });
}

await main();
