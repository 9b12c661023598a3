// WebAssembly fast path of the Chrome Trace Event scanner, in AssemblyScript.
// Built by scripts/build-wasm.ts into src/formats/chrome-trace-event-kernel.wasm.ts;
// driven by src/formats/chrome-trace-event-kernel.ts.
//
// Parses runs of ordinary events inside the "traceEvents" array with SIMD
// (16 and 64 bytes per step) and writes one fixed-size record per event. It
// never reports errors: anything unusual (a string it has not been told about,
// escapes in a name, a quoted or exponent number, a malformed or unfinished
// event) makes it stop at that event's start, and the TypeScript scanner, the
// reference implementation, parses that one event and reports its errors. So
// the kernel has to agree with the TypeScript scanner on what it accepts and
// on the values it reads, and may decline anything else.
//
// Memory layout (addresses from `layout`): records | status | intern slots |
// intern entries | string cache | string pool | input. Only the host grows memory, between calls.

const QUOTE: u32 = 0x22;
const BACKSLASH: u32 = 0x5c;
const COMMA: u32 = 0x2c;
const COLON: u32 = 0x3a;
const OPEN_BRACE: u32 = 0x7b;
const CLOSE_BRACE: u32 = 0x7d;

// The event keys told apart (the codes are the kernel's own).
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
/** Thread timestamp: not read, but so common in Chrome's traces that it is told apart to skip it quickly. */
const KEY_TTS = 11;

// Why scan() returned.
const STOP_SLOW = 0; // the item at the returned position needs the TypeScript scanner
const STOP_FULL = 1; // the record area is full
const STOP_END = 2; // the input ended between items

/** Record: ts, dur, tdur, pid, tid as f64, then ph, name, cat, argsStart, argsEnd, idStart, idEnd as i32. */
const RECORD_SIZE: usize = 72;
const RECORD_CAPACITY: i32 = 2048;
const SLOT_BITS: u32 = 16;
const SLOT_COUNT: usize = 1 << SLOT_BITS;
/** Entry: hash (stringHash), pool address, length, id (i32 each). */
const ENTRY_SIZE: usize = 16;
const ENTRY_CAPACITY: i32 = 32768;
const POOL_SIZE: usize = 1 << 20;
/** String cache slot: the first eight bytes of a string as read (u64), its entry (i32), padding. */
const CACHE_BITS: i32 = 10;
const CACHE_BYTES: usize = 16 << CACHE_BITS;

const POW10 = memory.data<f64>([1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15]);
const POW10_INT = memory.data<u64>([
  1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000, 10000000000, 100000000000, 1000000000000,
  10000000000000, 100000000000000, 1000000000000000,
]);

/**
 * The keys of the last event read, in order, each as the literal bytes from
 * its opening quote to the colon (at most eight) with their mask, key code and
 * length (32 bytes a key). Events of a trace mostly repeat one key order, so
 * one masked compare usually reads a key.
 */
const TEMPLATE_KEYS = 16;
const TEMPLATE = memory.data(TEMPLATE_KEYS * 32, 16);

const RECORDS: usize = (__heap_base + 63) & ~63;
const STATUS: usize = RECORDS + RECORD_SIZE * <usize>RECORD_CAPACITY;
const SLOTS: usize = STATUS + 64;
const ENTRIES: usize = SLOTS + SLOT_COUNT * 4;
const CACHE: usize = ENTRIES + ENTRY_SIZE * <usize>ENTRY_CAPACITY;
const POOL: usize = CACHE + CACHE_BYTES;
const INPUT: usize = (POOL + POOL_SIZE + 0xffff) & ~0xffff;

let entryCount: i32 = 0;
let poolUsed: usize = 0;

(function init(): void {
  const pages = <i32>((INPUT >>> 16) + 16) - memory.size();
  if (pages > 0) memory.grow(pages);
  reset();
})();

/** Forgets every string, for a new trace: an instance (and its memory, already paged in) is reused. */
export function reset(): void {
  entryCount = 0;
  poolUsed = 0;
  memory.fill(SLOTS, 0xff, SLOT_COUNT * 4);
  memory.fill(CACHE, 0xff, CACHE_BYTES);
  for (let i = 0; i < TEMPLATE_KEYS; i++) forgetKey(TEMPLATE + (<usize>i << 5));
}

/** Addresses the host needs: 0 records, 1 status, 2 input, 3 record capacity. */
export function layout(which: i32): usize {
  if (which == 0) return RECORDS;
  if (which == 1) return STATUS;
  if (which == 2) return INPUT;
  return <usize>RECORD_CAPACITY;
}

/**
 * Adds string `id`, `length` raw bytes (as between the quotes in JSON):
 * returns the address the host copies them to before calling commit(), or 0
 * when the table is full (the string then always takes the slow path).
 */
export function register(length: i32, id: i32): usize {
  // The pool keeps 8 spare bytes so stringHash's word reads stay inside it.
  if (entryCount == ENTRY_CAPACITY || poolUsed + <usize>length + 8 > POOL_SIZE) return 0;
  const address = POOL + poolUsed;
  poolUsed += <usize>length;
  const entry = entryCount++;
  const e = ENTRIES + <usize>entry * ENTRY_SIZE;
  store<u32>(e, <u32>address, 4);
  store<i32>(e, length, 8);
  store<i32>(e, id, 12);
  return address;
}

/** Files the entry registered last, once the host has copied its bytes. */
export function commit(): void {
  const entry = entryCount - 1;
  const e = ENTRIES + <usize>entry * ENTRY_SIZE;
  const hash = stringHash(<usize>load<u32>(e, 4), load<i32>(e, 8));
  store<u32>(e, hash);
  let slot = <usize>(hash >>> (32 - SLOT_BITS));
  while (load<i32>(SLOTS + (slot << 2)) >= 0) slot = (slot + 1) & (SLOT_COUNT - 1);
  store<i32>(SLOTS + (slot << 2), entry);
}

/**
 * Hash of the `length` bytes at p from their first and last eight bytes and
 * the length: constant time for any length (names can be long); equal
 * prefixes and suffixes only cost a longer probe, as entries compare in full.
 */
@inline function stringHash(p: usize, length: i32): u32 {
  let first: u64;
  let last: u64 = 0;
  if (length >= 8) {
    first = load<u64>(p);
    last = load<u64>(p + <usize>length - 8);
  } else first = load<u64>(p) & ((<u64>1 << (<u64>length << 3)) - 1);
  const mixed = (first * 0x9e3779b97f4a7c15) ^ (last * 0xc2b2ae3d27d4eb4f) ^ <u64>length;
  return <u32>((mixed ^ (mixed >> 29)) * 0xbf58476d1ce4e5b9 >> 32);
}

/**
 * Parses items of the events array from input offset `p` to `end`; `afterItem`
 * is 1 when an item was just read (a ',' comes next). Writes records, then
 * status: [0] records written, [1] stop reason, [2] afterItem at the returned
 * offset. Returns the input offset it stopped at.
 */
export function scan(p: i32, end: i32, afterItem: i32): i32 {
  let at = INPUT + <usize>p;
  const stop = INPUT + <usize>end;
  let count: i32 = 0;
  let reason = STOP_END;
  while (true) {
    at = skipWhitespace(at, stop);
    if (at >= stop) break;
    const c = <u32>load<u8>(at);
    if (afterItem) {
      if (c != COMMA) {
        reason = STOP_SLOW;
        break;
      }
      afterItem = 0;
      at++;
      continue;
    }
    if (count == RECORD_CAPACITY) {
      reason = STOP_FULL;
      break;
    }
    if (c != OPEN_BRACE) {
      reason = STOP_SLOW;
      break;
    }
    const next = parseEvent(at, stop, RECORDS + <usize>count * RECORD_SIZE);
    if (next == 0) {
      reason = STOP_SLOW;
      break;
    }
    count++;
    afterItem = 1;
    at = next;
  }
  store<i32>(STATUS, count);
  store<i32>(STATUS, reason, 4);
  store<i32>(STATUS, afterItem, 8);
  return <i32>(at - INPUT);
}

/** First non-whitespace address at or after p (end if none). Most JSON has none, so the first byte is tested inline. */
@inline function skipWhitespace(p: usize, end: usize): usize {
  return p < end && <u32>load<u8>(p) > 0x20 ? p : skipWhitespaceLoop(p, end);
}

function skipWhitespaceLoop(p: usize, end: usize): usize {
  while (p < end) {
    const c = load<u8>(p);
    if (c != 0x20 && c != 0x0a && c != 0x0d && c != 0x09) return p;
    p++;
  }
  return p;
}

/**
 * Key code from the little-endian word at a key's first letter and the byte
 * after it (as the TypeScript scanner's keyOfWord): the first letter picks the
 * candidates, whose letters and closing quote must then match exactly.
 */
@inline function keyOfWord(word: u32, fifth: u32): i32 {
  switch (word & 0xff) {
    case 0x70: // p
      if ((word & 0xffffff) == 0x226870) return KEY_PH;
      if (word == 0x22646970) return KEY_PID;
      break;
    case 0x74: // t
      if ((word & 0xffffff) == 0x227374) return KEY_TS;
      if (word == 0x22646974) return KEY_TID;
      if (word == 0x72756474 && fifth == QUOTE) return KEY_TDUR;
      if (word == 0x22737474) return KEY_TTS;
      break;
    case 0x69: // i
      if ((word & 0xffffff) == 0x226469) return KEY_ID;
      break;
    case 0x64: // d
      if (word == 0x22727564) return KEY_DUR;
      break;
    case 0x63: // c
      if (word == 0x22746163) return KEY_CAT;
      break;
    case 0x6e: // n
      if (word == 0x656d616e && fifth == QUOTE) return KEY_NAME;
      break;
    case 0x61: // a
      if (word == 0x73677261 && fifth == QUOTE) return KEY_ARGS;
      break;
  }
  return KEY_OTHER;
}

@inline function keyLength(key: i32): usize {
  return key <= KEY_ID ? 2 : key <= KEY_CAT || key == KEY_TTS ? 3 : 4;
}

/** Remembers the key read at `quote` (closing quote at keyEnd) for its position; a key that cannot be compared as one word is remembered as matching nothing. */
@inline function learnKey(slot: usize, quote: usize, keyEnd: usize, key: i32): void {
  const length = <i32>(keyEnd + 2 - quote);
  if (length <= 8 && <u32>load<u8>(keyEnd + 1) == COLON) {
    const mask = length == 8 ? <u64>-1 : (<u64>1 << (<u64>length << 3)) - 1;
    store<u64>(slot, load<u64>(quote) & mask);
    store<u64>(slot, mask, 8);
    store<i32>(slot, key, 16);
    store<i32>(slot, length, 20);
  } else forgetKey(slot);
}

@inline function forgetKey(slot: usize): void {
  store<u64>(slot, 1);
  store<u64>(slot, 0, 8);
}

/** Parses the event object at p ('{'); returns the address after its '}', or 0 to leave it to the slow path. */
function parseEvent(p: usize, end: usize, record: usize): usize {
  let ph: i32 = 0;
  let name: i32 = -1;
  let cat: i32 = -1;
  let ts: f64 = NaN;
  let dur: f64 = NaN;
  let tdur: f64 = NaN;
  let pid: f64 = 0;
  let tid: f64 = 0;
  let argsStart: i32 = -1;
  let argsEnd: i32 = -1;
  let idStart: i32 = -1;
  let idEnd: i32 = -1;
  let position: i32 = 0;
  p = skipWhitespace(p + 1, end);
  if (p >= end) return 0;
  if (<u32>load<u8>(p) != CLOSE_BRACE) {
    while (true) {
      let key: i32;
      // Keys past the 16th compare with an earlier position's key: harmless, a match is still that very key.
      const expected = TEMPLATE + (<usize>(position & (TEMPLATE_KEYS - 1)) << 5);
      if (p + 8 <= end && (load<u64>(p) & load<u64>(expected, 8)) == load<u64>(expected)) {
        // The key the previous event had here, with its colon.
        key = load<i32>(expected, 16);
        p = skipWhitespace(p + <usize>load<i32>(expected, 20), end);
      } else {
        if (<u32>load<u8>(p) != QUOTE || p + 6 > end) return 0;
        const keyStart = p + 1;
        key = keyOfWord(load<u32>(keyStart), <u32>load<u8>(keyStart + 4));
        let keyEnd: usize;
        if (key == KEY_OTHER) {
          keyEnd = plainStringEnd(keyStart, end);
          if (keyEnd == 0) return 0;
        } else keyEnd = keyStart + keyLength(key);
        if (position < TEMPLATE_KEYS) learnKey(expected, p, keyEnd, key);
        p = skipWhitespace(keyEnd + 1, end);
        if (p >= end || <u32>load<u8>(p) != COLON) return 0;
        p = skipWhitespace(p + 1, end);
      }
      if (p >= end) return 0;
      position++;
      switch (key) {
        case KEY_PH: {
          if (p + 3 > end || <u32>load<u8>(p) != QUOTE || <u32>load<u8>(p + 2) != QUOTE) return 0;
          ph = <i32>load<u8>(p + 1);
          if (<u32>ph == BACKSLASH || ph < 0x20) return 0;
          p += 3;
          break;
        }
        case KEY_TS:
        case KEY_DUR:
        case KEY_TDUR:
        case KEY_PID:
        case KEY_TID: {
          p = readNumber(p, end);
          if (p == 0) return 0;
          if (key == KEY_TS) ts = number;
          else if (key == KEY_DUR) dur = number;
          else if (key == KEY_TDUR) tdur = number;
          else if (key == KEY_PID) pid = number;
          else tid = number;
          break;
        }
        case KEY_NAME:
        case KEY_CAT: {
          p = readKnownString(p, end);
          if (p == 0) return 0;
          const id = load<i32>(ENTRIES + <usize>matched * ENTRY_SIZE, 12);
          if (key == KEY_NAME) name = id;
          else cat = id;
          break;
        }
        default: {
          const start = p;
          p = skipValue(p, end);
          if (p == 0) return 0;
          if (key == KEY_ARGS) {
            argsStart = <i32>(start - INPUT);
            argsEnd = <i32>(p - INPUT);
          } else if (key == KEY_ID) {
            idStart = <i32>(start - INPUT);
            idEnd = <i32>(p - INPUT);
          }
        }
      }
      p = skipWhitespace(p, end);
      if (p >= end) return 0;
      const c = <u32>load<u8>(p);
      if (c == CLOSE_BRACE) break;
      if (c != COMMA) return 0;
      p = skipWhitespace(p + 1, end);
      if (p >= end) return 0;
    }
  }
  store<f64>(record, ts);
  store<f64>(record, dur, 8);
  store<f64>(record, tdur, 16);
  store<f64>(record, pid, 24);
  store<f64>(record, tid, 32);
  store<i32>(record, ph, 40);
  store<i32>(record, name, 44);
  store<i32>(record, cat, 48);
  store<i32>(record, argsStart, 52);
  store<i32>(record, argsEnd, 56);
  store<i32>(record, idStart, 60);
  store<i32>(record, idEnd, 64);
  return p + 1;
}

/** Flags of the 16 bytes at p that are '"' or '\\'. */
@inline function quoteOrBackslash(p: usize): i32 {
  const v = v128.load(p);
  return i8x16.bitmask(v128.or(i8x16.eq(v, i8x16.splat(0x22)), i8x16.eq(v, i8x16.splat(0x5c))));
}

/** Closing quote of a key whose contents start at p, or 0 at a backslash, a control byte or the end. */
function plainStringEnd(p: usize, end: usize): usize {
  while (p + 16 <= end) {
    const v = v128.load(p);
    const flags = i8x16.bitmask(
      v128.or(v128.or(i8x16.eq(v, i8x16.splat(0x22)), i8x16.eq(v, i8x16.splat(0x5c))), i8x16.lt_u(v, i8x16.splat(0x20))),
    );
    if (flags == 0) {
      p += 16;
      continue;
    }
    const at = p + <usize>ctz(flags);
    return <u32>load<u8>(at) == QUOTE ? at : 0;
  }
  for (; p < end; p++) {
    const c = <u32>load<u8>(p);
    if (c == QUOTE) return p;
    if (c == BACKSLASH || c < 0x20) return 0;
  }
  return 0;
}

/** Closing quote of a string being skipped (escapes allowed), contents from p; 0 at the end. */
function skippedStringEnd(p: usize, end: usize): usize {
  while (true) {
    if (p + 16 <= end) {
      const flags = quoteOrBackslash(p);
      if (flags == 0) {
        p += 16;
        continue;
      }
      p += <usize>ctz(flags);
    } else if (p >= end) return 0;
    const c = <u32>load<u8>(p);
    if (c == QUOTE) return p;
    p += c == BACKSLASH ? 2 : 1;
  }
}

/** Entry index of the last string read by readKnownString. */
let matched: i32 = -1;

/**
 * Reads the string at p if the kernel knows it; returns the address after its
 * closing quote, or 0. A trace uses few distinct names and categories, so the
 * string's first eight bytes as read (for a short string: it, its closing
 * quote and what follows) find its entry in a small cache, most of the time
 * without searching for the closing quote or hashing the whole string.
 */
function readKnownString(p: usize, end: usize): usize {
  if (<u32>load<u8>(p) != QUOTE) return 0;
  const start = p + 1;
  if (start + 8 > end) return findKnownString(start, end);
  const word = load<u64>(start);
  const slot = CACHE + (<usize>((word * 0x9e3779b97f4a7c15) >> <u64>(64 - CACHE_BITS)) << 4);
  const entry = load<i32>(slot, 8);
  if (entry >= 0 && load<u64>(slot) == word) {
    const e = ENTRIES + <usize>entry * ENTRY_SIZE;
    const length = load<i32>(e, 8);
    const close = start + <usize>length;
    // A short string's closing quote is in the cached word, so the word alone matches it.
    if (length < 8 || (close < end && <u32>load<u8>(close) == QUOTE && equalBytes(<usize>load<u32>(e, 4) + 8, start + 8, length - 8))) {
      matched = entry;
      return close + 1;
    }
  }
  const after = findKnownString(start, end);
  if (after != 0) {
    store<u64>(slot, word);
    store<i32>(slot, matched, 8);
  }
  return after;
}

/** Looks the string whose contents start at p up in the table; returns the address after its closing quote, or 0. */
function findKnownString(start: usize, end: usize): usize {
  const close = plainStringEnd(start, end);
  if (close == 0) return 0;
  const length = <i32>(close - start);
  const h = stringHash(start, length);
  let slot = <usize>(h >>> (32 - SLOT_BITS));
  while (true) {
    const entry = load<i32>(SLOTS + (slot << 2));
    if (entry < 0) return 0;
    const e = ENTRIES + <usize>entry * ENTRY_SIZE;
    if (load<u32>(e) == h && load<i32>(e, 8) == length && equalBytes(<usize>load<u32>(e, 4), start, length)) {
      matched = entry;
      return close + 1;
    }
    slot = (slot + 1) & (SLOT_COUNT - 1);
  }
}

function equalBytes(a: usize, b: usize, length: i32): bool {
  let i = 0;
  for (; i + 8 <= length; i += 8) if (load<u64>(a + <usize>i) != load<u64>(b + <usize>i)) return false;
  for (; i < length; i++) if (load<u8>(a + <usize>i) != load<u8>(b + <usize>i)) return false;
  return true;
}

/** Value of the last number read by readNumber. */
let number: f64 = 0;

/**
 * A plain JSON number (sign, up to 15 digits, fraction; no exponent) at p
 * into `number`; returns the address after it, or 0 for anything else
 * (the TypeScript scanner handles quoted numbers, exponents, long mantissas).
 */
function readNumber(p: usize, end: usize): usize {
  let negative = false;
  const first = <u32>load<u8>(p);
  if (first == 0x2d) {
    negative = true;
    p++;
  } else if (first - 0x30 > 9) return 0; // as the TypeScript scanner, which reads a number only from '-' or a digit

  let mantissa: u64 = 0;
  let digits = 0;
  let fraction = 0;
  p = readDigits(p, end);
  if (p == 0) return 0;
  mantissa = runValue;
  digits = runLength;
  let c = <u32>load<u8>(p);
  if (c == 0x2e) {
    p = readDigits(p + 1, end);
    if (p == 0) return 0;
    // Up to 15 digits in all, so the multiply cannot overflow.
    fraction = runLength;
    digits += fraction;
    if (digits > 15) return 0;
    mantissa = mantissa * load<u64>(POW10_INT + (<usize>fraction << 3)) + runValue;
    c = <u32>load<u8>(p);
  }
  if (digits == 0 || digits > 15 || c == 0x65 || c == 0x45) return 0;
  // The mantissa is below 2^53, so it and the power of ten are exact doubles and one division rounds correctly.
  let value = <f64>mantissa;
  if (fraction > 0) value /= load<f64>(POW10 + (<usize>fraction << 3));
  number = negative ? -value : value;
  return p;
}

/** Digit count and value (of at most the first 16 digits) of the last run read by readDigits. */
let runLength = 0;
let runValue: u64 = 0;

/**
 * Reads the run of ASCII digits at p into runLength and runValue, eight bytes
 * per step: a per-byte digit test on the word, then the value of its leading
 * digits in one SWAR conversion. Returns the address after the run, or 0 if
 * the buffer ends inside it.
 */
function readDigits(p: usize, end: usize): usize {
  let length = 0;
  let value: u64 = 0;
  while (p + 8 <= end) {
    const word = load<u64>(p);
    // A non-zero byte marks a non-digit (a carry out of a byte >= 0xfa only reaches bytes after it).
    const other = ((word & 0xf0f0f0f0f0f0f0f0) ^ 0x3030303030303030) | (((word + 0x0606060606060606) & 0xf0f0f0f0f0f0f0f0) ^ 0x3030303030303030);
    if (other == 0) {
      if (length < 16) value = value * 100000000 + eightDigits(word);
      length += 8;
      p += 8;
      continue;
    }
    const count = <i32>(ctz(other) >> 3);
    if (count > 0) {
      // Move the digits to the word's top bytes and fill the bytes below with '0'.
      const shift = <u64>(64 - 8 * count);
      if (length < 16) value = value * load<u64>(POW10_INT + (<usize>count << 3)) + eightDigits((word << shift) | (0x3030303030303030 >> (64 - shift)));
      length += count;
    }
    runLength = length;
    runValue = value;
    return p + <usize>count;
  }
  for (; p < end; p++) {
    const c = <u32>load<u8>(p) - 0x30;
    if (c > 9) {
      runLength = length;
      runValue = value;
      return p;
    }
    if (length < 16) value = value * 10 + <u64>c;
    length++;
  }
  return 0;
}

/** Value of eight ASCII digits, the first in the low byte. */
@inline function eightDigits(word: u64): u64 {
  let d = word - 0x3030303030303030;
  d = (d * 10 + (d >> 8)) & 0x00ff00ff00ff00ff;
  d = (d * 100 + (d >> 16)) & 0x0000ffff0000ffff;
  return (d * 10000 + (d >> 32)) & 0xffffffff;
}

/** Skips the value at p; returns the address after it, or 0 (unfinished or not valid). */
function skipValue(p: usize, end: usize): usize {
  const c = <u32>load<u8>(p);
  if (c == QUOTE) {
    const close = skippedStringEnd(p + 1, end);
    return close == 0 ? 0 : close + 1;
  }
  if ((c | 0x20) == OPEN_BRACE) return skipComposite(p, end);
  // A scalar: number, true, false, null.
  if (!(c - 0x30 <= 9 || c == 0x2d || c == 0x74 || c == 0x66 || c == 0x6e)) return 0;
  if (c - 0x30 <= 9) {
    p = readDigits(p, end);
    if (p == 0) return 0;
  }
  while (p < end && isScalarByte(<u32>load<u8>(p))) p++;
  if (p >= end) return 0;
  const d = <u32>load<u8>(p);
  return d == COMMA || d == CLOSE_BRACE || d == 0x5d || d == 0x20 || d == 0x0a || d == 0x0d || d == 0x09 ? p : 0;
}

@inline function isScalarByte(c: u32): bool {
  return c - 0x30 <= 9 || c == 0x2d || c == 0x2b || c == 0x2e || c - 0x61 <= 25 || c == 0x45;
}

// State of a composite skip between the block loop and the byte loop.
let skipDepth: i32 = 0;
let skipInString = false;
/** Set by skipBytes when the composite ended (its return value is then the address after it). */
let skipDone = false;

/** Bits of the 64 bytes at p equal to `c`. */
@inline function mask64(a: v128, b: v128, c: v128, d: v128, byte: v128): u64 {
  return (
    <u64>i8x16.bitmask(i8x16.eq(a, byte)) |
    (<u64>i8x16.bitmask(i8x16.eq(b, byte)) << 16) |
    (<u64>i8x16.bitmask(i8x16.eq(c, byte)) << 32) |
    (<u64>i8x16.bitmask(i8x16.eq(d, byte)) << 48)
  );
}

/** Bits of the 64 bytes below 0x20. */
@inline function controlMask64(a: v128, b: v128, c: v128, d: v128): u64 {
  const limit = i8x16.splat(0x20);
  return (
    <u64>i8x16.bitmask(i8x16.lt_u(a, limit)) |
    (<u64>i8x16.bitmask(i8x16.lt_u(b, limit)) << 16) |
    (<u64>i8x16.bitmask(i8x16.lt_u(c, limit)) << 32) |
    (<u64>i8x16.bitmask(i8x16.lt_u(d, limit)) << 48)
  );
}

/**
 * Skips the object or array at p by bracket depth, 64 bytes per step (the
 * simdjson method): bit masks of quotes and brackets, a prefix XOR of the
 * quote mask marks the bytes inside strings, and brackets outside strings are
 * counted with popcnt. Blocks with a backslash or a control byte go byte by
 * byte. Returns the address after the value, or 0 (unfinished or invalid).
 */
function skipComposite(p: usize, end: usize): usize {
  // Empty args are common.
  if (p + 1 < end && (<u32>load<u8>(p + 1) | 0x20) == CLOSE_BRACE) return p + 2;
  skipDepth = 0;
  skipInString = false;
  while (p + 64 <= end) {
    const a = v128.load(p);
    const b = v128.load(p, 16);
    const c = v128.load(p, 32);
    const d = v128.load(p, 48);
    if ((mask64(a, b, c, d, i8x16.splat(0x5c)) | controlMask64(a, b, c, d)) != 0) {
      p = skipBytes(p, p + 64);
      if (p == 0 || skipDone) return p;
      continue;
    }
    let inside = mask64(a, b, c, d, i8x16.splat(0x22));
    inside ^= inside << 1;
    inside ^= inside << 2;
    inside ^= inside << 4;
    inside ^= inside << 8;
    inside ^= inside << 16;
    inside ^= inside << 32;
    if (skipInString) inside = ~inside;
    skipInString = <i64>inside < 0;
    const opens = mask64(v128.or(a, i8x16.splat(0x20)), v128.or(b, i8x16.splat(0x20)), v128.or(c, i8x16.splat(0x20)), v128.or(d, i8x16.splat(0x20)), i8x16.splat(0x7b)) & ~inside;
    const closes = mask64(v128.or(a, i8x16.splat(0x20)), v128.or(b, i8x16.splat(0x20)), v128.or(c, i8x16.splat(0x20)), v128.or(d, i8x16.splat(0x20)), i8x16.splat(0x7d)) & ~inside;
    const closeCount = <i32>popcnt(closes);
    if (closeCount < skipDepth) {
      // Depth cannot reach zero inside this block.
      skipDepth += <i32>popcnt(opens) - closeCount;
    } else {
      let brackets = opens | closes;
      while (brackets != 0) {
        const bit = brackets & (~brackets + 1);
        if ((opens & bit) != 0) skipDepth++;
        else if (--skipDepth == 0) return p + <usize>ctz(bit) + 1;
        brackets ^= bit;
      }
    }
    p += 64;
  }
  p = skipBytes(p, end);
  return skipDone ? p : 0;
}

/**
 * Byte-by-byte part of skipComposite over [p, limit) (may pass limit to
 * finish an escape); state in skipDepth/skipInString. Returns the address it
 * stopped at, with skipDone set when the value ended there; 0 when invalid.
 */
function skipBytes(p: usize, limit: usize): usize {
  skipDone = false;
  let depth = skipDepth;
  let inString = skipInString;
  while (p < limit) {
    const c = <u32>load<u8>(p);
    if (inString) {
      if (c == QUOTE) inString = false;
      else if (c == BACKSLASH) p++;
    } else if (c == QUOTE) inString = true;
    else if ((c | 0x20) == OPEN_BRACE) depth++;
    else if ((c | 0x20) == CLOSE_BRACE) {
      if (--depth == 0) {
        skipDone = true;
        return p + 1;
      }
    } else if (c < 0x20 && c != 0x0a && c != 0x0d && c != 0x09) return 0;
    p++;
  }
  skipDepth = depth;
  skipInString = inString;
  return p;
}
