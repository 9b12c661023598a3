import assert from 'node:assert/strict';
import { test } from 'vitest';
import protobuf from 'protobufjs';
import { TraceImportError } from '../errors.ts';
import { ProtobufReader, WIRE_LEN, WIRE_VARINT } from './protobuf-reader.ts';

// protobufjs's writer is the reference encoder.
const VALUES = [0, 1, 127, 128, 300, 2 ** 31, 2 ** 32 + 5, 2 ** 53 - 1, -1, -5, -(2 ** 31), -(2 ** 40) - 3, -(2 ** 53 - 1)];

test('protobuf reader: int64 varints round-trip, negatives included', () => {
  const w = protobuf.Writer.create();
  for (const v of VALUES) w.int64(v);
  const reader = new ProtobufReader(w.finish());
  for (const v of VALUES) assert.equal(reader.int64(), v);
  assert.ok(reader.done);
});

test('protobuf reader: uint64 varints, tags, strings, packed and unpacked repeated fields', () => {
  const w = protobuf.Writer.create();
  w.uint32((1 << 3) | WIRE_VARINT).uint64(2 ** 40 + 7);
  w.uint32((6 << 3) | WIRE_LEN).string('héllo');
  w.uint32((2 << 3) | WIRE_LEN)
    .fork()
    .int64(3)
    .int64(-2)
    .int64(2 ** 33)
    .ldelim();
  w.uint32((2 << 3) | WIRE_VARINT).int64(-9);
  w.uint32((7 << 3) | 1).fixed64(1);
  w.uint32((8 << 3) | 5).fixed32(1);
  w.uint32((9 << 3) | WIRE_VARINT).uint64(1);
  const reader = new ProtobufReader(w.finish());
  assert.deepEqual(reader.tag(), { field: 1, wireType: WIRE_VARINT });
  assert.equal(reader.varint(), 2 ** 40 + 7);
  assert.deepEqual(reader.tag(), { field: 6, wireType: WIRE_LEN });
  assert.equal(reader.string(), 'héllo');
  const values: number[] = [];
  reader.repeatedVarint(reader.tag().wireType, values, true);
  reader.repeatedVarint(reader.tag().wireType, values, true);
  assert.deepEqual(values, [3, -2, 2 ** 33, -9]);
  reader.skip(reader.tag().wireType);
  reader.skip(reader.tag().wireType);
  assert.deepEqual(reader.tag(), { field: 9, wireType: WIRE_VARINT });
  assert.equal(reader.varint(), 1);
  assert.ok(reader.done);
});

test('protobuf reader: data ending early is "truncated", a field overrunning its message is "invalid-data"', () => {
  const w = protobuf.Writer.create();
  w.uint32((2 << 3) | WIRE_LEN)
    .fork()
    .uint32((1 << 3) | WIRE_LEN)
    .uint32(50)
    .ldelim();
  const bytes = w.finish();
  const outer = new ProtobufReader(bytes);
  outer.tag();
  const inner = outer.message();
  inner.tag();
  assert.throws(
    () => inner.lengthDelimited(),
    (e: unknown) => e instanceof TraceImportError && e.code === 'truncated',
  );

  const nested = new Uint8Array([0x12, 0x03, 0x0a, 0x05, 0x00, 0x00]);
  const r = new ProtobufReader(nested);
  r.tag();
  const m = r.message();
  m.tag();
  assert.throws(
    () => m.lengthDelimited(),
    (e: unknown) => e instanceof TraceImportError && e.code === 'invalid-data',
  );

  assert.throws(
    () => new ProtobufReader(new Uint8Array(11).fill(0xff)).varint(),
    (e: unknown) => e instanceof TraceImportError && e.code === 'invalid-data',
  );
  assert.throws(
    () => new ProtobufReader(new Uint8Array([0x07])).tag(),
    (e: unknown) => e instanceof TraceImportError && e.code === 'invalid-data',
  );
  assert.throws(
    () => new ProtobufReader(new Uint8Array([0x0b, 0x00])).skip(3),
    (e: unknown) => e instanceof TraceImportError && e.code === 'invalid-data',
  );
});
