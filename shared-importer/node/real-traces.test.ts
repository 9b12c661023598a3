// Every file under shared/traces (recorded by real tools, written by nobody
// here) goes through the real import and summary path, as the CLI and the
// app's import worker run it. Files added there later are picked up as they
// are. A file either imports and summarises, or is refused with a
// TraceImportError that says what the file is not and lists what we accept;
// an internal error, an uncaught exception or a hang fails.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { after, describe, it } from 'node:test';
import { TraceImportError } from '../src/errors.ts';
import { ACCEPTED_FORMATS } from '../src/model/profile.ts';
import { renderSummaryText } from '../src/summary/render-summary-text.ts';
import { summarizeProfile } from '../src/summary/summarize-profile.ts';
import { importTraceFile } from './node-host.ts';
import { REAL_TRACES } from './trace-fixtures.ts';

/** Far above the slowest file here (a few seconds at most); only a hang reaches it. */
const PER_FILE_TIMEOUT_MS = 120_000;

/** Files that describe a folder rather than hold a trace. */
const FOLDER_FILES = /^(LICENSE.*|README.*|\.gitignore|\.DS_Store)$/;

/**
 * Where a refusal is a failure: folders whose every file is a trace of a
 * format we read. Elsewhere (speedscope's samples include formats we do not
 * read: Instruments, callgrind, stackprof...) a clean refusal is accepted.
 */
function mustImport(path: string): boolean {
  const [folder] = path.split(sep);
  if (folder === 'lighthouse') return true;
  // trace-viewer's test data: these three are not traces we read (a V8 --prof log, Google Cloud Trace JSON, dashboard points).
  if (folder === 'catapult') return !/^catapult\/(v8\.log|google_cloud_trace\.json|dashboard_test_points\.json)$/.test(path.split(sep).join('/'));
  return false;
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
        assert.ok(!mustImport(path), `refused: ${error.message}`);
        assert.notEqual(error.code, 'aborted');
        for (const format of ACCEPTED_FORMATS) assert.ok(error.message.includes(format), `the refusal lists what we accept: ${error.message}`);
        counts.refused++;
        return;
      }
      const summary = summarizeProfile(profile);
      const { text, tokens } = await renderSummaryText(summary);
      assert.ok(tokens > 0 && text.length > 0);
      assert.deepEqual(JSON.parse(JSON.stringify(summary)), summary, 'the summary is plain JSON');
      // A trace with nothing to draw says why (what it skipped), in the summary the app and the AI read.
      if (summary.threads.length === 0) assert.ok(summary.warnings.length > 0, 'nothing drawn, and no warning says why');
      counts.imported++;
    });
  }

  after(() => {
    for (const [folder, { imported, refused }] of tally) console.log(`# ${folder}: ${imported} imported, ${refused} refused`);
  });
});
