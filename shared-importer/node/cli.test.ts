// Runs the real CLI (node bin/trace-analyser.mjs) as a child process on real
// traces and compares its output with the same work done in-process.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'vitest';
import { gzipSync } from 'node:zlib';
import { renderSummaryText } from '../src/summary/render-summary-text.ts';
import { summarizeProfile } from '../src/summary/summarize-profile.ts';
import type { TraceSummaryWithText } from '../src/summary/summary-types.ts';
import { countTokens } from '../src/summary/token-count.ts';
import { importTraceFile } from './node-host.ts';
import { REAL_TRACES, SAMPLE_TRACES } from './trace-fixtures.ts';

const root = new URL('../..', import.meta.url).pathname;
const bin = join(root, 'bin', 'trace-analyser.mjs');
const scratch = mkdtempSync(join(tmpdir(), 'ta-cli-'));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile('node', [bin, ...args], { cwd: root, maxBuffer: 64 * 1024 * 1024, timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr });
    });
  });
}

async function inProcess(path: string, budget?: number, longTaskThresholdMs?: number) {
  const summary = summarizeProfile(await importTraceFile(path), { longTaskThresholdMs });
  return { summary, rendered: await renderSummaryText(summary, { budget }) };
}

function assertNoStackTrace(stderr: string): void {
  assert.doesNotMatch(stderr, /^\s+at /m);
}

test('--json prints the summary, its text and token count, equal to the in-process result', async () => {
  const path = join(SAMPLE_TRACES, 'Chrome/65/simple.cpuprofile');
  const run = await runCli(['summarize', path, '--json']);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stderr, '', 'no progress output when stderr is not a terminal');
  const output = JSON.parse(run.stdout) as TraceSummaryWithText;
  const expected = await inProcess(path);
  const { text, tokens, ...summary } = output;
  assert.deepEqual(summary, expected.summary);
  assert.equal(text, expected.rendered.text);
  assert.equal(tokens, await countTokens(text));
  assert.equal(output.format, 'chrome-cpuprofile');
  assert.ok(output.threads[0].topFunctions.length > 0);
});

test('a Chrome performance trace with a small budget and a lower long-task threshold', async () => {
  const path = join(SAMPLE_TRACES, 'Chrome/116/Trace-20230603T221323.json');
  const run = await runCli(['summarize', path, '--json', '--budget', '700', '--long-task-ms', '20']);
  assert.equal(run.code, 0, run.stderr);
  const output = JSON.parse(run.stdout) as TraceSummaryWithText;
  assert.ok(output.tokens <= 700);
  assert.equal(output.tokens, await countTokens(output.text));
  const expected = await inProcess(path, 700, 20);
  assert.equal(output.text, expected.rendered.text);
  assert.equal(output.settings.longTaskThresholdMs, 20);
  assert.deepEqual(output.threads, expected.summary.threads);
  assert.ok(
    output.threads.some((t) => t.longTaskCount > 0),
    'this trace has tasks over 20 ms',
  );
  const main = output.threads.find((t) => t.isMainThread)!;
  assert.equal(main.name, 'CrRendererMain');
  assert.equal(output.threads[0], main);
});

test('--json of a page load has `page`: navigations with their milestones, CLS, INP, network counts', async () => {
  const run = await runCli(['summarize', join(REAL_TRACES, 'lighthouse', 'user-flow-step3-trace.json'), '--json']);
  assert.equal(run.code, 0, run.stderr);
  const { page } = JSON.parse(run.stdout) as TraceSummaryWithText;
  // Chrome DevTools' trace engine reads the same from this trace (page-insights-reference.test.ts).
  assert.deepEqual(
    page?.navigations.map(({ url, fcpMs, lcpMs, dclMs, loadMs }) => ({ url, fcpMs, lcpMs, dclMs, loadMs })),
    [{ url: 'https://www.mikescerealshack.co/corrections', fcpMs: 263.452, lcpMs: 496.786, dclMs: 188.372, loadMs: 476.335 }],
  );
  assert.equal(page?.cls, 0);
  assert.equal(page?.inpMs, null);
  assert.equal(page?.network.requests, 27);
  assert.equal(page?.network.renderBlocking, 1);
});

test('text mode prints the same text as the library, and a gzipped copy gives the same summary', async () => {
  const path = join(SAMPLE_TRACES, 'Chrome/65/sucrase.cpuprofile');
  const gzPath = join(scratch, 'sucrase.cpuprofile.gz');
  writeFileSync(gzPath, gzipSync(readFileSync(path)));
  const [plain, gzipped, gzippedJson] = await Promise.all([
    runCli(['summarize', path, '--budget', '1500']),
    runCli(['summarize', gzPath, '--budget', '1500']),
    runCli(['summarize', gzPath, '--json']),
  ]);
  assert.equal(plain.code, 0, plain.stderr);
  assert.equal(gzipped.code, 0, gzipped.stderr);
  const expected = await inProcess(path, 1500);
  assert.equal(plain.stdout, `${expected.rendered.text}\n`);
  // Only the file name differs.
  assert.equal(gzipped.stdout, plain.stdout.replace('"sucrase.cpuprofile"', '"sucrase.cpuprofile.gz"'));
  const fromGzip = JSON.parse(gzippedJson.stdout) as TraceSummaryWithText;
  assert.deepEqual(fromGzip.threads, expected.summary.threads);
});

test('a small budget keeps whole lines from the top and says how many it left out', async () => {
  const run = await runCli(['summarize', join(SAMPLE_TRACES, 'Chrome/65/simple.cpuprofile'), '--budget', '30']);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^# Trace summary\n(.*\n)*\[\d+ of \d+ summary lines omitted to fit the 30-token budget\]\n$/);
  assert.ok((await countTokens(run.stdout.trimEnd())) <= 30);
});

test('a missing file, garbage and an empty file fail with exit 1 and a one-line message', async () => {
  const garbage = join(scratch, 'garbage.bin');
  writeFileSync(garbage, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251)));
  const empty = join(scratch, 'empty.json');
  writeFileSync(empty, '');
  const [missing, bad, none, directory] = await Promise.all([
    runCli(['summarize', join(scratch, 'nope.json')]),
    runCli(['summarize', garbage, '--json']),
    runCli(['summarize', empty]),
    runCli(['summarize', scratch]),
  ]);
  for (const run of [missing, bad, none, directory]) {
    assert.equal(run.code, 1);
    assert.equal(run.stdout, '');
    assertNoStackTrace(run.stderr);
    assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
  }
  assert.match(missing.stderr, /^trace-analyser: no such file: ".*nope\.json"/);
  assert.match(bad.stderr, /Could not recognise "garbage\.bin" as a trace: it looks like binary data \(first bytes [0-9a-f ]+\)\. Accepted formats:/);
  assert.match(none.stderr, /"empty\.json" is empty/);
  assert.match(directory.stderr, /is a directory/);
});

test('usage errors exit 2 with the usage text; --help exits 0', async () => {
  const [noArgs, badCommand, badBudget, tinyBudget, extra, unknownFlag, help] = await Promise.all([
    runCli([]),
    runCli(['frobnicate', 'x']),
    runCli(['summarize', 'x', '--budget', 'lots']),
    runCli(['summarize', 'x', '--budget', '10']),
    runCli(['summarize', 'a', 'b']),
    runCli(['summarize', 'x', '--jsn']),
    runCli(['--help']),
  ]);
  for (const run of [noArgs, badCommand, badBudget, tinyBudget, extra, unknownFlag]) {
    assert.equal(run.code, 2);
    assert.match(run.stderr, /Usage: trace-analyser summarize <file>/);
    assertNoStackTrace(run.stderr);
  }
  assert.match(badBudget.stderr, /--budget needs a positive whole number, got "lots"/);
  // A budget that cannot even hold the note saying what was left out.
  assert.match(tinyBudget.stderr, /--budget needs at least 16 tokens, room to say what the summary leaves out; got "10"/);
  assert.match(unknownFlag.stderr, /--jsn/);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--budget <tokens>/);
});

test('Ctrl-C while waiting for input cancels at once with exit 130', { timeout: 60_000 }, async (t) => {
  const fifo = join(scratch, 'slow.json');
  await new Promise<void>((resolve, reject) => execFile('mkfifo', [fifo], (error) => (error ? reject(new Error(error.message)) : resolve())));
  const child = spawn('node', [bin, 'summarize', fifo], { cwd: root });
  t.onTestFinished(() => void child.kill('SIGKILL'));
  let stderr = '';
  const cancelled = new Promise<void>((resolve) =>
    child.stderr.on('data', (d) => {
      stderr += d;
      if (stderr.includes('\n')) resolve();
    }),
  );
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  // Opening the write end completes once the CLI has opened the FIFO for reading.
  const writer = await open(fifo, 'w');
  await writer.write('{"traceEvents":[{"name":"RunTask","ph":"X","ts":1,"dur":5,"pid":1,"tid":1},');
  await new Promise((r) => setTimeout(r, 300));
  child.kill('SIGINT');
  // The CLI reports the cancel while its read is still waiting for input...
  await cancelled;
  assert.equal(stderr, 'trace-analyser: cancelled.\n');
  // ...and exits once the producer goes too, as Ctrl-C in a shell pipeline ends both.
  // (Input ending without a cancel would be an import error, exit 1.)
  await writer.close();
  assert.equal(await exited, 130);
});

test('progress goes to stderr when it is a terminal', { skip: process.platform !== 'linux' }, async () => {
  const path = join(SAMPLE_TRACES, 'Chrome/65/sucrase.cpuprofile');
  // `script` runs the CLI on a pseudo-terminal, as a user's shell would.
  const run = await new Promise<Run>((resolve) => {
    execFile('script', ['-qec', `node ${bin} summarize ${path} --budget 300`, '/dev/null'], { cwd: root, timeout: 120_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr }),
    );
  });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /Reading \d+(\.\d)? (KiB|MiB) of 977\.9 KiB \(\d+%\) · [\d,]+ events/);
  assert.match(run.stdout, /Building the profile from 977\.9 KiB · [\d,]+ events/);
  assert.match(run.stdout, /Summarising…/);
  assert.match(run.stdout, /# Trace summary/);
});
