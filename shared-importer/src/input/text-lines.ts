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
export async function* textLineBatches(
  chunks: AsyncIterable<Uint8Array>,
  options: TextLineOptions = {},
): AsyncIterable<string[]> {
  const maxLineChars = options.maxLineChars ?? DEFAULT_MAX_LINE_CHARS;
  let decoder: TextDecoder | undefined;
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
    for (let i = from; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      lines.push(partial.length > 0 ? partial + text.slice(from, i) : text.slice(from, i));
      partial = '';
      if (c === 13) {
        if (i + 1 < text.length) {
          if (text.charCodeAt(i + 1) === 10) i++;
        } else {
          skipLeadingLf = true;
        }
      }
      from = i + 1;
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
      if (joined.length < 2) {
        pendingHead = joined;
        continue;
      }
      pendingHead = undefined;
      // TextDecoder drops the byte-order mark itself (ignoreBOM is false by default).
      decoder = new TextDecoder(detectTextEncoding(joined));
      bytes = joined;
    }
    const lines = split(decoder!.decode(bytes, { stream: true }), false);
    if (lines.length > 0) yield lines;
  }
  if (pendingHead) {
    // Input shorter than two bytes.
    decoder = new TextDecoder('utf-8');
    const lines = split(decoder.decode(pendingHead), true);
    if (lines.length > 0) yield lines;
    return;
  }
  const lines = split(decoder ? decoder.decode() : '', true);
  if (lines.length > 0) yield lines;
}
