import { abortedError, TraceImportError, throwIfAborted } from './errors.ts';
import type { FormatImporter, SniffedHead } from './formats/format-importer.ts';
import { describeContent, notATraceError, zipWithoutTrace } from './formats/not-a-trace.ts';
import { detectFormat } from './formats/registry.ts';
import { formatBytes } from './format-bytes.ts';
import { ByteStream, isGzip } from './input/byte-stream.ts';
import { DEFAULT_MAX_BUFFERED_BYTES, DEFAULT_MAX_DECOMPRESSED_BYTES, type Gunzip, type ImportOptions, type ImportProgress } from './input/import-options.ts';
import { decodeHead } from './input/text-decoding.ts';
import { hasWebGunzip, webGunzip } from './input/web-gunzip.ts';
import { isZip, zipEntries, type ZipEntry } from './input/zip-archive.ts';
import type { Profile } from './model/profile.ts';

const SNIFF_BYTES = 64 * 1024;
const PROGRESS_EVERY_BYTES = 512 * 1024;

/**
 * Imports a trace given as a stream of byte chunks. Never holds the whole
 * input as one string, so traces beyond V8's string limit import; gzip and
 * zip are recognised by their magic bytes and the format by content.
 */
export async function importProfileFromChunks(fileName: string, chunks: AsyncIterable<Uint8Array>, options: ImportOptions = {}): Promise<Profile> {
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

  const input = new ByteStream(counted());
  // Every stream layered on the input (gunzip, a zip entry) and the archive
  // reader: let go at the end, whatever was read, so the host's file is closed.
  const streams: ByteStream[] = [input];
  let archive: AsyncGenerator<ZipEntry> | undefined;
  try {
    const magic = await input.peek(4);
    if (magic.length === 0) throw new TraceImportError('empty', `"${fileName}" is empty.`);
    let opened: OpenedInput;
    if (isZip(magic)) {
      archive = zipEntries(input);
      opened = await firstTraceInArchive(fileName, archive, options, streams);
    } else {
      opened = await openInput(input, options, streams);
      if (opened.head.bytes.length === 0) throw new TraceImportError('empty', `"${fileName}" decompresses to nothing.`);
    }
    const { importer } = opened;
    if (!importer) throw notATraceError(fileName, describeContent(opened.head));
    const trace = new ByteStream(
      whenDone(opened.input, () => {
        if (signal?.aborted) return;
        phase = 'building';
        report();
      }),
    );
    streams.push(trace);

    try {
      const profile = await importer.import(trace, {
        fileName,
        signal,
        maxBufferedBytes: options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES,
        countEvents(n) {
          events += n;
        },
        notATrace: (whatItIs) => notATraceError(fileName, whatItIs),
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
    for (const stream of streams.reverse()) await stream.close().catch(() => {});
    await archive?.return(undefined).catch(() => {});
  }
}

/** A (decompressed) input with its head sniffed, and the importer that recognised it, if any. */
interface OpenedInput {
  input: ByteStream;
  head: SniffedHead;
  importer: FormatImporter | undefined;
}

/** Gunzips the input when its magic says gzip, then sniffs the head and detects the format. */
async function openInput(input: ByteStream, options: ImportOptions, streams: ByteStream[]): Promise<OpenedInput> {
  if (isGzip(await input.peek(2))) {
    const gunzip = options.gunzip ?? defaultGunzip();
    input = new ByteStream(capped(guardedGunzip(gunzip, input), maxDecompressed(options)));
    streams.push(input);
  }
  const bytes = await input.peek(SNIFF_BYTES);
  const head: SniffedHead = { bytes, text: decodeHead(bytes) };
  return { input, head, importer: bytes.length > 0 ? detectFormat(head) : undefined };
}

/**
 * The first file of a zip archive, in archive order, that our detection
 * recognises (gzipped or not); the files before it are skipped unread past
 * their head. Fails naming the first few files when none is a trace.
 */
async function firstTraceInArchive(fileName: string, archive: AsyncGenerator<ZipEntry>, options: ImportOptions, streams: ByteStream[]): Promise<OpenedInput> {
  const seen: { name: string; what?: string }[] = [];
  let files = 0;
  for (let next = await archive.next(); !next.done; next = await archive.next()) {
    const { name, data } = next.value;
    files++;
    const entry = new ByteStream(capped(data, maxDecompressed(options)));
    streams.push(entry);
    let opened: OpenedInput;
    try {
      opened = await openInput(entry, options, streams);
    } catch (error) {
      // An entry we cannot decompress (an unknown method, a corrupt gzip inside) is listed, not fatal.
      if (!(error instanceof TraceImportError) || error.code !== 'decompression-failed') throw error;
      seen.push({ name, what: 'cannot be decompressed' });
      continue;
    }
    if (opened.importer) return opened;
    seen.push({ name, what: opened.head.bytes.length > 0 ? describeContent(opened.head) : 'empty' });
    // Skipped: the archive reader drops the rest of the entry unread.
    await opened.input.close();
    await entry.close();
  }
  throw notATraceError(fileName, zipWithoutTrace(seen, files));
}

function maxDecompressed(options: ImportOptions): number {
  return options.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES;
}

/** Convenience for inputs already in memory. */
export function importProfilesFromArrayBuffer(fileName: string, buffer: ArrayBuffer | Uint8Array, options: ImportOptions = {}): Promise<Profile> {
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
    // zlib's Z_BUF_ERROR at the end is input that stopped early; Node 22's DecompressionStream
    // reports it with that code and an empty message.
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'Z_BUF_ERROR' || /end of (file|stream)|unexpected end|truncated|incomplete/i.test(message)) {
      throw new TraceImportError('truncated', `The gzip data ends early (the file looks truncated)${message ? `: ${message}` : '.'}`);
    }
    throw new TraceImportError('decompression-failed', `The gzip data is corrupt${message ? `: ${message}` : '.'}`);
  }
}

async function* capped(input: AsyncIterable<Uint8Array>, maxBytes: number): AsyncIterable<Uint8Array> {
  let total = 0;
  for await (const chunk of input) {
    total += chunk.length;
    if (total > maxBytes) {
      throw new TraceImportError('too-large', `Decompressed data exceeds the ${formatBytes(maxBytes)} limit (a gzip bomb, or a trace larger than allowed).`);
    }
    yield chunk;
  }
}
