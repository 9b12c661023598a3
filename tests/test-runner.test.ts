// `npm test` itself: a filter that matches no test file fails the run and says
// so, instead of printing "0 passed, 0 failed" and exiting 0.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

const runner = new URL('../scripts/run-tests.mjs', import.meta.url).pathname;

test('a filter that matches no test file fails and names the filter', () => {
  const result = spawnSync(process.execPath, [runner, 'no-test-is-named-like-this'], { encoding: 'utf8' });
  assert.equal(result.status, 1);
  assert.match(result.stderr, /No test file matches "no-test-is-named-like-this"/);
  assert.match(result.stdout, /0 passed, 0 failed, 0 skipped/);
});
