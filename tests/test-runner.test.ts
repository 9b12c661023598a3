// `npm test` itself: its last line sums the runners' counts; a filter that
// matches no test file fails the run and says so, instead of printing
// "0 passed, 0 failed" and exiting 0; a failing test, or a file that cannot
// even load, fails the run.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'vitest';

const root = fileURLToPath(new URL('../', import.meta.url));

function npmTest(cwd: string, ...filters: string[]) {
  const result = spawnSync(process.execPath, [join(cwd, 'scripts/run-tests.mjs'), ...filters], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  const last = result.stdout.trim().split('\n').pop()!;
  const [, passed, failed, skipped] = /^(\d+) passed, (\d+) failed, (\d+) skipped$/.exec(last)!.map(Number);
  return { ...result, passed, failed, skipped };
}

/** This repository's runner and runner configs, with test files of the test's own. */
function repoWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ta-runner-'));
  for (const file of ['scripts/run-tests.mjs', 'vitest.config.ts', 'playwright.config.ts', 'tests/e2e/chromium.ts', 'package.json']) {
    cpSync(join(root, file), join(dir, file), { recursive: true });
  }
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

test('a filter that matches no test file fails and names the filter', () => {
  const result = npmTest(root, 'no-test-is-named-like-this');
  assert.equal(result.status, 1);
  assert.match(result.stderr, /No test file matches "no-test-is-named-like-this"/);
  assert.deepEqual([result.passed, result.failed, result.skipped], [0, 0, 0]);
});

test("a filter matching files of two runners runs each with its own, and the last line sums both runners' counts", () => {
  const result = npmTest(root, 'updates.test.ts');
  assert.equal(result.status, 0, result.stderr);
  const vitest = Number(/Tests\s+(\d+) passed/.exec(result.stdout)?.[1]);
  const playwright = Number(/^\s*(\d+) passed \(/m.exec(result.stdout)?.[1]);
  assert.ok(vitest > 0 && playwright > 0, `both runners ran:\n${result.stdout}`);
  assert.equal(result.passed, vitest + playwright);
  assert.equal(result.failed, 0);
});

test('a failing test and a file that cannot load each count as a failure, and fail the run', () => {
  const dir = repoWith({
    'suite/broken.test.ts': "import { test } from 'vitest';\ntest('fails', () => { throw new Error('no'); });\ntest('passes', () => {});\n",
    'suite/broken-import.test.ts': "import { test } from 'vitest';\nimport './no-such-module.ts';\ntest('never runs', () => {});\n",
  });
  const result = npmTest(dir, 'suite/broken');
  assert.equal(result.status, 1);
  assert.deepEqual([result.passed, result.failed, result.skipped], [1, 2, 0]);
  assert.match(result.stderr, /FAILED: vitest \(exit 1\)/);
});

test('a Playwright test that skips says why in the output', () => {
  const dir = repoWith({
    'tests/e2e/skips.test.ts': "import { test } from '@playwright/test';\ntest('needs a GPU', () => { test.skip(true, 'no GPU on this machine'); });\n",
  });
  const result = npmTest(dir, 'skips');
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual([result.passed, result.failed, result.skipped], [0, 0, 1]);
  assert.match(result.stdout, /skipped: needs a GPU: no GPU on this machine/);
});

test('a Playwright test an earlier failure kept from running counts as failed, not skipped', () => {
  const dir = repoWith({
    'tests/e2e/serial.test.ts':
      "import { test } from '@playwright/test';\ntest.describe.configure({ mode: 'serial' });\ntest('first', () => { throw new Error('no'); });\ntest('second', () => {});\n",
  });
  const result = npmTest(dir, 'serial');
  assert.equal(result.status, 1);
  assert.deepEqual([result.passed, result.failed, result.skipped], [0, 2, 0]);
  assert.match(result.stdout, /did not run: second/);
});
