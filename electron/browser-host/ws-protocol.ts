// Wire format between the browser host (Node) and preload/browser-bridge.ts
// (the page), over one WebSocket. It carries the same contract as Electron
// IPC (electron/ipc-contract.ts); only the framing is defined here.
//
// Text frames are JSON messages. Byte arrays inside them (the encoded profile
// of a loaded trace) travel as binary messages sent just before the JSON,
// which names them by id: `{ "$binary": 7 }`. Dropped files do not travel
// here: the page streams them by HTTP POST to UPLOAD_PATH (upload-endpoint.ts)
// after an `upload-start` request. Every binary message starts with an 8-byte
// header, so the payload sits 8-byte aligned in the received buffer and
// decodeProfile can view it without copying:
//   uint32 kind | uint32 id | payload
// The host sends header and payload as two fragments of one message, so a
// payload of hundreds of megabytes is never copied to prepend 8 bytes.
import { z } from 'zod';
import type { EventChannel, ImportStarted, MainEvents, RequestChannel } from '../ipc-contract.ts';

export const BINARY_HEADER_BYTES = 8;

export const BinaryKind = {
  /** Server → page: a byte array referenced by the next JSON message. */
  Attachment: 1,
} as const;
export type BinaryKind = (typeof BinaryKind)[keyof typeof BinaryKind];

/** Page → server JSON messages. */
export const clientMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('request'),
    id: z.number().int().nonnegative(),
    channel: z.string().max(64),
    payload: z.unknown().optional(),
  }),
  z.strictObject({
    type: z.literal('upload-start'),
    id: z.number().int().nonnegative(),
    fileName: z.string().min(1).max(1024),
    totalBytes: z.number().int().nonnegative(),
  }),
]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;

/** Server → page JSON messages. */
export type ServerMessage =
  | { type: 'response'; id: number; ok: true; result: unknown }
  | { type: 'response'; id: number; ok: false; error: string }
  | { type: 'event'; channel: EventChannel; payload: unknown };

/** The answer to `upload-start`: the import has begun; POST the file's bytes to UPLOAD_PATH?id=uploadId. */
export interface UploadStartResult {
  uploadId: string;
  started: ImportStarted;
}

export type RequestMessage<C extends RequestChannel = RequestChannel> = { type: 'request'; id: number; channel: C; payload: unknown };
export type EventMessage<C extends EventChannel = EventChannel> = { type: 'event'; channel: C; payload: MainEvents[C] };

/** The header that starts a binary message; its payload follows in the same message. */
export function binaryHeader(kind: BinaryKind, id: number): Uint8Array {
  const header = new Uint8Array(BINARY_HEADER_BYTES);
  const view = new DataView(header.buffer);
  view.setUint32(0, kind, true);
  view.setUint32(4, id, true);
  return header;
}

export function readBinaryFrame(frame: Uint8Array): { kind: number; id: number; payload: Uint8Array } | null {
  if (frame.length < BINARY_HEADER_BYTES) return null;
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  return {
    kind: view.getUint32(0, true),
    id: view.getUint32(4, true),
    payload: frame.subarray(BINARY_HEADER_BYTES),
  };
}

/**
 * JSON text for a message, with every Uint8Array in it moved out into
 * attachments (sent first, as binary frames). `nextId` numbers them.
 */
export function encodeWithAttachments(message: ServerMessage, nextId: () => number): { json: string; attachments: { id: number; bytes: Uint8Array }[] } {
  const attachments: { id: number; bytes: Uint8Array }[] = [];
  const json = JSON.stringify(message, (_key, value: unknown) => {
    if (value instanceof Uint8Array) {
      const id = nextId();
      attachments.push({ id, bytes: value });
      return { $binary: id };
    }
    return value;
  });
  return { json, attachments };
}

/** Parses a server message, putting received attachments back in place of their `{ $binary: id }` markers. */
export function decodeWithAttachments(json: string, attachments: Map<number, Uint8Array>): ServerMessage {
  return JSON.parse(json, (_key, value: unknown) => {
    if (value && typeof value === 'object' && '$binary' in value && Object.keys(value).length === 1) {
      const id = (value as { $binary: number }).$binary;
      const bytes = attachments.get(id);
      if (!bytes) throw new Error(`Message refers to attachment ${id}, which did not arrive.`);
      attachments.delete(id);
      return bytes;
    }
    return value;
  }) as ServerMessage;
}

/** Query parameter (page URL and WebSocket URL) and cookie holding the host's secret token. */
export const TOKEN_PARAM = 'token';
export const TOKEN_COOKIE = 'trace_analyser_token';
export const WS_PATH = '/__trace-analyser/ws';
export const UPLOAD_PATH = '/__trace-analyser/upload';
