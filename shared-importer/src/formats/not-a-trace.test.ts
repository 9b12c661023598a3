// What the refusal says a file is: the real non-trace files of the shared
// sets, each looked at by hand (the head of each is quoted in the comment),
// and small inputs for the generic descriptions.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { SAMPLE_TRACES, importInChunks, sniffHead } from '../../node/trace-fixtures.ts';
import { TraceImportError } from '../errors.ts';
import { describeContent, zipWithoutTrace } from './not-a-trace.ts';
import { ACCEPTED_FORMATS } from './catalog.ts';

const SHARED = join(SAMPLE_TRACES, '..');
const encoder = new TextEncoder();

function describeFile(path: string): string {
  return describeContent(sniffHead(new Uint8Array(readFileSync(join(SHARED, path)))));
}

function describeText(text: string): string {
  return describeContent(sniffHead(encoder.encode(text)));
}

describe('what a file that is not a trace looks like', () => {
  const cases: [string, RegExp][] = [
    // "shared-library,"/Applications/Google Chrome Canary.app/...",0x000b9f20,0x000b9f80"
    ['catapult/v8.log', /^a V8 --prof log \(v8\.log\)/],
    // "v8-version,6,0,287,53,0"
    ['speedscope/node/8.5.0/isolate-0x102802600-v8.log', /^a V8 --prof log/],
    // {"projectId": ..., "traceId": ..., "spans": [...]}
    ['catapult/google_cloud_trace.json', /^a Google Cloud Trace/],
    // [[26610600797803700, 0.14459838709677419], ...]
    ['catapult/dashboard_test_points.json', /^JSON that is not a trace \(an array of arrays of numbers\)$/],
    // {"head":{"callFrame":{"functionName":"(root)", ...
    ['speedscope/Chrome/69/Heap-20181005T144546.heapprofile', /^a V8 heap \(allocation sampling\) profile/],
    // "# callgrind format"
    ['speedscope/callgrind/callgrind.example.log', /^a Callgrind profile/],
    // "events: Instructions" ... "fn=main" without the format line
    ['speedscope/callgrind/callgrind.name-compression.log', /^a Callgrind profile/],
    // {"program": "binary-trees", ..., "cost_centres": [...]}
    ['speedscope/haskell/simple.prof', /^a GHC \(Haskell\) JSON profile/],
    // "FLR\0"
    ['speedscope/java-flight-recorder/heavy.jfr', /^a Java Flight Recorder recording/],
    // "Script_abc_example_quest log opened (PC)"
    ['speedscope/papyrus/script.log', /^a Papyrus/],
    // "@ inst_retired.any [35705 samples]"
    ['speedscope/pmcstat/simple.txt', /^a pmcstat callgraph/],
    // "Weight\tSelf Weight\t\tSymbol Name"
    ['speedscope/Instruments/13.4/cycles-example-deep-copy.txt', /^an Instruments call tree copied as text/],
    // "Bytes Used\tCount\t\tSymbol Name"
    ['speedscope/Instruments/7.3.1/random-allocations-deep-copy.txt', /^an Instruments call tree copied as text/],
    // "<?xml version="1.0" encoding="UTF-8"?>\n<ufwb version="1.17">"
    ['speedscope/Instruments/8.3.3/object-allocations.grammar', /^an XML document$/],
    // {"version":1,"recording":{"displayName":...
    ['speedscope/Safari/13.1/simple.html-recording.json', /^a Safari Web Inspector timeline recording/],
    // {"version":3,"sources":[...],...,"mappings":...}
    ['speedscope/source-maps/webpack/typescript-source-map-test.js.map', /^a JavaScript source map/],
    // {"version":1.2,"mode":"wall","interval":1000,...,"frames":{...
    ['speedscope/stackprof/simple-stackprof.json', /^a Ruby stackprof profile/],
  ];
  for (const [path, expected] of cases) {
    it(path, () => assert.match(describeFile(path), expected));
  }

  it('JSON that is not a trace: its top-level keys as far as the head shows them, or what its array holds', () => {
    assert.equal(
      describeText('{"name": "x", "nested": {"a": 1, "b": [1, {"c": 2}]}, "list": [], "esc\\"aped": 0}'),
      'JSON that is not a trace (an object with keys "name", "nested", "list", "esc\\"aped")',
    );
    assert.equal(describeText('{}'), 'JSON that is not a trace (an empty object)');
    assert.equal(describeText('  ["a", "b"]'), 'JSON that is not a trace (an array of strings)');
    assert.equal(describeText('[{"x": 1, "y": 2}]'), 'JSON that is not a trace (an array of objects with keys "x", "y")');
    assert.equal(describeText('[]'), 'JSON that is not a trace (an empty array)');
  });

  it('binary data, with its first bytes; plain text, with its first line', () => {
    assert.equal(describeContent(sniffHead(new Uint8Array([0xde, 0xad, 0, 1, 2, 3, 4, 5, 6, 7]))), 'binary data (first bytes de ad 00 01 02 03 04 05)');
    assert.equal(describeText('\nHello, world\nmore'), 'plain text that matches none of the text formats we read (it starts "Hello, world")');
  });

  it('a zip archive: its file count and the first few files, each with what it looks like', () => {
    assert.equal(zipWithoutTrace([], 0), 'a zip archive with no files in it');
    assert.equal(
      zipWithoutTrace([{ name: 'a.txt', what: 'plain text' }, { name: 'b' }, { name: 'c.bin', what: 'binary data' }, { name: 'd' }], 5),
      'a zip archive holding no trace we read (5 files: "a.txt", plain text; "b"; "c.bin", binary data; and 2 more)',
    );
    assert.match(
      zipWithoutTrace([{ name: 'x.trace/UI_state_metadata.bin' }], 1),
      /^an Instruments \.trace document, zipped, which we do not read \(one file: /,
    );
  });
});

describe('the refusal', () => {
  it('names the file, says what it looks like, and lists every format we accept', async () => {
    await assert.rejects(importInChunks('notes.json', encoder.encode('{"todo": ["write"]}')), (e: unknown) => {
      assert.ok(e instanceof TraceImportError);
      assert.equal(e.code, 'unknown-format');
      assert.equal(
        e.message,
        `Could not recognise "notes.json" as a trace: it looks like JSON that is not a trace (an object with keys "todo"). Accepted formats: ${ACCEPTED_FORMATS.join('; ')}.`,
      );
      return true;
    });
  });
});
