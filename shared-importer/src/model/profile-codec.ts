// One binary form of a Profile, for crossing process boundaries (Electron IPC
// with a transferred ArrayBuffer, the browser host's WebSocket binary frame).
// Structured clone of a Profile would copy every typed array and lose the
// FrameTable class; JSON would turn millions of numbers into text. Here the
// typed arrays travel as raw bytes and decode as views over the received
// buffer, without copying.
//
// Layout (little-endian):
//   0   4 bytes  magic "TAP1"
//   4   uint32   header length H (bytes of UTF-8 JSON)
//   8   H bytes  header JSON (frames' strings, thread metadata, markers, array offsets)
//   ... zero padding to a multiple of 8
//   data section: every thread's frame, start, end, depth arrays, each on an
//   8-byte boundary (header offsets are relative to the data section).
import { FrameTable } from './frame-table.ts';
import type { PageInsights } from '../page/page-types.ts';
import type { Profile, TraceFormat, WeightUnit } from './profile.ts';
import type { Marker, ThreadTimeline } from './thread-timeline.ts';

const MAGIC = 0x31504154; // "TAP1" read as little-endian uint32
const FIXED_HEADER_BYTES = 8;

interface EncodedThread {
  id: string;
  name: string;
  pid?: number;
  tid?: number;
  count: number;
  startTime: number;
  endTime: number;
  sampleCount: number;
  markers: Marker[];
  /** Byte offsets of the frame, start, end and depth arrays within the data section. */
  offsets: [number, number, number, number];
}

interface EncodedHeader {
  format: TraceFormat;
  name: string;
  unit: WeightUnit;
  startTime: number;
  endTime: number;
  eventCount: number;
  warnings: string[];
  page?: PageInsights;
  frames: {
    names: string[];
    // JSON has no undefined: absent values travel as null.
    files: (string | null)[];
    lines: (number | null)[];
    columns: (number | null)[];
    categories: (string | null)[];
  };
  threads: EncodedThread[];
}

const align8 = (n: number) => (n + 7) & ~7;
const orNull = <T>(values: readonly (T | undefined)[]): (T | null)[] => values.map((v) => (v === undefined ? null : v));

export function encodeProfile(profile: Profile): Uint8Array {
  const threads: EncodedThread[] = profile.threads.map((t) => ({
    id: t.id,
    name: t.name,
    pid: t.pid,
    tid: t.tid,
    count: t.count,
    startTime: t.startTime,
    endTime: t.endTime,
    sampleCount: t.sampleCount,
    markers: t.markers,
    offsets: [0, 0, 0, 0],
  }));
  const header: EncodedHeader = {
    format: profile.format,
    name: profile.name,
    unit: profile.unit,
    startTime: profile.startTime,
    endTime: profile.endTime,
    eventCount: profile.eventCount,
    warnings: profile.warnings,
    page: profile.page,
    frames: {
      names: profile.frames.names,
      files: orNull(profile.frames.files),
      lines: orNull(profile.frames.lines),
      columns: orNull(profile.frames.columns),
      categories: orNull(profile.frames.categories),
    },
    threads,
  };

  // Offsets are relative to the data section, which starts at the first
  // 8-byte boundary after the header, so the header never depends on its own length.
  let cursor = 0;
  const blocks: { offset: number; array: Uint32Array | Float64Array }[] = [];
  profile.threads.forEach((t, i) => {
    const offsets: [number, number, number, number] = [0, 0, 0, 0];
    [t.frame, t.start, t.end, t.depth].forEach((array, k) => {
      offsets[k] = cursor;
      blocks.push({ offset: cursor, array });
      cursor = align8(cursor + array.byteLength);
    });
    threads[i].offsets = offsets;
  });

  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const dataStart = align8(FIXED_HEADER_BYTES + headerBytes.length);
  const out = new Uint8Array(dataStart + cursor);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, headerBytes.length, true);
  out.set(headerBytes, FIXED_HEADER_BYTES);
  for (const { offset, array } of blocks) {
    out.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), dataStart + offset);
  }
  return out;
}

/** Thrown for bytes that are not an encoded profile (wrong magic, bad offsets). */
export class ProfileCodecError extends Error {
  override readonly name = 'ProfileCodecError';
}

export function decodeProfile(input: Uint8Array | ArrayBuffer): Profile {
  let bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  // Float64Array views need 8-byte aligned offsets; a misaligned slice is copied once.
  if (bytes.byteOffset % 8 !== 0) bytes = bytes.slice();
  if (bytes.length < FIXED_HEADER_BYTES) throw new ProfileCodecError('Encoded profile is too short.');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw new ProfileCodecError('Not an encoded profile (bad magic).');
  const headerLength = view.getUint32(4, true);
  if (FIXED_HEADER_BYTES + headerLength > bytes.length) throw new ProfileCodecError('Encoded profile header is truncated.');
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(FIXED_HEADER_BYTES, FIXED_HEADER_BYTES + headerLength))) as EncodedHeader;

  const frames = new FrameTable();
  const f = header.frames;
  for (let i = 0; i < f.names.length; i++) {
    const index = frames.intern({
      name: f.names[i],
      file: f.files[i] ?? undefined,
      line: f.lines[i] ?? undefined,
      column: f.columns[i] ?? undefined,
      category: f.categories[i] ?? undefined,
    });
    if (index !== i) throw new ProfileCodecError(`Encoded frame table has a duplicate frame at ${i}.`);
  }

  const dataStart = align8(FIXED_HEADER_BYTES + headerLength);
  const arrayAt = <T extends Uint32Array | Float64Array>(
    Type: { new (buffer: ArrayBufferLike, byteOffset: number, length: number): T; BYTES_PER_ELEMENT: number },
    offset: number,
    count: number,
  ): T => {
    const start = dataStart + offset;
    if (offset % 8 !== 0 || start + count * Type.BYTES_PER_ELEMENT > bytes.length) {
      throw new ProfileCodecError('Encoded profile has an array outside its bytes.');
    }
    return new Type(bytes.buffer, bytes.byteOffset + start, count);
  };

  const threads: ThreadTimeline[] = header.threads.map((t) => ({
    id: t.id,
    name: t.name,
    pid: t.pid,
    tid: t.tid,
    count: t.count,
    frame: arrayAt(Uint32Array, t.offsets[0], t.count),
    start: arrayAt(Float64Array, t.offsets[1], t.count),
    end: arrayAt(Float64Array, t.offsets[2], t.count),
    depth: arrayAt(Uint32Array, t.offsets[3], t.count),
    startTime: t.startTime,
    endTime: t.endTime,
    markers: t.markers,
    sampleCount: t.sampleCount,
  }));

  return {
    format: header.format,
    name: header.name,
    unit: header.unit,
    frames,
    threads,
    startTime: header.startTime,
    endTime: header.endTime,
    eventCount: header.eventCount,
    warnings: header.warnings,
    ...(header.page && { page: header.page }),
  };
}
