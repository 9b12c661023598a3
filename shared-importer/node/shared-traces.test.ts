// Every file in the shared trace sets (speedscope's, trace-viewer's,
// Lighthouse's) either imports and summarises, or, when it is not a trace we
// read, is refused with a message that says what it looks like and what we
// accept. Never anything else: no internal error, no "could not import".
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { TraceImportError } from '../src/errors.ts';
import { ACCEPTED_FORMATS } from '../src/formats/catalog.ts';
import { renderSummaryText } from '../src/summary/render-summary-text.ts';
import { summarizeProfile } from '../src/summary/summarize-profile.ts';
import { importTraceFile } from './node-host.ts';
import { SAMPLE_TRACES } from './trace-fixtures.ts';

const SHARED = join(SAMPLE_TRACES, '..');

/** The files that are not traces we read, each checked by hand (see not-a-trace.test.ts for what each is). */
const NOT_TRACES = new Set([
  'catapult/dashboard_test_points.json',
  'catapult/google_cloud_trace.json',
  'catapult/v8.log',
  'speedscope/Chrome/69/Heap-20181005T144546.heapprofile',
  'speedscope/Instruments/10.0/simple-time-profile.trace.zip',
  'speedscope/Instruments/13.4/cycles-example-deep-copy.txt',
  'speedscope/Instruments/16.0/simple-time-profile-deep-copy.txt',
  'speedscope/Instruments/7.3.1/random-allocations-deep-copy.txt',
  'speedscope/Instruments/7.3.1/random-allocations.trace.zip',
  'speedscope/Instruments/7.3.1/simple-time-profile-deep-copy.txt',
  'speedscope/Instruments/7.3.1/simple-time-profile.trace.zip',
  'speedscope/Instruments/8.3.3/integer-uniquer-data.grammar',
  'speedscope/Instruments/8.3.3/integer-uniquer-index.grammar',
  'speedscope/Instruments/8.3.3/object-allocations.grammar',
  'speedscope/Instruments/8.3.3/simple-allocations.trace.zip',
  'speedscope/Instruments/8.3.3/simple-time-profile.trace.zip',
  'speedscope/Instruments/8.3.3/time-sample-bulkstore.grammar',
  'speedscope/Instruments/9.3.1/random-allocations.trace.zip',
  'speedscope/Instruments/9.3.1/simple-time-profile.trace.zip',
  'speedscope/Safari/13.1/simple.html-recording.json',
  'speedscope/callgrind/callgrind.cfn-reset.log',
  'speedscope/callgrind/callgrind.example.log',
  'speedscope/callgrind/callgrind.multiple-event-types.log',
  'speedscope/callgrind/callgrind.name-compression.log',
  'speedscope/callgrind/callgrind.subposition-compression.log',
  'speedscope/haskell/simple.prof',
  'speedscope/java-flight-recorder/heavy.jfr',
  'speedscope/node/10.11.0/Heap-20181003T105432.heapprofile',
  'speedscope/node/8.5.0/isolate-0x102802600-v8.log',
  'speedscope/node/8.5.0/simple.v8log.json.zip',
  'speedscope/papyrus/script.log',
  'speedscope/papyrus/stack.log',
  'speedscope/pmcstat/simple-with-invalids.txt',
  'speedscope/pmcstat/simple.txt',
  'speedscope/source-maps/esbuild/typescript-source-map-test.js.map',
  'speedscope/source-maps/parcel/typescript-source-map-test.js.map',
  'speedscope/source-maps/safari-13-webpack.json',
  'speedscope/source-maps/webpack/typescript-source-map-test.js.map',
  'speedscope/stackprof/object-stackprof.json',
  'speedscope/stackprof/ruby-stackprof.json',
  'speedscope/stackprof/simple-cpu-stackprof.json',
  'speedscope/stackprof/simple-stackprof.json',
  'speedscope/stackprof/stackprof-last-frame-no-name.json',
]);

/** Licences, READMEs and the sets' own housekeeping files. */
function isTraceCandidate(name: string): boolean {
  return !/^(LICENSE|README)|^\.(DS_Store|gitignore)$/.test(name);
}

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return files(path);
    return isTraceCandidate(entry.name) ? [path] : [];
  });
}

test('every shared trace file imports and summarises, or is refused as what it is', { timeout: 600_000 }, async () => {
  const all = files(SHARED).map((path) => relative(SHARED, path).split('\\').join('/')).sort();
  assert.ok(all.length > 150, `${all.length} files`);
  const refused: string[] = [];
  for (const file of all) {
    let profile;
    try {
      profile = await importTraceFile(join(SHARED, file));
    } catch (error) {
      assert.ok(error instanceof TraceImportError, `${file}: ${String(error)}`);
      assert.equal(error.code, 'unknown-format', `${file}: ${error.message}`);
      assert.ok(error.message.startsWith(`Could not recognise "${file.split('/').pop()}" as a trace: it looks like `), `${file}: ${error.message}`);
      assert.ok(error.message.endsWith(` Accepted formats: ${ACCEPTED_FORMATS.join('; ')}.`), `${file}: ${error.message}`);
      refused.push(file);
      continue;
    }
    const summary = summarizeProfile(profile);
    const { text } = await renderSummaryText(summary);
    assert.ok(text.includes(`File "${file.split('/').pop()}"`), file);
  }
  assert.deepEqual(refused, [...NOT_TRACES].sort());
});

test('catapult nanoseconds.json: "displayTimeUnit": "ns" only sets the display unit, ts stays in microseconds', async () => {
  // The file: us1 B at ts 0, E at 1.1; ns1 B at 3.000, E at 3.011 (the Trace Event Format spec: ts is always µs).
  const profile = await importTraceFile(join(SHARED, 'catapult/nanoseconds.json'));
  const [thread] = profile.threads;
  const duration = (name: string) => {
    const i = Array.from(thread.frame).findIndex((f) => profile.frames.names[f] === name);
    return thread.end[i] - thread.start[i];
  };
  assert.ok(Math.abs(duration('us1') - 1.1) < 1e-9, `us1: ${duration('us1')}`);
  assert.ok(Math.abs(duration('ns1') - 0.011) < 1e-9, `ns1: ${duration('ns1')}`);
  assert.deepEqual([profile.startTime, profile.endTime], [0, 3.021]);
});
