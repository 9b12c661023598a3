// The README's "Try the cloud loop locally", run as a newcomer runs it: `npm run standin --
// --scripted-model` in one process, then the `npm run cloud-chat` line it prints, with a real trace
// (each through the command its npm script names).
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { afterAll, test } from 'vitest';
import { SAMPLE_TRACE_FILE } from './cloud-harness.ts';

const root = new URL('../../', import.meta.url).pathname;
let standin: ChildProcess | undefined;

/**
 * The command line an npm script runs (package.json), to start it without npm in between: npm
 * does not always pass a signal on to the script, and the stand-in must stop when the test ends.
 */
function npmScript(name: string, args: string[]): [string, string[]] {
  const [command, ...scriptArgs] = (JSON.parse(readFileSync(`${root}package.json`, 'utf8')).scripts[name] as string).split(' ');
  return [command, [...scriptArgs, ...args]];
}

afterAll(async () => {
  if (!standin || standin.exitCode !== null) return;
  standin.kill('SIGINT'); // stops the stand-in, its functions and the scripted model
  await once(standin, 'exit');
});

/** Starts the stand-in as the README says (on a free port here) and returns what it printed up to the example line. */
async function startStandin(): Promise<string[]> {
  standin = spawn(...npmScript('standin', ['--scripted-model', '--port', '0']), { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: string[] = [];
  for await (const line of createInterface({ input: standin.stdout! })) {
    lines.push(line);
    if (line.includes('npm run cloud-chat')) return lines;
  }
  throw new Error(`the stand-in stopped before printing its example:\n${lines.join('\n')}`);
}

test('the stand-in prints what a client needs, and its example line streams an answer from the scripted model', { timeout: 120_000 }, async () => {
  const printed = await startStandin();
  const url = /^Supabase stand-in: (http:\/\/127\.0\.0\.1:\d+)$/m.exec(printed.join('\n'))?.[1];
  assert.ok(url, printed.join('\n'));
  assert.ok(printed.some((line) => line.includes(`chat socket:      ${url.replace('http', 'ws')}/functions/v1/trace-analysis-socket`)));
  const example = printed.find((line) => line.includes('npm run cloud-chat'))!.trim();

  // The printed line, with a trace file and a question in place of the placeholders.
  const args = example
    .replace(/^npm run cloud-chat -- /, '')
    .replace(' <trace-file> "Where does the time go?"', '')
    .split(' ');
  const chat = spawnSync(...npmScript('cloud-chat', [...args, SAMPLE_TRACE_FILE, 'Where does the time go?']), {
    cwd: root,
    encoding: 'utf8',
    timeout: 90_000,
  });
  assert.equal(chat.status, 0, chat.stderr);
  assert.match(chat.stdout, /^\(Scripted model: no AI was called\.\) You asked: "Where does the time go\?"/);
  // The summary made on this machine is what reached the model.
  assert.match(chat.stdout, /the trace data begins: file: "perf-vertx-stacks-01-collapsed-all\.txt" \/ # Trace summary/);
  assert.match(chat.stderr, /Signed up you@example\.com/);
});
