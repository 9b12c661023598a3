import assert from 'node:assert/strict';
import { test } from 'vitest';
import { traceFileFromArgv } from './command-line.ts';

test('the packaged app takes the file after the executable, resolved against the working directory', () => {
  assert.equal(traceFileFromArgv(['/opt/Trace Analyser/trace-analyser', 'profile.json'], '/home/me/work', 1), '/home/me/work/profile.json');
  assert.equal(traceFileFromArgv(['/opt/ta', '/abs/trace.cpuprofile'], '/home/me', 1), '/abs/trace.cpuprofile');
});

test('in development the app folder argument is skipped; Chromium and macOS switches are ignored', () => {
  assert.equal(traceFileFromArgv(['/node_modules/electron/dist/electron', '.', '--no-sandbox', 'x.json'], '/repo', 2), '/repo/x.json');
  assert.equal(traceFileFromArgv(['/Applications/TA.app/Contents/MacOS/TA', '-psn_0_12345'], '/', 1), null);
  assert.equal(traceFileFromArgv(['/opt/ta', '--allow-file-access-from-files'], '/', 1), null);
});

test('a second instance passes its argv: the last file argument wins', () => {
  assert.equal(traceFileFromArgv(['/opt/ta', 'a.json', '--flag', 'b.json'], '/cwd', 1), '/cwd/b.json');
  assert.equal(traceFileFromArgv(['/opt/ta'], '/cwd', 1), null);
});
