#!/usr/bin/env node
// `npm test`: typechecks, lints and checks formatting, then runs every suite (Node tests, Deno tests) and
// ends with one line "N passed, N failed, N skipped" over all of them. It
// fails when a runner exits non-zero, whatever the runner printed, and when
// path filters match no test at all (a typo must not pass as green).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const only = process.argv.slice(2); // optional path filters: npm test -- shared-importer
let passed = 0;
let failed = 0;
let skipped = 0;
/** Runners that exited non-zero: the run fails even if their counts say nothing failed. */
const failedRunners = [];

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

// 1. Static checks (whole repo, so only without filters): each counts as one test.
//    Types for the Node/browser code and for the Deno functions, lint (ESLint
//    type-aware with the boundary rules; deno lint for the functions), format.
function staticCheck(name, command, args) {
  const result = run(command, args);
  if (result.status === 0) passed++;
  else failed++;
  console.log(result.status === 0 ? `${name}: ok` : `${name}: FAILED`);
}

if (only.length === 0) {
  staticCheck('typecheck (tsc)', 'npx', ['tsc', '-p', 'tsconfig.json']);
  staticCheck('typecheck (deno check)', 'npx', ['deno', 'check', '--config', 'functions/deno.json', ...findFiles(join(root, 'functions'), '.ts')]);
  staticCheck('lint (eslint)', 'npx', ['eslint', '--max-warnings=0', '.']);
  staticCheck('lint (deno lint)', 'npx', ['deno', 'lint', '--config', 'functions/deno.json', 'functions/']);
  staticCheck('format (prettier --check)', 'npx', ['prettier', '--check', '--log-level=warn', '.']);
}

// 2. Node tests: every *.test.ts outside functions/ (those are Deno's).
const nodeTests = selected(findFiles(root, '.test.ts').filter((f) => !f.startsWith('functions/')));
if (nodeTests.length > 0) {
  const tapFile = join(mkdtempSync(join(tmpdir(), 'ta-tests-')), 'results.tap');
  const result = run('node', [
    '--import',
    'tsx',
    '--test',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tapFile}`,
    ...nodeTests,
  ]);
  const tap = existsSync(tapFile) ? readFileSync(tapFile, 'utf8') : '';
  const count = (name) => Number(tap.match(new RegExp(`^# ${name} (\\d+)`, 'm'))?.[1] ?? 0);
  passed += count('pass');
  failed += count('fail') + count('cancelled');
  skipped += count('skipped') + count('todo');
  if (result.status !== 0) failedRunners.push(`node --test (exit ${result.status ?? result.signal})`);
}

// 3. Deno tests: functions/**/*_test.ts run by the real Deno.
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
  const summary = (result.stdout ?? '').match(/(\d+) passed.*?\| (\d+) failed(?: \| (\d+) ignored)?/g)?.pop();
  if (summary) {
    const [, p, f, i] = summary.match(/(\d+) passed.*?\| (\d+) failed(?: \| (\d+) ignored)?/);
    passed += Number(p);
    failed += Number(f);
    skipped += Number(i ?? 0);
  }
  if (result.status !== 0) failedRunners.push(`deno test (exit ${result.status ?? result.signal})`);
}

if (only.length > 0 && nodeTests.length + denoTests.length === 0) {
  console.error(`\nNo test file matches ${only.map((o) => `"${o}"`).join(', ')}.`);
  failedRunners.push('the filter');
}
for (const runner of failedRunners) console.error(`FAILED: ${runner}`);

console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || failedRunners.length > 0 ? 1 : 0);
