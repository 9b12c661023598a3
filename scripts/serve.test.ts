// `npm run serve` as a user runs it: the first line is the URL with its token,
// the page loads with that token, and the host stops cleanly on SIGTERM.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'vitest';
import { fileURLToPath } from 'node:url';
import { SAMPLE_TRACES } from '../shared-importer/node/trace-fixtures.ts';

const root = fileURLToPath(new URL('../', import.meta.url));

test('serve prints the tokened URL first, serves the page with that token only, and stops on SIGTERM', async (t) => {
  const trace = join(SAMPLE_TRACES, 'speedscope/0.6.0/two-sampled.speedscope.json');
  // node --import tsx rather than the tsx CLI, so the signal reaches the script itself.
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/serve.ts', trace], {
    cwd: root,
    // Recent files go to a scratch home, not the user's.
    env: { ...process.env, HOME: mkdtempSync(join(tmpdir(), 'ta-serve-home-')) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  t.onTestFinished(() => void child.kill('SIGKILL'));
  const lines = createInterface({ input: child.stdout });
  const [first] = (await once(lines, 'line')) as [string];
  const match = first.match(/^Trace Analyser: (http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)$/);
  assert.ok(match, `first line: ${first}`);
  const url = new URL(match[1]);

  assert.equal((await fetch(new URL('/', url))).status, 403, 'no token, no page');
  const page = await fetch(url);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<div id="root">/);

  child.kill('SIGTERM');
  const [code] = (await once(child, 'exit')) as [number | null];
  assert.equal(code, 0);
});
