// Streaming byte-level scanner for Chrome Trace Event JSON.
//
// JSON.parse of a 1 GB trace needs the whole text as one string (impossible
// past V8's ~512 MiB limit) and allocates an object per event. This scanner
// walks the bytes chunk by chunk instead: for each event object it reads only
// the keys a timeline needs (ph, name, cat, ts, dur, tdur, pid, tid, id),
// hand-parses numbers, interns strings by hashing their raw bytes (a string is
// decoded once, the first time its bytes are seen) and skips every other value
// (notably "args") by counting brackets outside strings. Callers that need an
// event's args (metadata, CPU profile chunks) JSON.parse just that byte slice.
// Runs of ordinary events go to a WebAssembly kernel where one is available
// (chrome-trace-event-kernel.ts); this file parses whatever it declines.
//
// Accepted shapes: a bare array `[{...},...]`, which may be truncated or end
// with a trailing comma as Chrome writes it, or an object whose "traceEvents"
// key holds the array (other top-level keys may come first and be large).
import { TraceImportError } from '../errors.ts';
import {
  EventKernel,
  RECORD_ARGS_END,
  RECORD_ARGS_START,
  RECORD_CAT,
  RECORD_FLOATS,
  RECORD_ID_END,
  RECORD_ID_START,
  RECORD_INTS,
  RECORD_NAME,
  RECORD_PH,
} from './chrome-trace-event-kernel.ts';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

// Top-level states: between units, so a chunk may end in any of them.
const STATE_START = 0;
const STATE_OBJECT_KEY = 1; // inside the top-level object, expecting a key or '}'
const STATE_OBJECT_NEXT = 2; // after a top-level value, expecting ',' or '}'
const STATE_SKIP_VALUE = 3; // skipping a top-level value (resumable across chunks)
const STATE_ARRAY_ITEM = 4; // in the events array, expecting an item or ']'
const STATE_ARRAY_NEXT = 5; // after an item, expecting ',' or ']'
const STATE_DONE = 6;
const STATE_CAPTURE_VALUE = 7; // collecting a top-level value's bytes to hand over whole

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;
/** 2^32 / golden ratio, for Fibonacci hashing of interner slots. */
const FIBONACCI = 0x9e3779b9 | 0;

// The event keys the scanner reads.
const KEY_OTHER = 0;
const KEY_PH = 1;
const KEY_TS = 2;
const KEY_ID = 3;
const KEY_PID = 4;
const KEY_TID = 5;
const KEY_DUR = 6;
const KEY_CAT = 7;
const KEY_NAME = 8;
const KEY_ARGS = 9;
const KEY_TDUR = 10;
/** Length of each key above, by code. */
const KEY_LENGTH = [0, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4];
/**
 * Key code from the little-endian word read at a key's first letter and the
 * byte after it: the letters and closing quote must match exactly.
 */
function keyOfWord(word: number, fifth: number): number {
  switch (word & 0xffffff) {
    case 0x226870: // ph"
      return KEY_PH;
    case 0x227374: // ts"
      return KEY_TS;
    case 0x226469: // id"
      return KEY_ID;
  }
  switch (word) {
    case 0x22646970: // pid"
      return KEY_PID;
    case 0x22646974: // tid"
      return KEY_TID;
    case 0x22727564: // dur"
      return KEY_DUR;
    case 0x22746163: // cat"
      return KEY_CAT;
  }
  if (fifth !== QUOTE) return KEY_OTHER;
  switch (word) {
    case 0x656d616e: // name
      return KEY_NAME;
    case 0x73677261: // args
      return KEY_ARGS;
    case 0x72756474: // tdur
      return KEY_TDUR;
  }
  return KEY_OTHER;
}

/** Key code of the raw key bytes b[start, end), for a key too close to the buffer's end for the four-byte read. */
function keyCode(b: Uint8Array, start: number, end: number): number {
  const length = end - start;
  if (length < 2 || length > 4) return KEY_OTHER;
  let word = length < 4 ? QUOTE << (8 * length) : 0;
  for (let i = 0; i < length; i++) word |= b[start + i] << (8 * i);
  return keyOfWord(word, QUOTE);
}

/** Returned by unit parsers when the unit continues past the end of the buffer. */
const INCOMPLETE = -1;

/** A first retry of a unit split across chunks joins at most this much of the next chunk. */
const STRADDLE_BYTES = 64 * 1024;

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/** Invalid JSON at a known absolute byte offset. */
export class TraceScanError extends TraceImportError {
  constructor(
    readonly offset: number,
    detail: string,
  ) {
    super('invalid-json', `Invalid JSON at byte ${offset}: ${detail}.`);
  }
}

/**
 * Strings interned by their raw UTF-8 bytes: a hash over the bytes finds the
 * id, so a name seen a million times is decoded once.
 */
export class ByteStringInterner {
  readonly strings: string[] = [];
  private table = new Int32Array(4096).fill(-1);
  /** Slots are the top bits of a multiplicative mix of the hash (Fibonacci hashing): the word-wise hash's low bits alone are weak. */
  private shift = 32 - 12;
  private hashes = new Int32Array(1024);
  private offsets = new Uint32Array(1024);
  private lengths = new Uint32Array(1024);
  private pool = new Uint8Array(64 * 1024);
  private poolView: DataView = new DataView(this.pool.buffer);
  private poolLength = 0;
  /** DataView of the last byte array compared against, so word compares need no view per call. */
  private bytes: Uint8Array = this.pool;
  private view: DataView = this.poolView;
  private readonly decoder = new TextDecoder();
  /** Told of every new string (its raw bytes and id), e.g. to mirror the table elsewhere. */
  onAdd: ((raw: Uint8Array, id: number) => void) | null = null;

  get size(): number {
    return this.strings.length;
  }

  /**
   * Id of the JSON string whose raw contents (between the quotes, escapes
   * undecoded) are bytes[start, end), with `hash` (hashBytes of them) computed by the caller.
   */
  intern(bytes: Uint8Array, start: number, end: number, hash: number, escaped: boolean): number {
    const length = end - start;
    const mask = this.table.length - 1;
    let slot = Math.imul(hash, FIBONACCI) >>> this.shift;
    for (;;) {
      const id = this.table[slot];
      if (id < 0) break;
      if (this.hashes[id] === hash && this.lengths[id] === length && this.equals(id, bytes, start, length)) return id;
      slot = (slot + 1) & mask;
    }
    const text = escaped ? (JSON.parse(this.decoder.decode(bytes.subarray(start - 1, end + 1))) as string) : this.decoder.decode(bytes.subarray(start, end));
    return this.add(bytes.subarray(start, end), hash, text, slot);
  }

  /**
   * Whether the JSON string starting at bytes[start] (after its opening quote)
   * is exactly string `id`, raw bytes and closing quote; returns the position
   * after the closing quote, or -1.
   */
  matchAt(id: number, bytes: Uint8Array, start: number, end: number): number {
    const length = this.lengths[id];
    const close = start + length;
    if (close >= end || bytes[close] !== QUOTE) return -1;
    return this.equals(id, bytes, start, length) ? close + 1 : -1;
  }

  /** Id of a string given as text (for values that arrive outside the byte path). */
  internText(text: string): number {
    const bytes = new TextEncoder().encode(text);
    return this.intern(bytes, 0, bytes.length, hashBytes(bytes, 0, bytes.length), false);
  }

  /** Raw bytes of string `id` equal bytes[start, start + length), compared four bytes at a time. */
  private equals(id: number, bytes: Uint8Array, start: number, length: number): boolean {
    if (bytes !== this.bytes) {
      this.bytes = bytes;
      this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }
    const view = this.view;
    const pool = this.poolView;
    const offset = this.offsets[id];
    let i = 0;
    for (; i + 4 <= length; i += 4) if (pool.getInt32(offset + i, true) !== view.getInt32(start + i, true)) return false;
    for (; i < length; i++) if (this.pool[offset + i] !== bytes[start + i]) return false;
    return true;
  }

  private add(raw: Uint8Array, hash: number, text: string, slot: number): number {
    const id = this.strings.length;
    if (id === this.hashes.length) {
      this.hashes = grow(this.hashes, id * 2);
      this.offsets = grow(this.offsets, id * 2);
      this.lengths = grow(this.lengths, id * 2);
    }
    if (this.poolLength + raw.length > this.pool.length) {
      const next = new Uint8Array(Math.max(this.pool.length * 2, this.poolLength + raw.length));
      next.set(this.pool.subarray(0, this.poolLength));
      this.pool = next;
      this.poolView = new DataView(next.buffer);
    }
    this.pool.set(raw, this.poolLength);
    this.hashes[id] = hash;
    this.offsets[id] = this.poolLength;
    this.lengths[id] = raw.length;
    this.poolLength += raw.length;
    this.strings.push(text);
    this.table[slot] = id;
    if (this.strings.length * 2 > this.table.length) this.rehash();
    this.onAdd?.(raw, id);
    return id;
  }

  private rehash(): void {
    const size = this.table.length * 2;
    this.table = new Int32Array(size).fill(-1);
    this.shift--;
    const mask = size - 1;
    for (let id = 0; id < this.strings.length; id++) {
      let slot = Math.imul(this.hashes[id], FIBONACCI) >>> this.shift;
      while (this.table[slot] >= 0) slot = (slot + 1) & mask;
      this.table[slot] = id;
    }
  }
}

function grow<T extends Int32Array | Uint32Array>(array: T, size: number): T {
  const next = new (array.constructor as new (n: number) => T)(size);
  next.set(array);
  return next;
}

/**
 * FNV-1a over little-endian 32-bit words, then the remaining 0-3 bytes one
 * at a time: a quarter of the multiplies of byte-wise FNV. The scanner
 * computes the same hash inline while it looks for a string's end.
 */
export function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let h = FNV_OFFSET;
  let i = start;
  for (; i + 4 <= end; i += 4) {
    h = Math.imul(h ^ (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24)), FNV_PRIME);
  }
  for (; i < end; i++) h = Math.imul(h ^ bytes[i], FNV_PRIME);
  return h;
}

/** What the scanner saw when the input ended. */
export interface ScanEnd {
  /** The input stopped inside an event or value (the file was cut off mid-write). */
  truncated: boolean;
  /** The events array was never closed (Chrome's streaming writer leaves it open). */
  unterminatedArray: boolean;
  /** No events array was found at all (an object without "traceEvents"). */
  sawEventsArray: boolean;
}

export type TraceEventCallback = (scanner: TraceEventScanner) => void;
/** Receives a top-level value the caller asked for, as its raw bytes. */
export type TopLevelValueCallback = (key: string, bytes: Uint8Array) => void;

export interface TraceEventScannerOptions {
  /** Use the WebAssembly kernel where it loads (default true; false scans in TypeScript alone). */
  wasm?: boolean;
}

/** Input is handed to the kernel in slices of at most this size. */
const KERNEL_SLICE_BYTES = 1024 * 1024;
/** Most items the TypeScript path reads alone after the kernel declined an item without progress. */
const MAX_KERNEL_BACKOFF = 255;

/**
 * Push chunks in, get one callback per event. The fields below describe the
 * current event during the callback only (they are reused for the next one).
 */
export class TraceEventScanner {
  /** Char code of "ph" (e.g. 0x58 for 'X'); 0 when missing. */
  ph = 0;
  /** Interned ids of "name" and "cat"; -1 when missing. */
  name = -1;
  cat = -1;
  /** NaN when missing or not a number. */
  ts = NaN;
  dur = NaN;
  tdur = NaN;
  /** Numeric pid/tid (numeric strings are accepted); 0 when missing. */
  pid = 0;
  tid = 0;
  /** Raw bytes of "args" and "id" values in the current buffer, or -1. */
  argsStart = -1;
  argsEnd = -1;
  idStart = -1;
  idEnd = -1;
  /** Events seen so far, including ones the caller ignores. */
  eventCount = 0;
  /** How many of them the WebAssembly kernel read. */
  kernelEventCount = 0;

  readonly interner = new ByteStringInterner();
  private buffer: Uint8Array = new Uint8Array(0);
  /** The same bytes, for four-byte reads. */
  private view: DataView = new DataView(new ArrayBuffer(0));
  private state = STATE_START;
  private inObject = false;
  private sawEventsArray = false;
  /** Absolute offset of buffer[0] in the (decompressed) input. */
  private base = 0;
  /** Bytes of an unfinished unit, kept until more input arrives. */
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  /** Do not retry the pending unit before this many bytes are buffered (doubling keeps huge events linear). */
  private pendingRetryAt = 0;
  private straddle = new Uint8Array(0);
  // Resumable skip/capture of a top-level value.
  private skipDepth = 0;
  private skipInString = false;
  private skipEscape = false;
  private skipScalar = false;
  private captureKey = '';
  private captureParts: Uint8Array[] = [];
  private number = 0;
  private stringId = -1;
  private lastCat = -1;
  private lastName = -1;
  private readonly decoder = new TextDecoder();
  private kernel: EventKernel | null;
  /**
   * Items left for the TypeScript path before the kernel is tried again, and
   * the current length of such pauses: when the kernel keeps declining (a
   * trace of all-new names, say), it is retried ever less often.
   */
  private kernelPause = 0;
  private kernelBackoff = 0;

  constructor(
    private readonly onEvent: TraceEventCallback,
    /** Top-level keys whose values the caller wants whole (e.g. "samples", "stackFrames"). */
    private readonly capturedKeys: readonly string[] = [],
    private readonly onTopLevelValue?: TopLevelValueCallback,
    options: TraceEventScannerOptions = {},
  ) {
    const kernel = options.wasm === false ? null : EventKernel.create();
    if (kernel) this.interner.onAdd = (raw, id) => kernel.register(raw, id);
    this.kernel = kernel;
  }

  /** Whether runs of events go through the WebAssembly kernel. */
  get usesWasm(): boolean {
    return this.kernel !== null;
  }

  get strings(): readonly string[] {
    return this.interner.strings;
  }

  /** Decoded args of the current event (only valid during the callback). */
  parseArgs(): unknown {
    if (this.argsStart < 0) return undefined;
    return JSON.parse(this.decoder.decode(this.buffer.subarray(this.argsStart, this.argsEnd)));
  }

  /**
   * Walks the JSON object starting at `p` in the current event's buffer (for
   * example at argsStart), calling `visit(key, valueStart)` for each key.
   * `visit` returns the position after the value when it read it, or -1 to
   * have it skipped. Returns the position after the object; throws on
   * malformed input. Lets callers read large args (CPU profile chunks)
   * without materialising them as objects.
   */
  walkObject(p: number, visit: (key: string, at: number) => number): number {
    const b = this.buffer;
    const end = b.length;
    if (b[p] !== OPEN_BRACE) throw this.error(p, `expected an object, found ${describeByte(b[p])}`);
    p = skipWhitespace(b, p + 1, end);
    if (b[p] === CLOSE_BRACE) return p + 1;
    for (;;) {
      if (b[p] !== QUOTE) throw this.error(p, `expected a key, found ${describeByte(b[p])}`);
      const close = findStringEnd(this.view, b, p + 1, end);
      if (close < 0) throw this.error(p, 'unterminated key');
      const raw = b.subarray(p + 1, close);
      const key = raw.includes(BACKSLASH) ? (JSON.parse(this.decoder.decode(b.subarray(p, close + 1))) as string) : this.decoder.decode(raw);
      p = skipWhitespace(b, close + 1, end);
      if (b[p] !== COLON) throw this.error(p, `expected ":", found ${describeByte(b[p])}`);
      p = skipWhitespace(b, p + 1, end);
      let next = visit(key, p);
      if (next < 0) next = this.skipValue(b, p, end);
      if (next === INCOMPLETE) throw this.error(p, 'unterminated value');
      p = skipWhitespace(b, next, end);
      if (b[p] === COMMA) {
        p = skipWhitespace(b, p + 1, end);
        continue;
      }
      if (b[p] === CLOSE_BRACE) return p + 1;
      throw this.error(p, `expected "," or "}", found ${describeByte(b[p])}`);
    }
  }

  /** Reads a JSON array of numbers at `p` (current buffer) into `out`; returns the position after it. */
  readNumberArray(p: number, out: number[]): number {
    const b = this.buffer;
    const end = b.length;
    if (b[p] !== OPEN_BRACKET) throw this.error(p, `expected an array, found ${describeByte(b[p])}`);
    p = skipWhitespace(b, p + 1, end);
    if (b[p] === CLOSE_BRACKET) return p + 1;
    for (;;) {
      const c = b[p];
      if (!(c === 0x2d || (c >= 0x30 && c <= 0x39))) throw this.error(p, `expected a number, found ${describeByte(c)}`);
      p = this.readNumber(b, p, end);
      if (p === INCOMPLETE) throw this.error(end, 'unterminated array');
      out.push(this.number);
      if (b[p] <= 0x20) p = skipWhitespace(b, p, end);
      if (b[p] === COMMA) {
        p++;
        if (b[p] <= 0x20) p = skipWhitespace(b, p, end);
        continue;
      }
      if (b[p] === CLOSE_BRACKET) return p + 1;
      throw this.error(p, `expected "," or "]", found ${describeByte(b[p])}`);
    }
  }

  /** JSON.parse of the single value starting at `p` in the current buffer. */
  parseValueAt(p: number): { value: unknown; end: number } {
    const end = this.skipValue(this.buffer, p, this.buffer.length);
    if (end === INCOMPLETE) throw this.error(p, 'unterminated value');
    return { value: JSON.parse(this.decoder.decode(this.buffer.subarray(p, end))), end };
  }

  /** The current event's "id" as a string (numbers and strings alike), or undefined. */
  idString(): string | undefined {
    if (this.idStart < 0) return undefined;
    const raw = this.decoder.decode(this.buffer.subarray(this.idStart, this.idEnd));
    return raw.charCodeAt(0) === QUOTE ? (JSON.parse(raw) as string) : raw;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    // Node hands over Buffers: view them as plain Uint8Arrays so every access
    // site sees one array type (and indexOf is V8's builtin, not Buffer's wrapper).
    if (chunk.constructor !== Uint8Array) chunk = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length);
    if (this.kernel !== null && chunk.length > KERNEL_SLICE_BYTES) {
      // The kernel scans a copy: slices keep that copy small and in cache.
      for (let i = 0; i < chunk.length; i += KERNEL_SLICE_BYTES) this.push(chunk.subarray(i, i + KERNEL_SLICE_BYTES));
      return;
    }
    if (this.pendingBytes === 0) {
      this.run(chunk, 0, chunk.length);
      return;
    }
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes < this.pendingRetryAt) return;
    const parts = this.pending;
    const partsBytes = this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    if (this.kernel !== null && this.kernel.accepts(partsBytes)) {
      // The kernel's copy of the input joins the unfinished unit and the new chunk at no extra cost.
      const loaded = this.kernel.load(parts, partsBytes);
      if (loaded !== null) {
        this.run(loaded, 0, partsBytes);
        return;
      }
      this.dropKernel();
    }
    // Usually the unfinished unit is a small event: join it with just the head
    // of the new chunk rather than copying the whole chunk.
    const held = partsBytes - chunk.length;
    if (parts.length === 2 && chunk.length > STRADDLE_BYTES + held) {
      const headLength = STRADDLE_BYTES + held;
      // Joined in one reused buffer: a fresh 64 KiB array per chunk cost more than the copy.
      if (this.straddle.length < held + headLength) this.straddle = new Uint8Array(2 * (held + headLength));
      const joined = this.straddle.subarray(0, held + headLength);
      joined.set(parts[0]);
      joined.set(chunk.subarray(0, headLength), held);
      const base = this.base;
      const stop = this.run(joined, 0, held, true);
      if (stop >= held) {
        this.base = base + held;
        this.run(chunk, stop - held, chunk.length);
        return;
      }
      // Still unfinished: fall back to joining everything.
      this.pending = [];
      this.pendingBytes = 0;
      this.base = base;
    }
    const all = concat(parts, partsBytes);
    this.run(all, 0, all.length);
  }

  /** Call once after the last chunk. */
  finish(): ScanEnd {
    if (this.pendingBytes > 0) {
      // The retry threshold may not have been reached: try the held bytes once more.
      const held = concat(this.pending, this.pendingBytes);
      this.pending = [];
      this.pendingBytes = 0;
      this.run(held, 0, held.length);
    }
    const truncated =
      this.pendingBytes > 0 || this.state === STATE_SKIP_VALUE || this.state === STATE_CAPTURE_VALUE || (this.inObject && this.state !== STATE_DONE);
    if (this.pendingBytes > 0 && this.state !== STATE_DONE) {
      // A last unit that never completed: a truncated event, or garbage that only looks unfinished.
      const rest = concat(this.pending, this.pendingBytes);
      this.pending = [];
      this.pendingBytes = 0;
      this.checkTail(rest);
    }
    this.releaseKernel();
    const unterminatedArray = this.state === STATE_ARRAY_ITEM || this.state === STATE_ARRAY_NEXT;
    if (this.state === STATE_START) {
      throw new TraceScanError(this.base, 'expected "[" or "{" at the start of a trace');
    }
    return { truncated, unterminatedArray, sawEventsArray: this.sawEventsArray };
  }

  /** Gives the kernel back for reuse once no more input will come; the rest (a cut-off tail) is TypeScript's. */
  private releaseKernel(): void {
    this.kernel?.release();
    this.dropKernel();
  }

  /** Scans in TypeScript alone from here on (also when the kernel's memory could not grow). */
  private dropKernel(): void {
    this.interner.onAdd = null;
    this.kernel = null;
  }

  /**
   * A pending tail at end of input: fine if it is a prefix of valid JSON (a
   * cut-off event), an error if it already contains bytes JSON cannot have.
   */
  private checkTail(rest: Uint8Array): void {
    const probe = new TailProbe();
    const bad = probe.firstInvalid(rest);
    if (bad >= 0) throw new TraceScanError(this.base + bad, `unexpected ${describeByte(rest[bad])}`);
  }

  /**
   * Scans buffer[p, end). With `stopAtUnitBoundaryAfter`, returns as soon as
   * a unit boundary at or after position `stopAfter` is reached (used to
   * finish a unit straddling two chunks), else returns -1 after keeping any
   * unfinished tail as pending.
   */
  private run(buffer: Uint8Array, p: number, stopAfter: number, stopAtBoundary = false): number {
    // The kernel scans its own copy of the input.
    let kernel = this.kernel !== null && !stopAtBoundary && this.kernel.accepts(buffer.length) ? this.kernel : null;
    if (kernel !== null && !kernel.holds(buffer)) {
      const loaded = kernel.load([buffer], buffer.length);
      if (loaded !== null) buffer = loaded;
      else {
        this.dropKernel();
        kernel = null;
      }
    }
    this.buffer = buffer;
    this.view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    const end = buffer.length;
    const b = buffer;
    while (p < end) {
      if (stopAtBoundary && p >= stopAfter) return p;
      if (kernel !== null && (this.state === STATE_ARRAY_ITEM || this.state === STATE_ARRAY_NEXT) && --this.kernelPause < 0) {
        const from = p;
        p = this.scanWithKernel(kernel, p, end);
        if (p >= end) break;
        // The kernel declined the item at p: the code below reads it.
        if (p === from) this.kernelPause = this.kernelBackoff = Math.min(2 * this.kernelBackoff + 1, MAX_KERNEL_BACKOFF);
        else this.kernelPause = this.kernelBackoff = 0;
      }
      const state = this.state;
      if (state === STATE_ARRAY_ITEM || state === STATE_ARRAY_NEXT) {
        // Hot loop: one iteration per event.
        let c = b[p];
        if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
          p = skipWhitespace(b, p, end);
          if (p >= end) break;
          c = b[p];
        }
        if (state === STATE_ARRAY_NEXT) {
          if (c === COMMA) {
            this.state = STATE_ARRAY_ITEM;
            p++;
          } else if (c === CLOSE_BRACKET) {
            this.state = this.inObject ? STATE_OBJECT_NEXT : STATE_DONE;
            p++;
          } else throw this.error(p, `expected "," or "]" after an event, found ${describeByte(c)}`);
          continue;
        }
        if (c === OPEN_BRACE) {
          const next = this.parseEvent(b, p, end);
          if (next === INCOMPLETE) {
            this.keepPending(b, p);
            return -1;
          }
          this.eventCount++;
          this.onEvent(this);
          this.state = STATE_ARRAY_NEXT;
          p = next;
        } else if (c === CLOSE_BRACKET) {
          // "[]" or a trailing comma before "]".
          this.state = this.inObject ? STATE_OBJECT_NEXT : STATE_DONE;
          p++;
        } else {
          // Not an event object (null, a number...): skip it like a value.
          const next = this.skipValue(b, p, end);
          if (next === INCOMPLETE) {
            this.keepPending(b, p);
            return -1;
          }
          this.state = STATE_ARRAY_NEXT;
          p = next;
        }
        continue;
      }
      if (state === STATE_SKIP_VALUE || state === STATE_CAPTURE_VALUE) {
        const start = p;
        p = this.skipResumable(b, p, end);
        if (state === STATE_CAPTURE_VALUE) this.captureParts.push(b.slice(start, p < 0 ? end : p));
        if (p < 0) break;
        if (state === STATE_CAPTURE_VALUE) {
          const parts = this.captureParts;
          this.captureParts = [];
          this.onTopLevelValue?.(
            this.captureKey,
            concat(
              parts,
              parts.reduce((n, x) => n + x.length, 0),
            ),
          );
        }
        this.state = STATE_OBJECT_NEXT;
        continue;
      }
      const c = b[p];
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
        p++;
        continue;
      }
      if (state === STATE_START) {
        if (c === 0xef && p === 0 && this.base === 0) {
          // UTF-8 byte-order mark.
          if (end < 3) {
            this.keepPending(b, p);
            return -1;
          }
          p += 3;
          continue;
        }
        if (c === OPEN_BRACKET) {
          this.state = STATE_ARRAY_ITEM;
          this.sawEventsArray = true;
        } else if (c === OPEN_BRACE) {
          this.state = STATE_OBJECT_KEY;
          this.inObject = true;
        } else throw this.error(p, `expected "[" or "{" at the start of a trace, found ${describeByte(c)}`);
        p++;
        continue;
      }
      if (state === STATE_OBJECT_NEXT) {
        if (c === COMMA) this.state = STATE_OBJECT_KEY;
        else if (c === CLOSE_BRACE) this.state = STATE_DONE;
        else throw this.error(p, `expected "," or "}" in the top-level object, found ${describeByte(c)}`);
        p++;
        continue;
      }
      if (state === STATE_OBJECT_KEY) {
        if (c === CLOSE_BRACE) {
          this.state = STATE_DONE;
          p++;
          continue;
        }
        if (c !== QUOTE) throw this.error(p, `expected a key in the top-level object, found ${describeByte(c)}`);
        const next = this.parseTopLevelKey(b, p, end);
        if (next === INCOMPLETE) {
          this.keepPending(b, p);
          return -1;
        }
        p = next;
        continue;
      }
      if (state === STATE_DONE) {
        // Only whitespace may follow the document.
        throw this.error(p, `unexpected ${describeByte(c)} after the end of the trace`);
      }
    }
    this.base += end;
    return stopAtBoundary ? end : -1;
  }

  /**
   * Lets the kernel read events from p, calling back for each record it
   * writes; returns where it stopped: the end, or an item it declined.
   */
  private scanWithKernel(kernel: EventKernel, p: number, end: number): number {
    for (;;) {
      p = kernel.scan(p, end, this.state === STATE_ARRAY_NEXT);
      this.kernelEventCount += kernel.count;
      const floats = kernel.floats;
      const ints = kernel.ints;
      for (let r = 0; r < kernel.count; r++) {
        const f = r * RECORD_FLOATS;
        const i = r * RECORD_INTS;
        this.ts = floats[f];
        this.dur = floats[f + 1];
        this.tdur = floats[f + 2];
        this.pid = floats[f + 3];
        this.tid = floats[f + 4];
        this.ph = ints[i + RECORD_PH];
        this.name = ints[i + RECORD_NAME];
        this.cat = ints[i + RECORD_CAT];
        this.argsStart = ints[i + RECORD_ARGS_START];
        this.argsEnd = ints[i + RECORD_ARGS_END];
        this.idStart = ints[i + RECORD_ID_START];
        this.idEnd = ints[i + RECORD_ID_END];
        this.eventCount++;
        this.onEvent(this);
      }
      this.state = kernel.afterItem ? STATE_ARRAY_NEXT : STATE_ARRAY_ITEM;
      if (!kernel.filled) return p;
    }
  }

  /** Parses `"key":` and sets the state for its value. */
  private parseTopLevelKey(b: Uint8Array, p: number, end: number): number {
    const close = findStringEnd(this.view, b, p + 1, end);
    if (close < 0) return INCOMPLETE;
    let q = skipWhitespace(b, close + 1, end);
    if (q >= end) return INCOMPLETE;
    if (b[q] !== COLON) throw this.error(q, `expected ":" after a key, found ${describeByte(b[q])}`);
    q = skipWhitespace(b, q + 1, end);
    if (q >= end) return INCOMPLETE;
    const key = JSON.parse(this.decoder.decode(b.subarray(p, close + 1))) as string;
    if (key === 'traceEvents' && b[q] === OPEN_BRACKET) {
      this.state = STATE_ARRAY_ITEM;
      this.sawEventsArray = true;
      return q + 1;
    }
    this.skipDepth = 0;
    this.skipInString = false;
    this.skipEscape = false;
    this.skipScalar = false;
    if (this.capturedKeys.includes(key)) {
      this.captureKey = key;
      this.captureParts = [];
      this.state = STATE_CAPTURE_VALUE;
    } else this.state = STATE_SKIP_VALUE;
    return q;
  }

  private keepPending(b: Uint8Array, p: number): void {
    const rest = b.slice(p);
    this.pending = [rest];
    this.pendingBytes = rest.length;
    this.pendingRetryAt = Math.max(rest.length * 2, rest.length + 1);
    this.base += p;
  }

  private error(p: number, detail: string): TraceScanError {
    return new TraceScanError(this.base + p, detail);
  }

  /**
   * Skips one top-level value, resumable at any byte: returns the position
   * after it, or -1 when the buffer ends first (state kept in fields).
   */
  private skipResumable(b: Uint8Array, p: number, end: number): number {
    let depth = this.skipDepth;
    let inString = this.skipInString;
    let escape = this.skipEscape;
    let scalar = this.skipScalar;
    while (p < end) {
      const c = b[p];
      if (inString) {
        if (escape) escape = false;
        else if (c === BACKSLASH) escape = true;
        else if (c === QUOTE) {
          inString = false;
          if (depth === 0) return p + 1;
        }
        p++;
        continue;
      }
      if (scalar) {
        if (c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
          return p;
        }
        p++;
        continue;
      }
      if (c === QUOTE) inString = true;
      else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
      else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        depth--;
        if (depth === 0) return p + 1;
        if (depth < 0) throw this.error(p, `unexpected ${describeByte(c)}`);
      } else if (depth === 0 && c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) scalar = true;
      p++;
    }
    this.skipDepth = depth;
    this.skipInString = inString;
    this.skipEscape = escape;
    this.skipScalar = scalar;
    return -1;
  }

  /**
   * Parses one event object starting at b[p] === '{'. Returns the position
   * after its '}', or INCOMPLETE.
   */
  private parseEvent(b: Uint8Array, p: number, end: number): number {
    this.ph = 0;
    this.name = -1;
    this.cat = -1;
    this.ts = NaN;
    this.dur = NaN;
    this.tdur = NaN;
    this.pid = 0;
    this.tid = 0;
    this.argsStart = -1;
    this.idStart = -1;
    p++;
    p = skipWhitespace(b, p, end);
    if (p >= end) return INCOMPLETE;
    if (b[p] === CLOSE_BRACE) return p + 1;
    for (;;) {
      if (b[p] !== QUOTE) throw this.error(p, `expected a key in an event, found ${describeByte(b[p])}`);
      const keyStart = p + 1;
      // The keys we read are told apart by one four-byte read: the key's
      // letters and its closing quote (or, for four-letter keys, the letters
      // and then a quote). Other keys are found the general way and skipped.
      let key: number;
      let keyEnd: number;
      if (keyStart + 5 <= end) {
        key = keyOfWord(this.view.getInt32(keyStart, true), b[keyStart + 4]);
        keyEnd = key === KEY_OTHER ? findStringEnd(this.view, b, keyStart, end) : keyStart + KEY_LENGTH[key];
      } else {
        keyEnd = findStringEnd(this.view, b, keyStart, end);
        key = keyEnd < 0 ? KEY_OTHER : keyCode(b, keyStart, keyEnd);
      }
      if (keyEnd < 0) return INCOMPLETE;
      p = keyEnd + 1;
      if (p >= end) return INCOMPLETE;
      if (b[p] !== COLON) {
        p = skipWhitespace(b, p, end);
        if (p >= end) return INCOMPLETE;
        if (b[p] !== COLON) throw this.error(p, `expected ":" after a key, found ${describeByte(b[p])}`);
      }
      p++;
      if (p >= end) return INCOMPLETE;
      if (b[p] <= 0x20) {
        p = skipWhitespace(b, p, end);
        if (p >= end) return INCOMPLETE;
      }
      let handled = true;
      switch (key) {
        case KEY_PH:
          if (b[p] === QUOTE && p + 2 < end && b[p + 2] === QUOTE && b[p + 1] !== BACKSLASH) {
            this.ph = b[p + 1];
            p += 3;
          } else {
            p = this.readString(b, p, end);
            if (p === INCOMPLETE) return INCOMPLETE;
            const text = this.interner.strings[this.stringId];
            this.ph = text.length === 1 ? text.charCodeAt(0) : 0;
          }
          break;
        case KEY_TS:
          p = this.readNumberish(b, p, end);
          if (p === INCOMPLETE) return INCOMPLETE;
          this.ts = this.number;
          break;
        case KEY_ID: {
          const start = p;
          p = this.skipValue(b, p, end);
          if (p === INCOMPLETE) return INCOMPLETE;
          this.idStart = start;
          this.idEnd = p;
          break;
        }
        case KEY_PID:
        case KEY_TID:
          p = this.readNumberish(b, p, end);
          if (p === INCOMPLETE) return INCOMPLETE;
          if (key === KEY_PID) this.pid = this.number;
          else this.tid = this.number;
          break;
        case KEY_DUR:
        case KEY_TDUR:
          p = this.readNumberish(b, p, end);
          if (p === INCOMPLETE) return INCOMPLETE;
          if (key === KEY_DUR) this.dur = this.number;
          else this.tdur = this.number;
          break;
        case KEY_CAT:
        case KEY_NAME: {
          // Usually the same as the previous event's, so that is checked first.
          if (b[p] !== QUOTE) {
            handled = false;
            break;
          }
          let id = key === KEY_CAT ? this.lastCat : this.lastName;
          const after = id >= 0 ? this.interner.matchAt(id, b, p + 1, end) : -1;
          if (after >= 0) p = after;
          else {
            p = this.readString(b, p, end);
            if (p === INCOMPLETE) return INCOMPLETE;
            id = this.stringId;
          }
          if (key === KEY_CAT) this.cat = this.lastCat = id;
          else this.name = this.lastName = id;
          break;
        }
        case KEY_ARGS: {
          const start = p;
          p = this.skipValue(b, p, end);
          if (p === INCOMPLETE) return INCOMPLETE;
          this.argsStart = start;
          this.argsEnd = p;
          break;
        }
        default:
          handled = false;
      }
      if (!handled) {
        p = this.skipValue(b, p, end);
        if (p === INCOMPLETE) return INCOMPLETE;
      }
      if (p >= end) return INCOMPLETE;
      let c = b[p];
      if (c <= 0x20) {
        p = skipWhitespace(b, p, end);
        if (p >= end) return INCOMPLETE;
        c = b[p];
      }
      if (c === COMMA) {
        p++;
        if (p >= end) return INCOMPLETE;
        if (b[p] <= 0x20) {
          p = skipWhitespace(b, p, end);
          if (p >= end) return INCOMPLETE;
        }
        continue;
      }
      if (c === CLOSE_BRACE) return p + 1;
      throw this.error(p, `expected "," or "}" in an event, found ${describeByte(c)}`);
    }
  }

  /**
   * Reads a JSON string at b[p] === '"' into this.stringId. Four bytes at a
   * time: one word read both finds the closing quote (SWAR byte tests) and
   * feeds the hash.
   */
  private readString(b: Uint8Array, p: number, end: number): number {
    if (b[p] !== QUOTE) throw this.error(p, `expected a string, found ${describeByte(b[p])}`);
    const start = p + 1;
    const v = this.view;
    let h = FNV_OFFSET;
    let q = start;
    while (q + 4 <= end) {
      const word = v.getInt32(q, true);
      const stops = quoteBackslashOrControl(word);
      if (stops === 0) {
        h = Math.imul(h ^ word, FNV_PRIME);
        q += 4;
        continue;
      }
      const at = q + firstFlaggedByte(stops);
      const c = b[at];
      if (c !== QUOTE) {
        if (c === BACKSLASH) return this.readEscapedString(b, start, end);
        throw this.error(at, `control character ${describeByte(c)} inside a string`);
      }
      for (; q < at; q++) h = Math.imul(h ^ b[q], FNV_PRIME);
      this.stringId = this.interner.intern(b, start, at, h, false);
      return at + 1;
    }
    // Fewer than four bytes left in the buffer.
    for (; q < end; q++) {
      const c = b[q];
      if (c === QUOTE) {
        this.stringId = this.interner.intern(b, start, q, h, false);
        return q + 1;
      }
      if (c === BACKSLASH) return this.readEscapedString(b, start, end);
      if (c < 0x20) throw this.error(q, `control character ${describeByte(c)} inside a string`);
      h = Math.imul(h ^ c, FNV_PRIME);
    }
    return INCOMPLETE;
  }

  /** The rare string with escapes, from its first content byte: byte by byte, hashed afterwards. */
  private readEscapedString(b: Uint8Array, start: number, end: number): number {
    let q = start;
    for (; q < end; q++) {
      const c = b[q];
      if (c === QUOTE) break;
      if (c === BACKSLASH) q++;
      else if (c < 0x20) throw this.error(q, `control character ${describeByte(c)} inside a string`);
    }
    if (q >= end) return INCOMPLETE;
    this.stringId = this.interner.intern(b, start, q, hashBytes(b, start, q), true);
    return q + 1;
  }

  /**
   * Reads a number, or a string holding a number (some exporters quote ts,
   * pid and tid), into this.number; NaN for other values (which are skipped).
   */
  private readNumberish(b: Uint8Array, p: number, end: number): number {
    const c = b[p];
    if (c === QUOTE) {
      const close = findStringEnd(this.view, b, p + 1, end);
      if (close < 0) return INCOMPLETE;
      const text = this.decoder.decode(b.subarray(p + 1, close)).trim();
      this.number = text === '' ? NaN : Number(text);
      return close + 1;
    }
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.readNumber(b, p, end);
    this.number = NaN;
    return this.skipValue(b, p, end);
  }

  /** Hand-parsed JSON number; exact for up to 15 significant digits, else via Number(). */
  private readNumber(b: Uint8Array, p: number, end: number): number {
    const start = p;
    let negative = false;
    if (b[p] === 0x2d) {
      negative = true;
      p++;
    }
    let mantissa = 0;
    let digits = 0;
    let c = 0;
    // Four digits at a time while a whole word of digits is there (timestamps have 10+).
    const v = this.view;
    while (p + 4 <= end) {
      const word = v.getInt32(p, true);
      if ((word & 0xf0f0f0f0) !== 0x30303030 || ((word + 0x06060606) & 0xf0f0f0f0) !== 0x30303030) break;
      mantissa = mantissa * 10000 + fourDigits(word);
      digits += 4;
      p += 4;
    }
    while (p < end) {
      c = b[p];
      if (c < 0x30 || c > 0x39) break;
      mantissa = mantissa * 10 + (c - 0x30);
      digits++;
      p++;
    }
    if (p >= end) return INCOMPLETE;
    let fraction = 0;
    if (c === 0x2e) {
      p++;
      while (p < end) {
        c = b[p];
        if (c < 0x30 || c > 0x39) break;
        mantissa = mantissa * 10 + (c - 0x30);
        digits++;
        fraction++;
        p++;
      }
      if (p >= end) return INCOMPLETE;
    }
    if (c === 0x65 || c === 0x45 || digits > 15) {
      if (c === 0x65 || c === 0x45) {
        p++;
        if (p < end && (b[p] === 0x2b || b[p] === 0x2d)) p++;
        while (p < end && b[p] >= 0x30 && b[p] <= 0x39) p++;
        if (p >= end) return INCOMPLETE;
      }
      this.number = Number(latin1(b, start, p));
    } else {
      if (digits === 0) throw this.error(start, 'invalid number');
      // Both operands are exact doubles, so one division rounds correctly.
      const value = fraction === 0 ? mantissa : mantissa / POW10[fraction];
      this.number = negative ? -value : value;
    }
    return p;
  }

  /**
   * Skips one JSON value starting at b[p] (not whitespace). Objects and arrays
   * are skipped by bracket depth, iteratively, so absurd nesting cannot
   * overflow the stack; strings are jumped over with indexOf.
   */
  private skipValue(b: Uint8Array, p: number, end: number): number {
    const c = b[p];
    if (c === QUOTE) {
      const close = findStringEnd(this.view, b, p + 1, end);
      return close < 0 ? INCOMPLETE : close + 1;
    }
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      // Hot: args objects are a large share of a trace's bytes. A tight loop
      // over a byte-class table for structure (runs between strings are a few
      // bytes, too short for word reads to pay); strings are jumped over by words.
      const classes = BYTE_CLASS;
      let depth = 0;
      for (;;) {
        let cls = 0;
        while (p < end && (cls = classes[b[p]]) === CLASS_PLAIN) p++;
        if (p >= end) return INCOMPLETE;
        if (cls === CLASS_QUOTE) {
          // Control bytes inside strings are let through here: only args are skipped this way.
          p = findStringEnd(this.view, b, p + 1, end);
          if (p < 0) return INCOMPLETE;
        } else if (cls === CLASS_OPEN) depth++;
        else if (cls === CLASS_CLOSE) {
          if (--depth === 0) return p + 1;
        } else if (cls === CLASS_CONTROL) {
          throw this.error(p, `unexpected ${describeByte(b[p])}`);
        }
        p++;
      }
    }
    // A scalar: number, true, false, null.
    if (!((c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x74 || c === 0x66 || c === 0x6e)) {
      throw this.error(p, `unexpected ${describeByte(c)}`);
    }
    const start = p;
    const scalar = SCALAR_BYTE;
    while (p < end && scalar[b[p]] === 1) p++;
    if (p >= end) return INCOMPLETE;
    const d = b[p];
    if (d === COMMA || d === CLOSE_BRACE || d === CLOSE_BRACKET || d === 0x20 || d === 0x0a || d === 0x0d || d === 0x09) return p;
    throw this.error(p, `unexpected ${describeByte(d)} in ${latin1(b, start, p)}…`);
  }
}

const CLASS_PLAIN = 0;
const CLASS_OPEN = 1;
const CLASS_QUOTE = 2;
const CLASS_BACKSLASH = 3;
const CLASS_CLOSE = 4;
const CLASS_CONTROL = 5;
/** Byte classes for skipping values; inside strings only QUOTE and BACKSLASH (>= CLASS_QUOTE, but brackets too) stop the scan. */
const BYTE_CLASS = (() => {
  const table = new Uint8Array(256);
  for (let c = 0; c < 0x20; c++) if (c !== 0x09 && c !== 0x0a && c !== 0x0d) table[c] = CLASS_CONTROL;
  table[OPEN_BRACE] = CLASS_OPEN;
  table[OPEN_BRACKET] = CLASS_OPEN;
  table[CLOSE_BRACE] = CLASS_CLOSE;
  table[CLOSE_BRACKET] = CLASS_CLOSE;
  table[QUOTE] = CLASS_QUOTE;
  table[BACKSLASH] = CLASS_BACKSLASH;
  return table;
})();

/** 1 for the bytes a JSON number or literal (true, false, null) can contain. */
const SCALAR_BYTE = (() => {
  const table = new Uint8Array(256);
  for (let c = 0; c < 256; c++) if (isScalarByte(c)) table[c] = 1;
  return table;
})();

function isScalarByte(c: number): boolean {
  // Digits, sign, dot, exponent and the letters of true/false/null.
  return (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e || (c >= 0x61 && c <= 0x7a) || c === 0x45;
}

// SWAR ("SIMD within a register") byte tests on little-endian 32-bit words
// read through a DataView: a set 0x80 bit marks a byte of the class. Only the
// lowest flagged byte is exact (a borrow can flag the bytes above it), which
// is the only one used.
/** Flags bytes equal to '"' or '\\'. */
function quoteOrBackslash(word: number): number {
  const q = word ^ 0x22222222;
  const s = word ^ 0x5c5c5c5c;
  return (((q - 0x01010101) & ~q) | ((s - 0x01010101) & ~s)) & 0x80808080;
}

/** Flags bytes equal to '"' or '\\', or below 0x20 (control characters, invalid in strings). */
function quoteBackslashOrControl(word: number): number {
  return quoteOrBackslash(word) | ((word - 0x20202020) & ~word & 0x80808080);
}

/** Value of a word of four ASCII digits, the first in the low byte. */
function fourDigits(word: number): number {
  const d = word - 0x30303030; // one digit per byte
  const pairs = d * 10 + (d >>> 8); // bytes 0 and 2 now hold the two-digit numbers 10*d0+d1 and 10*d2+d3
  return (pairs & 0xff) * 100 + ((pairs >>> 16) & 0xff);
}

/** Index (0-3) of the lowest flagged byte of a non-zero flag word. */
function firstFlaggedByte(flags: number): number {
  return (31 - Math.clz32(flags & -flags)) >> 3;
}

/**
 * Position of the closing quote of a string whose contents start at p, or -1.
 * Skips four bytes at a time while no quote or backslash is among them.
 */
function findStringEnd(v: DataView, b: Uint8Array, p: number, end: number): number {
  while (p < end) {
    if (p + 4 <= end) {
      const stops = quoteOrBackslash(v.getInt32(p, true));
      if (stops === 0) {
        p += 4;
        continue;
      }
      p += firstFlaggedByte(stops);
    }
    const c = b[p];
    if (c === QUOTE) return p;
    p += c === BACKSLASH ? 2 : 1;
  }
  return -1;
}

function skipWhitespace(b: Uint8Array, p: number, end: number): number {
  while (p < end) {
    const c = b[p];
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return p;
    p++;
  }
  return p;
}

function latin1(b: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(b[i]);
  return s;
}

function describeByte(c: number): string {
  if (c === undefined) return 'end of input';
  if (c >= 0x20 && c < 0x7f) return `"${String.fromCharCode(c)}"`;
  return `byte 0x${c.toString(16).padStart(2, '0')}`;
}

export function concat(parts: readonly Uint8Array[], length: number): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * Checks whether an unfinished tail could be the start of valid JSON, to tell
 * a cut-off file (fine: keep what was read) from trailing garbage (an error).
 * A small pushdown automaton over the bytes; no recursion.
 */
class TailProbe {
  firstInvalid(b: Uint8Array): number {
    const stack: number[] = [];
    let inString = false;
    let escape = false;
    for (let i = 0; i < b.length; i++) {
      const c = b[i];
      if (inString) {
        if (escape) escape = false;
        else if (c === BACKSLASH) escape = true;
        else if (c === QUOTE) inString = false;
        else if (c < 0x20) return i;
        continue;
      }
      if (c === QUOTE) inString = true;
      else if (c === OPEN_BRACE || c === OPEN_BRACKET) stack.push(c);
      else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        const open = stack.pop();
        if (open === undefined || (open === OPEN_BRACE) !== (c === CLOSE_BRACE)) return i;
      } else if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === COMMA || c === COLON) continue;
      else if (!isScalarByte(c)) return i;
    }
    return -1;
  }
}
