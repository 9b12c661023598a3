// A trace's original bytes as the import reads them, turned into its content
// hash (sha256) and, for sync, a compressed copy on disk: the file is read
// once, by the import.
//
// The work waits until the import has posted its trace. Measured on a 2-core
// machine (100 MB Chrome trace, import ~160 ms): hashing on another thread
// while the import runs made it ~20% slower (a copy of each chunk for that
// thread alone costs ~10%), and SharedArrayBuffer-backed reads made the
// importer itself ~18% slower. Keeping the chunks the importer has already read
// costs it ~3%. So the chunks are kept (no copy: the importer only reads them)
// up to a memory cap, and hashed and gzipped once the trace is on its way to
// the window, while the window decodes and draws it. Past the cap the oldest
// are processed at once, and the import pays for those.
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { createGzip } from 'node:zlib';
import { isGzip } from '../../shared-importer/src/input/byte-stream.ts';
import { isZip } from '../../shared-importer/src/input/zip-archive.ts';

/**
 * zlib level 5: on a generated 100 MB Chrome trace 173 MB/s to 9.8% of the
 * size, against level 1's 318 MB/s to 13.2% and level 6's 132 MB/s to 9.4%.
 * Uploads are limited by the user's upstream bandwidth more than by this.
 */
const GZIP_LEVEL = 5;
/** Original bytes kept for after the import (see above); larger traces are partly processed during it. */
export const DEFAULT_MAX_KEPT_BYTES = 256 * 1024 * 1024;
/** Past the cap, how far the gzip stream may fall behind before the import waits for it. */
const MAX_GZIP_BACKLOG_BYTES = 64 * 1024 * 1024;

/** How the compressed copy holds the trace. */
export type ArchiveEncoding =
  /** gzip of the original bytes. */
  | 'gzip'
  /** The original bytes, already compressed (gzip or zip): compressing them again would gain nothing. */
  | 'as-is';

export interface ArchivedFile {
  path: string;
  bytes: number;
  encoding: ArchiveEncoding;
  /** Whether the original bytes are a zip archive (the stored name says so). */
  zip: boolean;
}

/** What became of an import's bytes. */
export type TraceContent =
  | { status: 'ready'; sha256: string; sizeBytes: number; archive: ArchivedFile | null }
  | { status: 'failed'; message: string };

export interface ContentArchiveOptions {
  /** Where the compressed copy goes; null: only the hash is wanted. */
  archiveTo: string | null;
  maxKeptBytes?: number;
  /**
   * Whether bytes the importer left unread (it stopped early, e.g. at the
   * first trace in a zip) may be read for the hash. True for files; a pushed
   * stream stops when the import is done with it.
   */
  readRest: boolean;
}

export class ContentArchive {
  private readonly hash = createHash('sha256');
  private readonly kept: Uint8Array[] = [];
  private keptBytes = 0;
  private totalBytes = 0;
  private output: { stream: Writable; written: Promise<void>; encoding: ArchiveEncoding; zip: boolean } | null = null;
  /** The source, when the importer stopped before its end. */
  private rest: AsyncIterator<Uint8Array> | null = null;
  private readAll = false;
  private discarded = false;

  constructor(private readonly options: ContentArchiveOptions) {}

  /** The source's chunks, unchanged, each kept for the hash and the archive. */
  async *tee(source: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
    const iterator = source[Symbol.asyncIterator]();
    let ended = false;
    try {
      for (;;) {
        const next = await iterator.next();
        if (next.done) {
          ended = this.readAll = true;
          return;
        }
        await this.keep(next.value);
        yield next.value;
      }
    } finally {
      // Stopped early by the importer (or failed: then finish() is never called and discard() lets it go).
      if (!ended) this.rest = iterator;
    }
  }

  /** After the import: hashes and archives what was kept (and what the importer left unread), yielding between chunks. */
  async finish(): Promise<TraceContent> {
    try {
      while (this.kept.length > 0 && !this.discarded) {
        this.process(this.takeOldest());
        await nextTurn();
      }
      if (this.rest) await this.readRest(this.rest);
      if (this.discarded) return { status: 'failed', message: 'The import was dropped.' };
      if (!this.readAll) return { status: 'failed', message: 'The import stopped before the end of its input, so its content could not be hashed.' };
      const sha256 = this.hash.digest('hex');
      const archive = await this.closeOutput();
      return { status: 'ready', sha256, sizeBytes: this.totalBytes, archive };
    } catch (error) {
      await this.discard();
      return { status: 'failed', message: `The trace could not be archived: ${error instanceof Error ? error.message : String(error)}` };
    }
  }

  /** The import failed or was dropped: nothing more is done, the partial archive is deleted. */
  async discard(): Promise<void> {
    if (this.discarded) return;
    this.discarded = true;
    this.kept.length = 0;
    await this.rest?.return?.().catch(() => {});
    this.rest = null;
    if (this.output) {
      this.output.stream.destroy();
      await this.output.written.catch(() => {});
    }
    if (this.options.archiveTo) await rm(this.options.archiveTo, { force: true });
  }

  private async keep(chunk: Uint8Array): Promise<void> {
    this.kept.push(chunk);
    this.keptBytes += chunk.length;
    while (this.keptBytes > (this.options.maxKeptBytes ?? DEFAULT_MAX_KEPT_BYTES)) {
      this.process(this.takeOldest());
      const stream = this.output?.stream;
      if (stream && stream.writableLength > MAX_GZIP_BACKLOG_BYTES) await once(stream, 'drain');
    }
  }

  private takeOldest(): Uint8Array {
    const chunk = this.kept.shift()!;
    this.keptBytes -= chunk.length;
    return chunk;
  }

  private process(chunk: Uint8Array): void {
    this.hash.update(chunk);
    this.totalBytes += chunk.length;
    if (this.options.archiveTo === null) return;
    // The gzip stream keeps a reference until its thread-pool step has read the chunk: no copy.
    (this.output ??= this.openOutput(this.options.archiveTo, chunk)).stream.write(chunk);
  }

  /** The first chunk decides: compressed input is stored as it is. */
  private openOutput(path: string, first: Uint8Array) {
    const zip = isZip(first);
    const file = createWriteStream(path);
    if (zip || isGzip(first)) return { stream: file, written: once(file, 'finish').then(() => {}), encoding: 'as-is' as const, zip };
    const gzip = createGzip({ level: GZIP_LEVEL, chunkSize: 256 * 1024 });
    return { stream: gzip, written: pipeline(gzip, file), encoding: 'gzip' as const, zip: false };
  }

  private async closeOutput(): Promise<ArchivedFile | null> {
    const path = this.options.archiveTo;
    if (path === null) return null;
    // An empty input still makes a (valid, empty) archive.
    const output = (this.output ??= this.openOutput(path, new Uint8Array(0)));
    output.stream.end();
    await output.written;
    return { path, bytes: (await stat(path)).size, encoding: output.encoding, zip: output.zip };
  }

  private async readRest(iterator: AsyncIterator<Uint8Array>): Promise<void> {
    this.rest = null;
    if (!this.options.readRest) {
      await iterator.return?.();
      return;
    }
    try {
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
        if (this.discarded) return;
        this.process(next.value);
      }
      this.readAll = true;
    } finally {
      await iterator.return?.();
    }
  }
}
