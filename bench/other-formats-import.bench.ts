// Import time of the formats other than Chrome traces against a baseline
// measured in the same run on the same bytes:
//   - collapsed stacks, perf script and systrace (text, or an HTML report):
//     our import vs the least any importer must do: decode the whole file and
//     split it into lines;
//   - a zipped Chrome trace: our import vs importing the same JSON unzipped;
//   - speedscope, Firefox and V8 .cpuprofile (JSON): our import vs JSON.parse of the text alone;
//   - pprof: our import vs protobufjs decoding the same bytes into objects;
//   - peak RSS of one import in a fresh process, minus that of importing a
//     tiny file (Node, tsx and the importer code), vs the file size.
// Inputs are scaled up from the sample traces (or generated) and cached in
// bench-output/traces. BENCH_MB sets the size of each (default 48).
//
// Run: npm run bench -- other-formats   (or node --import tsx --expose-gc bench/other-formats-import.bench.ts)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { importTraceFile } from '../shared-importer/node/node-host.ts';
import { CATAPULT_TRACES, SAMPLE_TRACES } from '../shared-importer/node/trace-fixtures.ts';
import { Zip, ZipDeflate } from 'fflate';
import { generateTrace } from './trace-generator.ts';
import { BENCH_OUTPUT_DIR, printTable, round, writeBenchReport } from './bench-report.ts';
import { sucraseCpuProfile } from './scaled-inputs.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const CACHE_DIR = join(BENCH_OUTPUT_DIR, 'traces');
const SAMPLES = SAMPLE_TRACES;
/** Bump when a generator below changes, so cached inputs are rebuilt. */
const GENERATOR_VERSION = 1;
const MB = 1024 * 1024;
const TARGET_MB = Number(process.env.BENCH_MB ?? 48);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);

function cached(name: string, build: () => string | Uint8Array): string {
  mkdirSync(CACHE_DIR, { recursive: true });
  const path = join(CACHE_DIR, `${name}-${TARGET_MB}mb-v${GENERATOR_VERSION}`);
  if (!existsSync(path)) {
    console.log(`generating ${path} ...`);
    writeFileSync(`${path}.tmp`, build());
    renameSync(`${path}.tmp`, path);
  }
  return path;
}

/** The collapsed sample file repeated up to the target size. */
function collapsedInput(): string {
  const one = readFileSync(join(SAMPLES, 'stackcollapse/perf-vertx-stacks-01-collapsed-all.txt'), 'utf8');
  const copies = Math.ceil((TARGET_MB * MB) / one.length);
  return `${one.trimEnd()}\n`.repeat(copies);
}

/** The forks perf script repeated, each copy shifted later in time so every thread's clock keeps going forward. */
function perfScriptInput(): string {
  const one = readFileSync(join(SAMPLES, 'linux-perf/forks.linux-perf.txt'), 'utf8');
  const copies = Math.ceil((TARGET_MB * MB) / one.length);
  const parts: string[] = [];
  for (let k = 0; k < copies; k++) {
    parts.push(one.replace(/ (\d+)\.(\d{6}):/g, (_, s: string, us: string) => ` ${Number(s) + k}.${us}:`));
    if (!one.endsWith('\n\n')) parts.push('\n');
  }
  return parts.join('');
}

/** The ftrace lines of trace-viewer's Android systrace report (atrace slices, sched_switch, counters), without their JS line endings. */
function systraceLines(): { header: string; lines: string[] } {
  const html = readFileSync(join(CATAPULT_TRACES, 'android_systrace.html'), 'utf8');
  const start = html.indexOf('  var linuxPerfData = "');
  const body = html.slice(html.indexOf('\n', start) + 1, html.indexOf('</script>', start));
  return { header: html.slice(0, start), lines: body.split('\n').map((l) => l.replace(/\\n(\\|";)$/, '')) };
}

/** Those lines repeated up to the target size, each copy 10 s later, so every thread's and CPU's clock keeps going forward. */
function systraceText(): string[] {
  const { lines } = systraceLines();
  const events = lines.filter((l) => !l.startsWith('#') && !/ 0\.0: /.test(l));
  const copies = Math.ceil((TARGET_MB * MB) / events.join('\n').length);
  const out = ['# tracer: nop'];
  for (let k = 0; k < copies; k++) {
    for (const line of events) out.push(line.replace(/ (\d+)\.(\d{6}):/, (_, s: string, us: string) => ` ${Number(s) + 10 * k}.${us}:`));
  }
  return out;
}

function systraceTextInput(): string {
  return `${systraceText().join('\n')}\n`;
}

/** The same lines as an old-style systrace report: the viewer's page, then a JS string literal. */
function systraceHtmlInput(): string {
  const { header } = systraceLines();
  return `${header}  var linuxPerfData = "\\\n${systraceText().join('\\n\\\n')}\\n";\n  </script>\n</body>\n</html>\n`;
}

/** A generated Chrome trace, and the same JSON deflated in a zip written the streaming way (data descriptors). */
async function zippedChromeTrace(): Promise<{ json: string; zip: string }> {
  const json = join(CACHE_DIR, `chrome-${TARGET_MB}mb-v${GENERATOR_VERSION}.json`);
  if (!existsSync(json)) {
    mkdirSync(CACHE_DIR, { recursive: true });
    await generateTrace({ bytes: TARGET_MB * MB, out: json });
  }
  const zip = cached('chrome.zip', () => {
    const parts: Uint8Array[] = [];
    const writer = new Zip((error, data) => {
      if (error) throw error;
      parts.push(data);
    });
    const file = new ZipDeflate('trace.json', { level: 6 });
    writer.add(file);
    file.push(readFileSync(json), true);
    writer.end();
    return Buffer.concat(parts);
  });
  return { json, zip };
}

/** The big Firefox sample's main thread copied into as many threads as fit the target size. */
function firefoxInput(): string {
  const doc = JSON.parse(readFileSync(join(SAMPLES, 'Firefox/59/firefox.json'), 'utf8')) as {
    profile: { threads: { tid: number }[] };
  };
  const thread = doc.profile.threads[0];
  const threadBytes = JSON.stringify(thread).length;
  const copies = Math.max(1, Math.floor((TARGET_MB * MB) / threadBytes));
  doc.profile.threads = Array.from({ length: copies }, (_, i) => ({ ...thread, tid: thread.tid + i }));
  return JSON.stringify(doc);
}

/** The sucrase .cpuprofile's samples repeated up to the target size: real call tree, real runs of repeated nodes. */
function cpuProfileInput(): string {
  return sucraseCpuProfile(TARGET_MB * MB);
}

/** A deterministic pseudo-random call tree sampled into a sampled speedscope profile. */
function speedscopeInput(): string {
  let seed = 42;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const frames = Array.from({ length: 2000 }, (_, i) => ({ name: `function_${i}`, file: `src/module_${i % 50}.ts`, line: i }));
  const samples: number[][] = [];
  const weights: number[] = [];
  let bytes = 0;
  let stack: number[] = [rand(20)];
  while (bytes < TARGET_MB * MB) {
    // Random walk: mostly small changes to the previous stack, like real sampling.
    const r = rand(10);
    if (r < 4 && stack.length < 60) stack = [...stack, rand(2000)];
    else if (r < 8 && stack.length > 1) stack = stack.slice(0, -1 - rand(Math.min(3, stack.length - 1)));
    samples.push(stack);
    weights.push(1 + rand(3));
    bytes += stack.length * 5 + 4;
  }
  return JSON.stringify({
    $schema: 'https://www.speedscope.app/file-format-schema.json',
    shared: { frames },
    profiles: [{ type: 'sampled', name: 'main', unit: 'milliseconds', startValue: 0, endValue: weights.reduce((a, b) => a + b, 0), samples, weights }],
  });
}

const PPROF_SCHEMA = `
syntax = "proto3";
message Profile { repeated ValueType sample_type = 1; repeated Sample sample = 2; repeated Location location = 4; repeated Function function = 5; repeated string string_table = 6; }
message ValueType { int64 type = 1; int64 unit = 2; }
message Sample { repeated uint64 location_id = 1; repeated int64 value = 2; }
message Location { uint64 id = 1; repeated Line line = 4; }
message Line { uint64 function_id = 1; int64 line = 2; }
message Function { uint64 id = 1; int64 name = 2; int64 filename = 4; }
`;
const PprofProfile = protobuf.parse(PPROF_SCHEMA).root.lookupType('Profile');

/** A CPU profile shaped like Go's: samples/count and cpu/nanoseconds, 3000 functions. */
function pprofInput(): Uint8Array {
  let seed = 7;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const functions = 3000;
  const strings = ['', 'samples', 'count', 'cpu', 'nanoseconds', 'main.go'];
  const fn = Array.from({ length: functions }, (_, i) => ({ id: i + 1, name: strings.push(`pkg.function${i}`) - 1, filename: 5 }));
  const location = fn.map((f) => ({ id: f.id, line: [{ functionId: f.id, line: 10 }] }));
  // Encoded in batches and concatenated (protobuf merges repeated fields across
  // concatenated messages): one message of a million samples exhausts the heap in protobufjs's writer.
  const parts: Uint8Array[] = [
    PprofProfile.encode(
      PprofProfile.fromObject({
        sampleType: [
          { type: 1, unit: 2 },
          { type: 3, unit: 4 },
        ],
        location,
        function: fn,
        stringTable: strings,
      }),
    ).finish(),
  ];
  let sample: { locationId: number[]; value: number[] }[] = [];
  let bytes = 0;
  while (bytes < TARGET_MB * MB) {
    const depth = 5 + rand(40);
    const locationId = Array.from({ length: depth }, (_, d) => 1 + ((d * 97 + rand(8)) % functions));
    sample.push({ locationId, value: [1, 10_000_000 * (1 + rand(3))] });
    bytes += depth * 2 + 10;
    if (sample.length === 50_000) {
      parts.push(PprofProfile.encode(PprofProfile.fromObject({ sample })).finish());
      sample = [];
    }
  }
  parts.push(PprofProfile.encode(PprofProfile.fromObject({ sample })).finish());
  return Buffer.concat(parts);
}

/** Child mode (`--rss-probe <file>`): one import, then peak RSS in bytes on stdout. */
async function rssProbe(path: string): Promise<void> {
  await importTraceFile(path);
  process.stdout.write(String(process.resourceUsage().maxRSS * 1024));
}

function peakRss(path: string): number {
  const child = spawnSync(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, '--rss-probe', path], { cwd: ROOT, encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`RSS probe failed for ${path}: ${child.stderr}`);
  return Number(child.stdout);
}

async function best(run: () => unknown): Promise<number> {
  let min = Infinity;
  for (let i = 0; i < REPEATS; i++) {
    (globalThis as { gc?: () => void }).gc?.();
    const started = performance.now();
    await run();
    min = Math.min(min, performance.now() - started);
  }
  return min;
}

function splitLines(path: string): number {
  return new TextDecoder().decode(readFileSync(path)).split('\n').length;
}

interface Case {
  format: string;
  /** What the input is, when the format alone does not say. */
  input?: string;
  path: string;
  baselineName: string;
  baseline: () => unknown;
}

async function main(): Promise<void> {
  const lines = (format: string, path: string): Case => ({ format, path, baselineName: 'decode + split lines', baseline: () => splitLines(path) });
  const json = (format: string, path: string): Case => ({ format, path, baselineName: 'JSON.parse', baseline: () => JSON.parse(readFileSync(path, 'utf8')) });
  const pprofPath = cached('cpu.pprof', pprofInput);
  const zipped = await zippedChromeTrace();
  const cases: Case[] = [
    lines('collapsed-stacks', cached('collapsed.txt', collapsedInput)),
    lines('linux-perf-script', cached('perf-script.txt', perfScriptInput)),
    json('speedscope', cached('speedscope.json', speedscopeInput)),
    json('firefox-gecko', cached('firefox.json', firefoxInput)),
    json('chrome-cpuprofile', cached('sucrase.cpuprofile', cpuProfileInput)),
    { format: 'pprof', path: pprofPath, baselineName: 'protobufjs decode', baseline: () => PprofProfile.decode(readFileSync(pprofPath)) },
    { ...lines('systrace', cached('systrace.txt', systraceTextInput)), input: 'ftrace text' },
    { ...lines('systrace', cached('systrace.html', systraceHtmlInput)), input: 'HTML report' },
    { format: 'chrome-trace-event', input: 'zip', path: zipped.zip, baselineName: 'same JSON unzipped', baseline: () => importTraceFile(zipped.json) },
  ];

  const rows: Record<string, unknown>[] = [];
  const table: string[][] = [];
  const idleRss = peakRss(join(SAMPLES, 'stackcollapse/simple.txt'));
  for (const c of cases) {
    const size = statSync(c.path).size;
    // Warm-up: JIT and file cache.
    const profile = await importTraceFile(c.path);
    if (profile.format !== c.format) throw new Error(`${c.path} imported as ${profile.format}, not ${c.format}`);
    const oursMs = await best(() => importTraceFile(c.path));
    await c.baseline();
    const baseMs = await best(c.baseline);
    const intervals = profile.threads.reduce((n, t) => n + t.count, 0);
    const rss = peakRss(c.path) - idleRss;
    rows.push({
      format: c.format,
      input: c.input,
      bytes: size,
      events: profile.eventCount,
      threads: profile.threads.length,
      intervals,
      importMs: round(oursMs),
      importMBps: round(size / MB / (oursMs / 1000)),
      baseline: c.baselineName,
      baselineMs: round(baseMs),
      importTimeVsBaseline: round(oursMs / baseMs, 2),
      peakRssBytes: rss,
      peakRssVsFileSize: round(rss / size, 2),
    });
    table.push([
      c.input ? `${c.format} (${c.input})` : c.format,
      `${round(size / MB)} MB`,
      `${profile.eventCount}`,
      `${round(oursMs)} ms (${round(size / MB / (oursMs / 1000))} MB/s)`,
      `${c.baselineName}: ${round(baseMs)} ms`,
      `${round(oursMs / baseMs, 2)}x`,
      `${round(rss / MB)} MB (${round(rss / size, 2)}x file)`,
    ]);
  }
  printTable(['format', 'input', 'events', 'our import', 'baseline (same bytes)', 'ours / baseline', 'peak RSS above idle'], table);
  console.log(`(idle: importing a 37-byte file peaks at ${round(idleRss / MB)} MB)`);
  const report = {
    bench: 'other-formats-import',
    node: process.version,
    repeats: REPEATS,
    idleRssBytes: idleRss,
    date: new Date().toISOString(),
    results: rows,
  };
  writeBenchReport('other-formats-import', report);
}

if (process.argv[2] === '--rss-probe') await rssProbe(process.argv[3]);
else await main();
