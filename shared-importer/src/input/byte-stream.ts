import { TraceImportError } from '../errors.ts';
import { formatBytes } from '../format-bytes.ts';

/**
 * An async byte-chunk stream that can show its first bytes (for gzip and
 * format detection) without losing them.
 */
export class ByteStream implements AsyncIterable<Uint8Array> {
  private readonly iterator: AsyncIterator<Uint8Array, unknown>;
  private readonly buffered: Uint8Array[] = [];
  private bufferedBytes = 0;
  private ended = false;
  private iterated = false;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  /** Up to `n` bytes from the start (fewer only if the stream is shorter). */
  async peek(n: number): Promise<Uint8Array> {
    while (this.bufferedBytes < n && !this.ended) {
      const { done, value } = await this.iterator.next();
      if (done) this.ended = true;
      else if (value.length > 0) {
        this.buffered.push(value);
        this.bufferedBytes += value.length;
      }
    }
    return concatBytes(this.buffered, Math.min(n, this.bufferedBytes));
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    if (this.iterated) throw new Error('ByteStream can only be read once');
    this.iterated = true;
    // By index, then cleared: shift() is quadratic when a host delivers the head in many tiny chunks.
    const head = this.buffered.splice(0);
    this.bufferedBytes = 0;
    try {
      for (const chunk of head) yield chunk;
      while (!this.ended) {
        const { done, value } = await this.iterator.next();
        if (done) this.ended = true;
        else if (value.length > 0) yield value;
      }
    } finally {
      // A reader that stops early (an importer keeping the events before bad bytes, a size cap).
      await this.close();
    }
  }

  /**
   * Lets the source go without reading the rest, so a host's file is closed
   * now rather than left open with its read-ahead buffered. For a reader that
   * stops early, or an import that fails before reading (an unknown format).
   */
  async close(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    this.buffered.length = 0;
    this.bufferedBytes = 0;
    await this.iterator.return?.();
  }

  /** The whole stream as one array; fails with 'too-large' past `maxBytes`. */
  async readAll(maxBytes: number, what = 'This format'): Promise<Uint8Array> {
    const chunks: Uint8Array[] = [];
    let total = 0;
    for await (const chunk of this) {
      total += chunk.length;
      if (total > maxBytes) {
        throw new TraceImportError('too-large', `${what} must be read whole, and this input is larger than the ${formatBytes(maxBytes)} limit.`);
      }
      chunks.push(chunk);
    }
    return concatBytes(chunks, total);
  }
}

export function concatBytes(chunks: readonly Uint8Array[], length: number): Uint8Array {
  if (chunks.length === 1 && chunks[0].length === length) return chunks[0];
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    if (offset >= length) break;
    const take = Math.min(chunk.length, length - offset);
    out.set(take === chunk.length ? chunk : chunk.subarray(0, take), offset);
    offset += take;
  }
  return out;
}

export function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}
