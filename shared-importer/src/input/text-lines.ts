import { TraceImportError, throwIfAborted } from '../errors.ts';
import { detectTextEncoding } from './text-decoding.ts';

/** A line longer than this is not a text trace; failing beats buffering gigabytes waiting for a newline. */
const DEFAULT_MAX_LINE_CHARS = 64 * 1024 * 1024;

export interface TextLineOptions {
  signal?: AbortSignal;
  /** Name of the format, for the "line too long" error. */
  what?: string;
  maxLineChars?: number;
}

/**
 * Splits a byte stream into lines, decoding incrementally (UTF-8, or UTF-16
 * LE/BE when a byte-order mark says so). Yields the lines of each chunk as one
 * batch, so a multi-gigabyte file costs one await per chunk rather than per
 * line, and the text is never held as one string. Lines end at \n, \r\n or a
 * lone \r; terminators are not included; a final line without a terminator is
 * yielded too.
 */
export async function* textLineBatches(chunks: AsyncIterable<Uint8Array>, options: TextLineOptions = {}): AsyncIterable<string[]> {
  const maxLineChars = options.maxLineChars ?? DEFAULT_MAX_LINE_CHARS;
  let decode: ((bytes: Uint8Array, final: boolean) => string) | undefined;
  // Bytes held back until there are enough to recognise a byte-order mark.
  let pendingHead: Uint8Array | undefined = new Uint8Array(0);
  let partial = '';
  // A \r ended the previous chunk: a \n starting the next one belongs to it.
  let skipLeadingLf = false;

  const split = (text: string, final: boolean): string[] => {
    const lines: string[] = [];
    let from = 0;
    if (skipLeadingLf && text.length > 0) {
      if (text.charCodeAt(0) === 10) from = 1;
      skipLeadingLf = false;
    }
    // indexOf runs natively; scanning char by char in JS is several times slower.
    let nextLf = text.indexOf('\n', from);
    let nextCr = text.indexOf('\r', from);
    while (nextLf >= 0 || nextCr >= 0) {
      const end = nextCr < 0 ? nextLf : nextLf < 0 ? nextCr : Math.min(nextLf, nextCr);
      lines.push(partial.length > 0 ? partial + text.slice(from, end) : text.slice(from, end));
      partial = '';
      from = end + 1;
      if (end === nextCr) {
        if (from < text.length) {
          if (text.charCodeAt(from) === 10) from++;
        } else {
          skipLeadingLf = true;
        }
      }
      if (nextLf >= 0 && nextLf < from) nextLf = text.indexOf('\n', from);
      if (nextCr >= 0 && nextCr < from) nextCr = text.indexOf('\r', from);
    }
    if (from < text.length) partial += text.slice(from);
    if (partial.length > maxLineChars) {
      throw new TraceImportError(
        'invalid-data',
        `${options.what ?? 'This text trace'} has a line longer than ${maxLineChars} characters; the file is probably not text.`,
      );
    }
    if (final && partial.length > 0) {
      lines.push(partial);
      partial = '';
    }
    return lines;
  };

  for await (const chunk of chunks) {
    throwIfAborted(options.signal);
    let bytes = chunk;
    if (pendingHead) {
      const joined: Uint8Array = new Uint8Array(pendingHead.length + chunk.length);
      joined.set(pendingHead);
      joined.set(chunk, pendingHead.length);
      if (joined.length < 3) {
        pendingHead = joined;
        continue;
      }
      pendingHead = undefined;
      const start = textDecoderFor(joined);
      decode = start.decode;
      bytes = joined.subarray(start.bomLength);
    }
    const lines = split(decode!(bytes, false), false);
    if (lines.length > 0) yield lines;
  }
  if (pendingHead) {
    // Input shorter than three bytes.
    const start = textDecoderFor(pendingHead);
    decode = start.decode;
    pendingHead = pendingHead.subarray(start.bomLength);
  }
  const lines = split(decode ? decode(pendingHead ?? new Uint8Array(0), true) : '', true);
  if (lines.length > 0) yield lines;
}

/**
 * A chunk decoder for the encoding the first bytes announce. UTF-8 decodes
 * each chunk up to its last complete character without TextDecoder's
 * streaming mode (several times slower in V8/Node), carrying the few bytes of
 * a split character over to the next chunk. The byte-order mark is skipped
 * once, by `bomLength`, so a U+FEFF inside the text is kept.
 */
function textDecoderFor(head: Uint8Array): { decode: (bytes: Uint8Array, final: boolean) => string; bomLength: number } {
  const encoding = detectTextEncoding(head);
  if (encoding !== 'utf-8') {
    const decoder = new TextDecoder(encoding, { ignoreBOM: true });
    return { decode: (bytes, final) => decoder.decode(bytes, { stream: !final }), bomLength: 2 };
  }
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  let carry: Uint8Array = new Uint8Array(0);
  const decode = (chunk: Uint8Array, final: boolean): string => {
    let bytes = chunk;
    if (carry.length > 0) {
      bytes = new Uint8Array(carry.length + chunk.length);
      bytes.set(carry);
      bytes.set(chunk, carry.length);
    }
    const complete = final ? bytes.length : completeUtf8Length(bytes);
    carry = bytes.slice(complete);
    return decoder.decode(complete === bytes.length ? bytes : bytes.subarray(0, complete));
  };
  const hasBom = head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf;
  return { decode, bomLength: hasBom ? 3 : 0 };
}

/** Length of the prefix of `bytes` that ends on a UTF-8 character boundary. */
function completeUtf8Length(bytes: Uint8Array): number {
  let i = bytes.length - 1;
  // Step back over at most three continuation bytes to the lead byte.
  while (i >= 0 && bytes.length - i <= 3 && (bytes[i] & 0xc0) === 0x80) i--;
  if (i < 0) return bytes.length;
  const lead = bytes[i];
  const needed = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return bytes.length - i >= needed ? bytes.length : i;
}

/**
 * A copy of `text` that does not keep the chunk it was cut from alive. V8
 * represents substrings as slices of their parent, so a frame name kept from
 * each 4 MB chunk would otherwise pin the whole decoded file in memory.
 * Concatenating then slicing forces a fresh flat string.
 */
export function detachedString(text: string): string {
  return ` ${text}`.slice(1);
}
