// Every file under shared/traces (recorded by real tools, written by nobody
// here) goes through the real import and summary path, as the CLI and the
// app's import worker run it. Files added there later are picked up as they
// are. A file either imports and summarises, or is refused with a
// TraceImportError that says what the file is not and lists what we accept;
// an internal error, an uncaught exception or a hang fails.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { afterAll, describe, it, test } from 'vitest';
import { TraceImportError } from '../src/errors.ts';
import { ACCEPTED_FORMATS } from '../src/formats/catalog.ts';
import { renderSummaryText } from '../src/summary/render-summary-text.ts';
import { summarizeProfile } from '../src/summary/summarize-profile.ts';
import { importTraceFile } from './node-host.ts';
import { REAL_TRACES } from './trace-fixtures.ts';

/** Far above the slowest file here (a few seconds at most); only a hang reaches it. */
const PER_FILE_TIMEOUT_MS = 120_000;

/** Files that describe a folder rather than hold a trace. */
const FOLDER_FILES = /^(LICENSE.*|README.*|\.gitignore|\.DS_Store)$/;

/**
 * What a refusal must say. Lighthouse's and trace-viewer's folders hold
 * traces we read (but for the three trace-viewer files that are no traces of
 * ours), so a refusal there fails. speedscope's samples include formats we do
 * not read (Instruments, callgrind, stackprof, source maps...): a refusal there
 * must say which, so a trace we read that stopped being recognised (and came
 * out as plain text, binary data or "JSON that is not a trace") still fails.
 */
function refusalProblem(path: string, message: string): string | undefined {
  const [folder] = path.split('/');
  if (folder === 'lighthouse') return 'a Chrome recording was refused';
  if (folder === 'catapult' && !/^catapult\/(v8\.log|google_cloud_trace\.json|dashboard_test_points\.json)$/.test(path)) {
    return 'a trace-viewer trace was refused';
  }
  if (folder === 'speedscope' && /it looks like (plain text|binary data|JSON that is not a trace)/.test(message)) {
    return 'the refusal does not say what the file is';
  }
  return undefined;
}

function walk(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, out);
    else if (!FOLDER_FILES.test(entry.name)) out.push(path);
  }
  return out;
}

const files = walk(REAL_TRACES);
const tally = new Map<string, { imported: number; refused: number }>();

describe('every real trace in shared/traces', () => {
  it('finds the folders of real traces', () => {
    assert.ok(files.length > 150, `only ${files.length} files under ${REAL_TRACES}`);
  });

  for (const file of files) {
    const path = relative(REAL_TRACES, file);
    it(path, { timeout: PER_FILE_TIMEOUT_MS }, async () => {
      const counts = tally.get(path.split(sep)[0]) ?? { imported: 0, refused: 0 };
      tally.set(path.split(sep)[0], counts);
      let profile;
      try {
        profile = await importTraceFile(file);
      } catch (error) {
        if (!(error instanceof TraceImportError)) throw error;
        const problem = refusalProblem(path.split(sep).join('/'), error.message);
        assert.equal(problem, undefined, `${problem}: ${error.message}`);
        assert.equal(error.code, 'unknown-format', error.message);
        assert.match(error.message, /^Could not recognise ".*" as a trace: it looks like /);
        assert.ok(error.message.endsWith(` Accepted formats: ${ACCEPTED_FORMATS.join('; ')}.`), `the refusal lists what we accept: ${error.message}`);
        counts.refused++;
        return;
      }
      const summary = summarizeProfile(profile);
      const { text } = await renderSummaryText(summary);
      assert.ok(text.includes(`File "${basename(file)}"`));
      assert.deepEqual(JSON.parse(JSON.stringify(summary)), summary, 'the summary is plain JSON');
      // A trace with nothing to draw says why (what it skipped), in the summary the app and the AI read.
      if (summary.threads.length === 0) assert.ok(summary.warnings.length > 0, 'nothing drawn, and no warning says why');
      counts.imported++;
    });
  }

  afterAll(() => {
    for (const [folder, { imported, refused }] of tally) console.log(`# ${folder}: ${imported} imported, ${refused} refused`);
  });
});

test('catapult nanoseconds.json: "displayTimeUnit": "ns" only sets the display unit, ts stays in microseconds', async () => {
  // The file: us1 B at ts 0, E at 1.1; ns1 B at 3.000, E at 3.011 (the Trace Event Format spec: ts is always µs).
  const profile = await importTraceFile(join(REAL_TRACES, 'catapult/nanoseconds.json'));
  const [thread] = profile.threads;
  const duration = (name: string) => {
    const i = Array.from(thread.frame).findIndex((f) => profile.frames.names[f] === name);
    return thread.end[i] - thread.start[i];
  };
  assert.ok(Math.abs(duration('us1') - 1.1) < 1e-9, `us1: ${duration('us1')}`);
  assert.ok(Math.abs(duration('ns1') - 0.011) < 1e-9, `ns1: ${duration('ns1')}`);
  assert.deepEqual([profile.startTime, profile.endTime], [0, 3.021]);
  // The summary keeps such short times readable instead of rounding them to "0 ms".
  const { text } = await renderSummaryText(summarizeProfile(profile));
  assert.match(text, /"us1" self 1\.1 µs/);
  assert.match(text, /"ns1" self 0\.01 µs/);
});
