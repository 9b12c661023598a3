import assert from 'node:assert/strict';
import { test } from 'vitest';
import {
  BINARY_HEADER_BYTES,
  BinaryKind,
  binaryHeader,
  clientMessageSchema,
  decodeWithAttachments,
  encodeWithAttachments,
  readBinaryFrame,
} from './ws-protocol.ts';

test('byte arrays in a message travel as attachments and come back in place', () => {
  let id = 0;
  const profile = new Uint8Array([1, 2, 3, 4, 5]);
  const { json, attachments } = encodeWithAttachments(
    { type: 'event', channel: 'trace:loaded', payload: { fileName: 'a.json', profile, nested: [{ bytes: new Uint8Array([9]) }] } },
    () => ++id,
  );
  assert.equal(attachments.length, 2);
  assert.doesNotMatch(json, /"0":1/, 'no byte-by-byte JSON');

  // The page receives each attachment as a binary message (header, then payload), then the JSON.
  const received = new Map<number, Uint8Array>();
  for (const a of attachments) {
    const frame = readBinaryFrame(Buffer.concat([binaryHeader(BinaryKind.Attachment, a.id), a.bytes]))!;
    assert.equal(frame.kind, BinaryKind.Attachment);
    assert.equal(frame.payload.byteOffset % 8, 0, 'payload is 8-byte aligned for decodeProfile');
    received.set(frame.id, frame.payload);
  }
  const message = decodeWithAttachments(json, received) as { payload: { profile: Uint8Array; nested: { bytes: Uint8Array }[] } };
  assert.deepEqual([...message.payload.profile], [1, 2, 3, 4, 5]);
  assert.deepEqual([...message.payload.nested[0].bytes], [9]);
  assert.equal(received.size, 0, 'attachments are released once used');
  assert.throws(() => decodeWithAttachments(json, new Map()), /did not arrive/);
});

test('binary frames carry kind and id in an 8-byte header; short frames are rejected', () => {
  const header = binaryHeader(BinaryKind.Attachment, 0xfffffffe);
  assert.equal(header.length, BINARY_HEADER_BYTES);
  const frame = new Uint8Array([...header, 7, 8]);
  assert.deepEqual(readBinaryFrame(frame), { kind: BinaryKind.Attachment, id: 0xfffffffe, payload: new Uint8Array([7, 8]) });
  assert.equal(readBinaryFrame(new Uint8Array(5)), null);
});

test('page messages are validated', () => {
  assert.ok(clientMessageSchema.safeParse({ type: 'request', id: 1, channel: 'app:info' }).success);
  assert.ok(!clientMessageSchema.safeParse({ type: 'request', id: -1, channel: 'app:info' }).success);
  assert.ok(!clientMessageSchema.safeParse({ type: 'request', id: 1, channel: 'app:info', extra: 1 }).success);
  assert.ok(clientMessageSchema.safeParse({ type: 'upload-start', id: 1, fileName: 'a.json', totalBytes: 3 }).success);
  assert.ok(!clientMessageSchema.safeParse({ type: 'upload-start', id: 1, fileName: '', totalBytes: 3 }).success);
  assert.ok(!clientMessageSchema.safeParse({ type: 'upload-start', id: 1, fileName: 'a.json', totalBytes: -1 }).success);
  assert.ok(!clientMessageSchema.safeParse({ type: 'eval', code: '1' }).success);
});
