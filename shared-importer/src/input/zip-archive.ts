// Zip archives (a trace zipped to be mailed, a bundle of files), streamed:
// entries are decompressed one after another as the archive's bytes arrive,
// never the whole archive in memory. Entries are read from their local
// headers in archive order, including those written with a data descriptor
// (sizes after the data, as streaming zip writers do); the central directory
// at the end is never needed. fflate is loaded on the first zip, so hosts that
// never see one (the edge functions) never load it.
import type { Unzip, UnzipDecoder, UnzipFile } from 'fflate';
import { TraceImportError } from '../errors.ts';

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

/**
 * Archive bytes fed to fflate per step. Deflate expands at most about 1000:1,
 * so one step yields at most ~16 MB, however the archive was made: a reader
 * taking an entry's bytes as they come holds no more than that.
 */
const FEED_BYTES = 16 * 1024;
const EMPTY = new Uint8Array(0);

interface EntryState {
  name: string;
  /** Decompressed chunks not yet handed to the reader. */
  chunks: Uint8Array[];
  ended: boolean;
  /** Not wanted (a directory, macOS metadata, or a reader that stopped): its bytes are dropped, not inflated. */
  skipped: boolean;
  error?: Error;
}

/** The files of the archive, in archive order; directories and macOS `__MACOSX/` metadata are left out. */
export async function* zipEntries(archive: AsyncIterable<Uint8Array>): AsyncGenerator<ZipEntry> {
  const reader = await ZipReader.open(archive);
  try {
    for (let entry = await reader.nextEntry(); entry; entry = await reader.nextEntry()) {
      yield { name: entry.name, data: reader.dataOf(entry) };
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
  /** The entry whose decoder fflate is constructing (decoders are made inside UnzipFile.start()). */
  private starting: EntryState | undefined;

  private constructor(
    archive: AsyncIterable<Uint8Array>,
    private readonly unzip: Unzip,
  ) {
    this.source = archive[Symbol.asyncIterator]();
  }

  static async open(archive: AsyncIterable<Uint8Array>): Promise<ZipReader> {
    const fflate = await import('fflate');
    let reader: ZipReader | undefined;
    const unzip = new fflate.Unzip((file) => reader!.onFile(file));
    reader = new ZipReader(archive, unzip);
    unzip.register(skippableInflate(fflate.UnzipInflate, () => reader!.starting));
    return reader;
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

  async *dataOf(entry: EntryState): AsyncIterable<Uint8Array> {
    for (;;) {
      if (entry.chunks.length > 0) {
        const chunks = entry.chunks;
        entry.chunks = [];
        yield* chunks;
        continue;
      }
      if (entry.error) throw corruptEntry(entry.name, entry.error, this.sourceDone);
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
      chunks: [],
      ended: false,
      skipped: file.name.endsWith('/') || file.name.startsWith('__MACOSX/'),
    };
    file.ondata = (error, data, final) => {
      if (error) entry.error = error;
      else if (!entry.skipped && data.length > 0) entry.chunks.push(data);
      if (final || error) entry.ended = true;
    };
    this.starting = entry;
    try {
      // Every entry is started, even a skipped one: fflate keeps the bytes of an entry never started.
      file.start();
    } finally {
      this.starting = undefined;
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
      const current = this.announced.at(-1)?.name;
      if (final) throw current === undefined ? new TraceImportError('truncated', 'The zip archive ends early (the file looks truncated).') : truncatedEntry(current);
      throw new TraceImportError('decompression-failed', `The zip archive is corrupt: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/**
 * fflate's streaming inflate, made to drop the input of an entry that is
 * skipped rather than inflate it for nothing (a skipped entry may be a
 * multi-gigabyte file, or a bomb).
 */
function skippableInflate(
  Inflate: new () => UnzipDecoder,
  startingEntry: () => EntryState | undefined,
): { new (): UnzipDecoder; compression: number } {
  return class SkippableInflate implements UnzipDecoder {
    static compression = 8;
    ondata!: UnzipDecoder['ondata'];
    private readonly entry = startingEntry();
    private readonly inner = new Inflate();

    constructor() {
      this.inner.ondata = (error, data, final) => this.ondata(error, data, final);
    }

    push(chunk: Uint8Array, final: boolean): void {
      if (this.entry?.skipped) {
        if (final) this.ondata(null, EMPTY, true);
        return;
      }
      this.inner.push(chunk, final);
    }
  };
}

function truncatedEntry(name: string): TraceImportError {
  return new TraceImportError('truncated', `The zip archive ends in the middle of "${name}" (the file looks truncated).`);
}

function corruptEntry(name: string, error: Error, sourceDone: boolean): TraceImportError {
  if (sourceDone && /unexpected EOF/i.test(error.message)) return truncatedEntry(name);
  return new TraceImportError('decompression-failed', `The zip entry "${name}" cannot be decompressed: ${error.message}`);
}
