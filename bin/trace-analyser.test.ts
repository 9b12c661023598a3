// bin/trace-analyser.mjs runs the CLI from a cached bundle of the sources
// (cli-bundle.mjs). These tests run it in a scratch copy of the checkout, so
// they can edit sources and break the cache without touching ours.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'vitest';
import { SAMPLE_TRACES } from '../shared-importer/node/trace-fixtures.ts';

const root = new URL('..', import.meta.url).pathname;
const trace = join(SAMPLE_TRACES, 'Chrome/65/simple.cpuprofile');

/** The CLI's sources and settings, and a node_modules of its own (the cache lives there) linking to our packages. */
function scratchCheckout(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ta-checkout-'));
  for (const entry of ['bin', 'shared-importer', 'package.json', 'tsconfig.json']) cpSync(join(root, entry), join(dir, entry), { recursive: true });
  mkdirSync(join(dir, 'node_modules'));
  for (const name of readdirSync(join(root, 'node_modules'))) {
    if (name !== '.cache') symlinkSync(join(root, 'node_modules', name), join(dir, 'node_modules', name));
  }
  return dir;
}

function runCli(checkout: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('node', [join(checkout, 'bin', 'trace-analyser.mjs'), ...args], { cwd: checkout, timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

function edit(checkout: string, file: string, from: string, to: string): void {
  const path = join(checkout, file);
  const source = readFileSync(path, 'utf8');
  assert.ok(source.includes(from), `${file} contains ${from}`);
  writeFileSync(path, source.replace(from, to));
}

function cachedBundles(checkout: string): string[] {
  const cache = join(checkout, 'node_modules', '.cache', 'trace-analyser-cli');
  return readdirSync(cache, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.mjs'))
    .map((name) => join(cache, name));
}

test('after any source edit, even deep in the imports, the next run runs the edited sources', { timeout: 180_000 }, async (t) => {
  const checkout = scratchCheckout();
  t.onTestFinished(() => rmSync(checkout, { recursive: true, force: true }));
  const before = await runCli(checkout, ['summarize', trace, '--budget', '500']);
  assert.equal(before.code, 0, before.stderr);
  assert.match(before.stdout, /^# Trace summary\n/);
  assert.equal(cachedBundles(checkout).length, 1, 'the first run leaves a bundle');

  // The CLI module itself...
  edit(checkout, 'shared-importer/node/cli.ts', 'Summarises a performance trace', 'Summarises an edited trace');
  const help = await runCli(checkout, ['--help']);
  assert.match(help.stdout, /Summarises an edited trace/);
  // ...and a module three imports away from it.
  edit(checkout, 'shared-importer/src/summary/render-summary-text.ts', "out.push('# Trace summary');", "out.push('# Edited summary');");
  const after = await runCli(checkout, ['summarize', trace, '--budget', '500']);
  assert.equal(after.code, 0, after.stderr);
  assert.equal(after.stdout, before.stdout.replace('# Trace summary', '# Edited summary'));
  assert.equal(cachedBundles(checkout).length, 1, 'rebuilt bundles replace the old one');
});

test('an unchanged checkout runs the cached bundle without rebuilding it', { timeout: 180_000 }, async (t) => {
  const checkout = scratchCheckout();
  t.onTestFinished(() => rmSync(checkout, { recursive: true, force: true }));
  assert.equal((await runCli(checkout, ['--help'])).code, 0);
  const [bundle] = cachedBundles(checkout);
  // Marks the bundle: a rebuild or the TypeScript sources would not print this.
  appendFileSync(bundle, "\nprocess.stderr.write('ran the cached bundle\\n');\n");
  const run = await runCli(checkout, ['summarize', trace, '--budget', '500']);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stderr, 'ran the cached bundle\n');
  assert.match(run.stdout, /^# Trace summary\n/);
});

test('where no bundle can be cached, the sources run through tsx', { timeout: 180_000 }, async (t) => {
  const checkout = scratchCheckout();
  t.onTestFinished(() => rmSync(checkout, { recursive: true, force: true }));
  writeFileSync(join(checkout, 'node_modules', '.cache'), 'a file where the cache directory would go');
  const run = await runCli(checkout, ['summarize', trace, '--budget', '500']);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^# Trace summary\n/);
  const fromOurs = await runCli(root, ['summarize', trace, '--budget', '500']);
  assert.equal(run.stdout, fromOurs.stdout);
});

test("in the bundle, a module's import.meta.url is still its source file's", { timeout: 180_000 }, async (t) => {
  const checkout = scratchCheckout();
  t.onTestFinished(() => rmSync(checkout, { recursive: true, force: true }));
  edit(checkout, 'shared-importer/node/cli.ts', 'Summarises a performance trace', 'Summarises ${import.meta.url}');
  const help = await runCli(checkout, ['--help']);
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, new RegExp(`Summarises file://${checkout}/shared-importer/node/cli\\.ts: busy threads`));
  assert.equal(cachedBundles(checkout).length, 1, 'from the bundle');
});
