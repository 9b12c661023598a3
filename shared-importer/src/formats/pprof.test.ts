import assert from 'node:assert/strict';
import { test } from 'vitest';
import { gunzipSync } from 'node:zlib';
import protobuf from 'protobufjs';
import { foldedStacks, formatsClaiming, importInChunks, profileSnapshot, randomChunkSizes, sampleTrace } from '../../node/trace-fixtures.ts';
import { TraceImportError } from '../errors.ts';
import { looksLikePprof } from './pprof.ts';

// The reference decoder: protobufjs with pprof's published schema, independent of our wire reader.
const SCHEMA = `
syntax = "proto3";
package perftools.profiles;
message Profile {
  repeated ValueType sample_type = 1; repeated Sample sample = 2; repeated Mapping mapping = 3;
  repeated Location location = 4; repeated Function function = 5; repeated string string_table = 6;
  int64 drop_frames = 7; int64 keep_frames = 8; int64 time_nanos = 9; int64 duration_nanos = 10;
  ValueType period_type = 11; int64 period = 12; repeated int64 comment = 13; int64 default_sample_type = 14;
}
message ValueType { int64 type = 1; int64 unit = 2; }
message Sample { repeated uint64 location_id = 1; repeated int64 value = 2; repeated Label label = 3; }
message Label { int64 key = 1; int64 str = 2; int64 num = 3; int64 num_unit = 4; }
message Mapping { uint64 id = 1; uint64 memory_start = 2; uint64 memory_limit = 3; uint64 file_offset = 4; int64 filename = 5; int64 build_id = 6; bool has_functions = 7; bool has_filenames = 8; bool has_line_numbers = 9; bool has_inline_frames = 10; }
message Location { uint64 id = 1; uint64 mapping_id = 2; uint64 address = 3; repeated Line line = 4; bool is_folded = 5; }
message Line { uint64 function_id = 1; int64 line = 2; }
message Function { uint64 id = 1; int64 name = 2; int64 system_name = 3; int64 filename = 4; int64 start_line = 5; }
`;
const ProfileType = protobuf.parse(SCHEMA).root.lookupType('perftools.profiles.Profile');

interface Decoded {
  sampleType: { type: number; unit: number }[];
  sample: { locationId: number[]; value: number[] }[];
  location: { id: number; line: { functionId: number }[] }[];
  function: { id: number; name: number }[];
  stringTable: string[];
  defaultSampleType: number;
}

function decode(bytes: Uint8Array): Decoded {
  return ProfileType.toObject(ProfileType.decode(bytes), { longs: Number, defaults: true, arrays: true }) as unknown as Decoded;
}

test('pprof: simple.prof (gzipped Go CPU profile) matches the reference decoder stack for stack', async () => {
  const gz = sampleTrace('pprof/simple.prof');
  assert.deepEqual(formatsClaiming(gz), ['pprof']);
  let progressEvents = -1;
  const profile = await importInChunks('simple.prof', gz, [], { onProgress: (p) => (progressEvents = p.events) });
  assert.equal(progressEvents, profile.eventCount, 'progress counts every event');
  const ref = decode(gunzipSync(gz));
  const s = (i: number) => ref.stringTable[i];
  const valueIndex = ref.defaultSampleType ? ref.sampleType.findIndex((t) => s(t.type) === s(ref.defaultSampleType)) : ref.sampleType.length - 1;
  assert.equal(s(ref.sampleType[valueIndex].unit), 'nanoseconds');
  assert.equal(profile.format, 'pprof');
  assert.equal(profile.unit, 'microseconds');
  assert.equal(profile.threads.length, 1);
  assert.equal(profile.threads[0].name, `${s(ref.sampleType[valueIndex].type)} (nanoseconds)`);
  assert.equal(profile.eventCount, ref.sample.length);
  assert.deepEqual(profile.warnings, []);

  const fnName = new Map(ref.function.map((f) => [f.id, s(f.name)]));
  const locNames = new Map(ref.location.map((l) => [l.id, l.line.map((line) => fnName.get(line.functionId)!)]));
  const expected = new Map<string, number>();
  let total = 0;
  for (const sample of ref.sample) {
    const names = sample.locationId.flatMap((id) => locNames.get(id)!).reverse();
    const micros = sample.value[valueIndex] / 1000;
    if (micros === 0) continue;
    const key = names.join(';');
    expected.set(key, (expected.get(key) ?? 0) + micros);
    total += micros;
  }
  assert.deepEqual(foldedStacks(profile, profile.threads[0]), expected);
  assert.equal(profile.endTime - profile.startTime, total);
  assert.ok(profile.frames.names.includes('main.alpha'));
  assert.equal(profile.frames.files[profile.frames.names.indexOf('main.main')], '/Users/jlfwong/code/speedscope/sample/programs/go/simple.go');
});

test('pprof: raw (un-gzipped) protobuf imports the same as gzipped, in any chunking', async () => {
  const gz = sampleTrace('pprof/simple.prof');
  const raw = new Uint8Array(gunzipSync(gz));
  assert.deepEqual(formatsClaiming(raw), ['pprof']);
  const whole = profileSnapshot(await importInChunks('simple.prof', gz));
  assert.deepEqual(profileSnapshot(await importInChunks('simple.prof', raw)), whole);
  assert.deepEqual(profileSnapshot(await importInChunks('simple.prof', raw, [1])), whole);
  assert.deepEqual(profileSnapshot(await importInChunks('simple.prof', gz, [1])), whole);
  assert.deepEqual(profileSnapshot(await importInChunks('simple.prof', raw, randomChunkSizes(100, 50, 3))), whole);
});

function encode(message: Record<string, unknown>): Uint8Array {
  return ProfileType.encode(ProfileType.fromObject(message)).finish();
}

test('pprof: heap profiles use bytes, the default sample type wins, inlined frames and unsymbolized addresses show', async () => {
  const bytes = encode({
    stringTable: ['', 'alloc_objects', 'count', 'alloc_space', 'bytes', 'main', 'inlined', 'app.go', '/bin/app'],
    sampleType: [
      { type: 1, unit: 2 },
      { type: 3, unit: 4 },
    ],
    defaultSampleType: 3,
    mapping: [{ id: 1, filename: 8 }],
    function: [
      { id: 1, name: 5, filename: 7, startLine: 10 },
      { id: 2, name: 6, filename: 7 },
    ],
    location: [
      { id: 1, line: [{ functionId: 2 }, { functionId: 1 }] },
      { id: 2, mappingId: 1, address: 0x4a2f },
    ],
    sample: [
      { locationId: [1], value: [1, 512] },
      { locationId: [2, 1], value: [3, 1024] },
      { locationId: [1], value: [1, 0] },
    ],
  });
  assert.ok(looksLikePprof(bytes, true));
  const profile = await importInChunks('heap.pb', bytes);
  assert.equal(profile.unit, 'bytes');
  assert.equal(profile.threads[0].name, 'alloc_space (bytes)');
  assert.deepEqual(
    foldedStacks(profile, profile.threads[0]),
    new Map([
      ['main;inlined', 512],
      ['main;inlined;0x4a2f', 1024],
    ]),
  );
  assert.deepEqual(profile.frames.get(profile.frames.names.indexOf('main')), {
    name: 'main',
    file: 'app.go',
    line: 10,
    column: undefined,
    category: undefined,
  });
  assert.equal(profile.frames.files[profile.frames.names.indexOf('0x4a2f')], '/bin/app');
  assert.equal(profile.eventCount, 3);
});

test('pprof: negative values and unknown locations are reported, not fatal', async () => {
  const bytes = encode({
    stringTable: ['', 'samples', 'count'],
    sampleType: [{ type: 1, unit: 2 }],
    function: [{ id: 1, name: 1 }],
    location: [{ id: 1, line: [{ functionId: 1 }] }],
    sample: [
      { locationId: [1, 99], value: [2] },
      { locationId: [1], value: [-5] },
    ],
  });
  const profile = await importInChunks('diff.pb', bytes);
  assert.equal(profile.unit, 'samples');
  assert.equal(profile.endTime, 2);
  assert.match(profile.warnings.join('\n'), /1 sample frames refer to locations/);
  assert.match(profile.warnings.join('\n'), /1 samples have negative/);
});

test('pprof: truncated or corrupt protobuf fails cleanly; garbage and prose are not taken for pprof', async () => {
  const raw = new Uint8Array(gunzipSync(sampleTrace('pprof/simple.prof')));
  // Cut mid-file: detection may still accept a long enough head, the import must then say "truncated".
  for (const cut of [raw.length - 7, Math.floor(raw.length / 2)]) {
    await assert.rejects(
      importInChunks('cut.prof', raw.subarray(0, cut)),
      (e: unknown) => e instanceof TraceImportError && (e.code === 'truncated' || e.code === 'unknown-format'),
    );
  }
  assert.ok(looksLikePprof(raw.subarray(0, 600), false), 'a cut-off head of a real profile still looks like pprof');
  const noStrings = encode({ sampleType: [{ type: 1, unit: 2 }], sample: [{ locationId: [1], value: [1] }] });
  assert.equal(looksLikePprof(noStrings, true), false, 'a complete profile must have a string table');
  // Many random inputs, none may pass for pprof.
  let seed = 12345;
  for (let n = 0; n < 2000; n++) {
    const sizes = randomChunkSizes(1 + (n % 300), 255, seed++);
    const garbage = Uint8Array.from(sizes, (v, i) => (i === 0 && n % 2 === 0 ? 0x0a : v));
    assert.equal(looksLikePprof(garbage, n % 3 === 0), false, `random input ${n} passed as pprof`);
  }
  await assert.rejects(
    importInChunks('noise.bin', Uint8Array.from(randomChunkSizes(70_000, 255, 99))),
    (e: unknown) => e instanceof TraceImportError && e.code === 'unknown-format' && /pprof/.test(e.message),
  );
  const prose = new TextEncoder().encode('Hello, this is not a profile at all.\n');
  await assert.rejects(importInChunks('prose.txt', prose), (e: unknown) => e instanceof TraceImportError && e.code === 'unknown-format');
});
