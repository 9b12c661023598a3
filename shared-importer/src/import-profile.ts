import { abortedError, TraceImportError, throwIfAborted, unknownFormatError } from './errors.ts';
import type { SniffedHead } from './formats/format-importer.ts';
import { detectFormat } from './formats/registry.ts';
import { formatBytes } from './format-bytes.ts';
import { ByteStream, isGzip } from './input/byte-stream.ts';
import {
  DEFAULT_MAX_BUFFERED_BYTES,
  DEFAULT_MAX_DECOMPRESSED_BYTES,
  type Gunzip,
  type ImportOptions,
  type ImportProgress,
} from './input/import-options.ts';
import { decodeHead } from './input/text-decoding.ts';
import { hasWebGunzip, webGunzip } from './input/web-gunzip.ts';
import type { Profile } from './model/profile.ts';

const SNIFF_BYTES = 64 * 1024;
const PROGRESS_EVERY_BYTES = 512 * 1024;

/**
 * Imports a trace given as a stream of byte chunks. Never holds the whole
 * input as one string, so traces beyond V8's string limit import; gzip is
 * recognised by its magic bytes and the format by content.
 */
export async function importProfileFromChunks(
  fileName: string,
  chunks: AsyncIterable<Uint8Array>,
  options: ImportOptions = {},
): Promise<Profile> {
  try {
    return await importChunks(fileName, chunks, options);
  } catch (error) {
    // A cancelled source fails in its own words (an AbortError, a destroyed
    // gunzip stream, "corrupt" data) wherever the import was: report the cancel.
    if (options.signal?.aborted) throw abortedError();
    throw error;
  }
}

async function importChunks(fileName: string, chunks: AsyncIterable<Uint8Array>, options: ImportOptions): Promise<Profile> {
  const { signal, onProgress, totalBytes } = options;
  throwIfAborted(signal);
  let bytesRead = 0;
  let events = 0;
  let lastReported = 0;
  let phase: ImportProgress['phase'] = 'reading';
  const report = () => onProgress?.({ phase, bytesRead, totalBytes, events });

  const sourceErrors = new WeakSet<object>();
  async function* counted(): AsyncIterable<Uint8Array> {
    const iterator = chunks[Symbol.asyncIterator]();
    let finished = false;
    try {
      for (;;) {
        let next: IteratorResult<Uint8Array>;
        try {
          next = await iterator.next();
        } catch (error) {
          finished = true;
          if (error instanceof Object) sourceErrors.add(error);
          throw error;
        }
        if (next.done) {
          finished = true;
          return;
        }
        throwIfAborted(signal);
        bytesRead += next.value.length;
        if (bytesRead - lastReported >= PROGRESS_EVERY_BYTES) {
          lastReported = bytesRead;
          report();
        }
        yield next.value;
      }
    } finally {
      // Stopped early (error or cancel downstream): let the source close its file.
      if (!finished) await iterator.return?.();
    }
  }

  let input = new ByteStream(counted());
  try {
    const magic = await input.peek(2);
    if (magic.length === 0) throw new TraceImportError('empty', `"${fileName}" is empty.`);
    if (isGzip(magic)) {
      const gunzip = options.gunzip ?? defaultGunzip();
      const max = options.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES;
      input = new ByteStream(capped(guardedGunzip(gunzip, input), max));
    }
    input = new ByteStream(
      whenDone(input, () => {
        if (signal?.aborted) return;
        phase = 'building';
        report();
      }),
    );

    const headBytes = await input.peek(SNIFF_BYTES);
    if (headBytes.length === 0) throw new TraceImportError('empty', `"${fileName}" decompresses to nothing.`);
    const head: SniffedHead = { bytes: headBytes, text: decodeHead(headBytes) };
    const importer = detectFormat(head);
    if (!importer) throw unknownFormatError(fileName);

    try {
      const profile = await importer.import(input, {
        fileName,
        signal,
        maxBufferedBytes: options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES,
        countEvents(n) {
          events += n;
        },
      });
      report();
      return profile;
    } catch (error) {
      // Errors of the host's byte source (file I/O) pass through for the host to report;
      // anything else an importer did not foresee still reaches the user as a typed error.
      if (error instanceof TraceImportError || (error instanceof Object && sourceErrors.has(error))) throw error;
      const message = error instanceof Error ? error.message : String(error);
      throw new TraceImportError('invalid-data', `Could not import "${fileName}" as ${importer.format}: ${message}`);
    }
  } finally {
    // Whatever was not read is let go (each layer returns the one below, down
    // to the host's file). A failure to close must not hide the import's outcome.
    await input.close().catch(() => {});
  }
}

/** Convenience for inputs already in memory. */
export function importProfilesFromArrayBuffer(
  fileName: string,
  buffer: ArrayBuffer | Uint8Array,
  options: ImportOptions = {},
): Promise<Profile> {
  const bytes = buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer);
  async function* one(): AsyncIterable<Uint8Array> {
    yield bytes;
  }
  return importProfileFromChunks(fileName, one(), { totalBytes: bytes.length, ...options });
}

/**
 * The chunks of `source`, then a call once the reader is done with them: after
 * the last, or when it stops early (an importer that keeps what it read before
 * bad bytes). Not when the source fails.
 */
async function* whenDone(source: AsyncIterable<Uint8Array>, done: () => void): AsyncIterable<Uint8Array> {
  let failed = false;
  try {
    yield* source;
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    if (!failed) done();
  }
}

function defaultGunzip(): Gunzip {
  if (!hasWebGunzip()) {
    throw new TraceImportError('decompression-failed', 'This input is gzip-compressed and no gzip decoder is available here.');
  }
  return webGunzip;
}

async function* guardedGunzip(gunzip: Gunzip, input: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  try {
    yield* gunzip(input);
  } catch (error) {
    if (error instanceof TraceImportError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    if (/end of (file|stream)|unexpected end|truncated|incomplete/i.test(message)) {
      throw new TraceImportError('truncated', `The gzip data ends early (the file looks truncated): ${message}`);
    }
    throw new TraceImportError('decompression-failed', `The gzip data is corrupt: ${message}`);
  }
}

async function* capped(input: AsyncIterable<Uint8Array>, maxBytes: number): AsyncIterable<Uint8Array> {
  let total = 0;
  for await (const chunk of input) {
    total += chunk.length;
    if (total > maxBytes) {
      throw new TraceImportError(
        'too-large',
        `Decompressed data exceeds the ${formatBytes(maxBytes)} limit (a gzip bomb, or a trace larger than allowed).`,
      );
    }
    yield chunk;
  }
}
