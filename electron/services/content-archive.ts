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
  /** `archiveFailure`: why no copy was made although one was asked for (a full disk); the hash is good. */
  { status: 'ready'; sha256: string; sizeBytes: number; archive: ArchivedFile | null; archiveFailure?: string } | { status: 'failed'; message: string };

/** The compressed copy being written; a write that fails stops it, not the import. */
interface Output {
  stream: Writable;
  written: Promise<void>;
  encoding: ArchiveEncoding;
  zip: boolean;
  failure: Error | null;
}

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
  private output: Output | null = null;
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
        this.kept.push(next.value);
        this.keptBytes += next.value.length;
        if (this.keptBytes > (this.options.maxKeptBytes ?? DEFAULT_MAX_KEPT_BYTES)) await this.processOverCap();
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
      return { status: 'ready', sha256, sizeBytes: this.totalBytes, ...(await this.closeOutput()) };
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

  /** Past the cap: the oldest chunks are hashed and written now, and the import waits for a gzip stream far behind. */
  private async processOverCap(): Promise<void> {
    while (this.keptBytes > (this.options.maxKeptBytes ?? DEFAULT_MAX_KEPT_BYTES)) {
      this.process(this.takeOldest());
      const output = this.output;
      if (output && !output.failure && output.stream.writableLength > MAX_GZIP_BACKLOG_BYTES) {
        await once(output.stream, 'drain').catch((error: Error) => (output.failure ??= error));
      }
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
    const output = (this.output ??= this.openOutput(this.options.archiveTo, chunk));
    // The gzip stream keeps a reference until its thread-pool step has read the chunk: no copy.
    if (!output.failure) output.stream.write(chunk);
  }

  /** The first chunk decides: compressed input is stored as it is. */
  private openOutput(path: string, first: Uint8Array): Output {
    const zip = isZip(first);
    const file = createWriteStream(path);
    let output: Output;
    if (zip || isGzip(first)) {
      output = { stream: file, written: once(file, 'finish').then(() => {}), encoding: 'as-is', zip, failure: null };
    } else {
      const gzip = createGzip({ level: GZIP_LEVEL, chunkSize: 256 * 1024 });
      output = { stream: gzip, written: pipeline(gzip, file), encoding: 'gzip', zip, failure: null };
    }
    output.written.catch((error: Error) => (output.failure ??= error));
    return output;
  }

  private async closeOutput(): Promise<{ archive: ArchivedFile | null; archiveFailure?: string }> {
    const path = this.options.archiveTo;
    if (path === null) return { archive: null };
    // An empty input still makes a (valid, empty) archive.
    const output = (this.output ??= this.openOutput(path, new Uint8Array(0)));
    if (!output.failure) {
      output.stream.end();
      await output.written.catch(() => {});
    }
    if (output.failure) {
      output.stream.destroy();
      await rm(path, { force: true });
      return { archive: null, archiveFailure: `The compressed copy for upload could not be written: ${output.failure.message}` };
    }
    return { archive: { path, bytes: (await stat(path)).size, encoding: output.encoding, zip: output.zip } };
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
