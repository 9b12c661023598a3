// Zip archives (a trace zipped to be mailed, a bundle of files), streamed:
// entries are read one after another as the archive's bytes arrive, never the
// whole archive in memory. fflate's streaming Unzip finds each entry from its
// local header, including entries written with a data descriptor (sizes after
// the data, as streaming zip writers do); the central directory at the end is
// never needed. A deflated entry is inflated as its reader asks for bytes, by
// the runtime's DecompressionStream where it has 'deflate-raw' (3.3x fflate's
// inflate on a 108 MB trace), else by fflate; an entry that is skipped is
// dropped without being inflated. fflate is loaded on the first zip, so hosts
// that never see one (the edge functions) never load it.
import type { Unzip, UnzipFile } from 'fflate';
import { TraceImportError } from '../errors.ts';
import { hasWebInflateRaw, webInflateRaw } from './web-gunzip.ts';

export interface ZipEntry {
  /** Path inside the archive. */
  name: string;
  /** The decompressed bytes. Read them, or stop early to skip the rest, before asking for the next entry. */
  data: AsyncIterable<Uint8Array>;
}

/** A local file header, or the end record an empty archive is made of. */
export function isZip(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6));
}

/** Archive bytes handed to fflate per step. */
const FEED_BYTES = 64 * 1024;
const EMPTY = new Uint8Array(0);
const STORED = 0;
const DEFLATED = 8;

interface EntryState {
  name: string;
  /** Compression method (APPNOTE 4.4.5). */
  method: number;
  /** Compressed chunks not yet handed to the reader. */
  chunks: Uint8Array[];
  ended: boolean;
  /** Not wanted (a directory, macOS metadata, or a reader that stopped): its bytes are dropped. */
  skipped: boolean;
  error?: Error;
}

type Fflate = typeof import('fflate');

/** The files of the archive, in archive order; directories and macOS `__MACOSX/` metadata are left out. */
export async function* zipEntries(archive: AsyncIterable<Uint8Array>): AsyncGenerator<ZipEntry> {
  const reader = await ZipReader.open(archive);
  try {
    for (let entry = await reader.nextEntry(); entry; entry = await reader.nextEntry()) {
      yield { name: entry.name, data: reader.decompressed(entry) };
      await reader.skipRest(entry);
    }
  } finally {
    await reader.close();
  }
}

class ZipReader {
  private readonly announced: EntryState[] = [];
  private readonly source: AsyncIterator<Uint8Array>;
  private pending: Uint8Array = EMPTY;
  private sourceDone = false;
  /** Name of the entry whose bytes fflate is reading, for a message when the archive ends inside it. */
  private current: string | undefined;
  private readonly unzip: Unzip;

  private constructor(
    archive: AsyncIterable<Uint8Array>,
    private readonly fflate: Fflate,
  ) {
    this.source = archive[Symbol.asyncIterator]();
    this.unzip = new fflate.Unzip((file) => this.onFile(file));
    // Deflated data passes through as it is: it is inflated when read (see decompressed()).
    this.unzip.register(
      class DeflatedPassThrough extends fflate.UnzipPassThrough {
        static override compression = DEFLATED;
      },
    );
  }

  static async open(archive: AsyncIterable<Uint8Array>): Promise<ZipReader> {
    return new ZipReader(archive, await import('fflate'));
  }

  /** The next wanted entry, or undefined after the last. */
  async nextEntry(): Promise<EntryState | undefined> {
    for (;;) {
      while (this.announced.length === 0) if (!(await this.feed())) return undefined;
      const entry = this.announced.shift()!;
      if (!entry.skipped) return entry;
      await this.skipRest(entry);
    }
  }

  /** The entry's bytes, inflated when it is deflated. */
  decompressed(entry: EntryState): AsyncIterable<Uint8Array> {
    if (entry.method === STORED) return this.compressed(entry);
    return this.inflated(entry);
  }

  private async *inflated(entry: EntryState): AsyncIterable<Uint8Array> {
    try {
      yield* hasWebInflateRaw() ? webInflateRaw(this.compressed(entry)) : fflateInflate(this.fflate, this.compressed(entry));
    } catch (error) {
      if (error instanceof TraceImportError) throw error;
      throw corruptEntry(entry.name, error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** The entry's bytes as stored in the archive. */
  private async *compressed(entry: EntryState): AsyncIterable<Uint8Array> {
    for (;;) {
      if (entry.chunks.length > 0) {
        const chunks = entry.chunks;
        entry.chunks = [];
        yield* chunks;
        continue;
      }
      if (entry.error) throw corruptEntry(entry.name, entry.error);
      if (entry.ended) return;
      if (!(await this.feed())) throw truncatedEntry(entry.name);
    }
  }

  /** Drops what is left of an entry (its reader stopped early, or never started), reading on to its end. */
  async skipRest(entry: EntryState): Promise<void> {
    entry.skipped = true;
    entry.chunks = [];
    while (!entry.ended) if (!(await this.feed())) return;
  }

  async close(): Promise<void> {
    if (!this.sourceDone) {
      this.sourceDone = true;
      await this.source.return?.();
    }
  }

  private onFile(file: UnzipFile): void {
    const entry: EntryState = {
      name: file.name,
      method: file.compression,
      chunks: [],
      ended: false,
      skipped: file.name.endsWith('/') || file.name.startsWith('__MACOSX/'),
    };
    this.current = file.name;
    file.ondata = (error, data, final) => {
      if (error) entry.error = error;
      else if (!entry.skipped && data.length > 0) entry.chunks.push(data);
      if (final || error) entry.ended = true;
    };
    try {
      // Every entry is started, even a skipped one: fflate keeps the bytes of an entry never started.
      file.start();
    } catch (error) {
      // A method fflate has no decoder for (bzip2, LZMA...): reported through ondata, then thrown.
      entry.error ??= error instanceof Error ? error : new Error(String(error));
      entry.ended = true;
    }
    this.announced.push(entry);
  }

  /** Hands fflate the next slice of the archive; false once all of it has been. */
  private async feed(): Promise<boolean> {
    if (this.pending.length === 0) {
      if (this.sourceDone) return false;
      const next = await this.source.next();
      if (next.done) {
        this.sourceDone = true;
        this.push(EMPTY, true);
        return true;
      }
      this.pending = next.value;
    }
    const slice = this.pending.subarray(0, FEED_BYTES);
    this.pending = this.pending.subarray(slice.length);
    this.push(slice, false);
    return true;
  }

  private push(bytes: Uint8Array, final: boolean): void {
    try {
      this.unzip.push(bytes, final);
    } catch (error) {
      const current = this.current;
      if (final)
        throw current === undefined ? new TraceImportError('truncated', 'The zip archive ends early (the file looks truncated).') : truncatedEntry(current);
      throw new TraceImportError('decompression-failed', `The zip archive is corrupt: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/**
 * fflate's streaming inflate, for runtimes whose DecompressionStream lacks
 * 'deflate-raw'. Input goes in small steps: deflate expands up to ~1000:1, so
 * a step yields at most a few MB, however the archive was made.
 */
async function* fflateInflate(fflate: Fflate, compressed: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  let out: Uint8Array[] = [];
  const inflate = new fflate.Inflate((data) => {
    if (data.length > 0) out.push(data);
  });
  for await (const chunk of compressed) {
    for (let at = 0; at < chunk.length; at += INFLATE_STEP_BYTES) {
      inflate.push(chunk.subarray(at, at + INFLATE_STEP_BYTES), false);
      const ready = out;
      out = [];
      yield* ready;
    }
  }
  inflate.push(EMPTY, true);
  yield* out;
}

const INFLATE_STEP_BYTES = 4096;

function truncatedEntry(name: string): TraceImportError {
  return new TraceImportError('truncated', `The zip archive ends in the middle of "${name}" (the file looks truncated).`);
}

function corruptEntry(name: string, error: Error): TraceImportError {
  if (/unexpected end|unexpected EOF|incomplete|truncated/i.test(error.message)) return truncatedEntry(name);
  return new TraceImportError('decompression-failed', `The zip entry "${name}" cannot be decompressed: ${error.message}`);
}
