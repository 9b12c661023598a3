#!/usr/bin/env node
// `npm test`: typechecks, lints and checks formatting, then runs every suite
// with its runner (vitest for the Node suites, Playwright for the browser and
// Electron suites, Deno for the edge functions) and ends with one line
// "N passed, N failed, N skipped" over all of them. It fails when a runner
// exits non-zero, whatever the runner printed, when a test file belongs to no
// runner, and when path filters match no test at all (a typo must not pass as
// green).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const only = process.argv.slice(2); // optional path filters: npm test -- shared-importer
const totals = { passed: 0, failed: 0, skipped: 0 };
/** Runners that exited non-zero: the run fails even if their counts say nothing failed. */
const failedRunners = [];
const scratch = mkdtempSync(join(tmpdir(), 'ta-tests-'));

function run(command, args, options = {}) {
  console.log(`\n$ ${command} ${args.join(' ')}`);
  return spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
}

function findFiles(dir, suffix, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.') || entry.name === 'out') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) findFiles(path, suffix, out);
    else if (entry.name.endsWith(suffix)) out.push(relative(root, path));
  }
  return out;
}

const selected = (files) => (only.length ? files.filter((f) => only.some((o) => f.includes(o))) : files);

function add(runner, counts, status) {
  totals.passed += counts.passed;
  totals.failed += counts.failed;
  totals.skipped += counts.skipped;
  if (status !== 0) failedRunners.push(`${runner} (exit ${status})`);
}

/** Reads a runner's JSON report, or null when the runner died before writing it. */
function readReport(path) {
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : null;
}

// 1. Static checks (whole repo, so only without filters): each counts as one test.
//    Types for the Node/browser code and for the Deno functions, lint (ESLint
//    type-aware with the boundary rules; deno lint for the functions), format.
function staticCheck(name, command, args) {
  const result = run(command, args);
  add(name, { passed: result.status === 0 ? 1 : 0, failed: result.status === 0 ? 0 : 1, skipped: 0 }, 0);
  console.log(result.status === 0 ? `${name}: ok` : `${name}: FAILED`);
}

if (only.length === 0) {
  staticCheck('typecheck (tsc)', 'npx', ['tsc', '-p', 'tsconfig.json']);
  staticCheck('typecheck (deno check)', 'npx', ['deno', 'check', '--config', 'functions/deno.json', ...findFiles(join(root, 'functions'), '.ts')]);
  staticCheck('lint (eslint)', 'npx', ['eslint', '--max-warnings=0', '.']);
  staticCheck('lint (deno lint)', 'npx', ['deno', 'lint', '--config', 'functions/deno.json', 'functions/']);
  staticCheck('format (prettier --check)', 'npx', ['prettier', '--check', '--log-level=warn', '.']);
}

// 2. Which runner owns which file: each runner's config says (vitest.config.ts,
//    playwright.config.ts); every *.test.ts outside functions/ must be owned by one.
function vitestFiles() {
  const listed = spawnSync('npx', ['vitest', 'list', '--filesOnly', '--json', '--passWithNoTests'], { cwd: root, encoding: 'utf8' });
  if (listed.status !== 0) throw new Error(`vitest list failed:\n${listed.stderr}`);
  return JSON.parse(listed.stdout).map((entry) => relative(root, entry.file));
}

function playwrightFiles() {
  const listed = spawnSync('npx', ['playwright', 'test', '--list', '--reporter=json', '--pass-with-no-tests'], { cwd: root, encoding: 'utf8' });
  if (listed.status !== 0) throw new Error(`playwright test --list failed:\n${listed.stderr}`);
  const report = JSON.parse(listed.stdout);
  return [...new Set(report.suites.map((suite) => relative(root, join(report.config.rootDir, suite.file))))];
}

const owned = { vitest: vitestFiles(), playwright: playwrightFiles() };
const unowned = findFiles(root, '.test.ts').filter((f) => !f.startsWith('functions/') && !owned.vitest.includes(f) && !owned.playwright.includes(f));
if (unowned.length > 0) {
  console.error(`\nNo runner runs ${unowned.join(', ')}: add it to vitest.config.ts or playwright.config.ts.`);
  failedRunners.push('the runner configs');
}

// 3. Node suites: vitest.
const nodeTests = selected(owned.vitest);
if (nodeTests.length > 0) {
  const reportFile = join(scratch, 'vitest.json');
  const result = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${reportFile}`, ...nodeTests]);
  const report = readReport(reportFile);
  // A file that fails to load has no test results: it counts as one failure, as it did under node:test.
  const brokenFiles = report?.testResults.filter((file) => file.status === 'failed' && file.assertionResults.length === 0).length ?? 0;
  add(
    'vitest',
    {
      passed: report?.numPassedTests ?? 0,
      failed: (report?.numFailedTests ?? 0) + brokenFiles,
      skipped: (report?.numPendingTests ?? 0) + (report?.numTodoTests ?? 0),
    },
    result.status ?? result.signal,
  );
}

// 4. Browser and Electron suites: Playwright.
const browserTests = selected(owned.playwright);
if (browserTests.length > 0) {
  const reportFile = join(scratch, 'playwright.json');
  const result = run('npx', ['playwright', 'test', '--reporter=list,json', ...browserTests], {
    env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: reportFile },
  });
  const report = readReport(reportFile);
  const { skipped, notRun } = unrunTests(report?.suites ?? []);
  for (const line of skipped) console.log(`skipped: ${line}`);
  for (const title of notRun) console.log(`did not run: ${title}`);
  add(
    'playwright',
    {
      passed: (report?.stats.expected ?? 0) + (report?.stats.flaky ?? 0),
      // Errors outside tests (a file that fails to load) count as failures too, and so do tests an
      // earlier failure kept from running: Playwright reports those as skipped.
      failed: (report?.stats.unexpected ?? 0) + (report?.errors.length ?? 0) + notRun.length,
      skipped: skipped.length,
    },
    result.status ?? result.signal,
  );
}

/**
 * Playwright's tests that did not run: "title: reason" for those skipped on purpose (a skip must
 * say why), and the titles of those that were meant to run but did not.
 */
function unrunTests(suites) {
  const tests = (suite) => [...(suite.suites ?? []).flatMap(tests), ...suite.specs.flatMap((spec) => spec.tests.map((test) => ({ spec, test })))];
  const unrun = suites.flatMap(tests).filter(({ test }) => test.status === 'skipped');
  return {
    skipped: unrun
      .filter(({ test }) => test.expectedStatus === 'skipped')
      .map(({ spec, test }) => `${spec.title}: ${test.annotations.find((a) => a.type === 'skip')?.description ?? 'no reason given'}`),
    notRun: unrun.filter(({ test }) => test.expectedStatus !== 'skipped').map(({ spec }) => spec.title),
  };
}

// 5. Deno tests: functions/**/*_test.ts run by the real Deno.
const denoTests = selected(findFiles(root, '_test.ts').filter((f) => f.startsWith('functions/')));
if (denoTests.length > 0) {
  const result = spawnSync('npx', ['deno', 'test', '--allow-all', '--config', 'functions/deno.json', ...denoTests], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    // Plain text, so the summary line below can be read.
    env: { ...process.env, NO_COLOR: '1' },
  });
  process.stdout.write(result.stdout ?? '');
  process.stderr.write(result.stderr ?? '');
  const summary = /(\d+) passed.*?\| (\d+) failed(?: \| (\d+) ignored)?/g;
  const [, p = 0, f = 0, i = 0] = [...(result.stdout ?? '').matchAll(summary)].pop() ?? [];
  add('deno test', { passed: Number(p), failed: Number(f), skipped: Number(i) }, result.status ?? result.signal);
}

if (only.length > 0 && nodeTests.length + browserTests.length + denoTests.length === 0) {
  console.error(`\nNo test file matches ${only.map((o) => `"${o}"`).join(', ')}.`);
  failedRunners.push('the filter');
}
for (const runner of failedRunners) console.error(`FAILED: ${runner}`);

console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed > 0 || failedRunners.length > 0 ? 1 : 0);
