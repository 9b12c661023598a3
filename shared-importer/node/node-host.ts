// Node host for shared-importer: file streaming and node:zlib decompression.
// The importer core stays free of Node imports; Node callers (the CLI, the
// Electron import worker, benchmarks, tests) go through this module.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable, pipeline } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { createGunzip } from 'node:zlib';
import { importProfileFromChunks } from '../src/import-profile.ts';
import type { Gunzip, ImportOptions } from '../src/input/import-options.ts';
import type { Profile } from '../src/model/profile.ts';

/**
 * Each read fills a new buffer, and first touches of new memory are costly
 * (page faults): 4 MiB reads made a cold 100 MB import fault in ~24k pages,
 * 512 KiB reads ~13k (their memory is freed and reused sooner), at no cost
 * to warm imports. Much smaller reads add per-chunk overhead.
 */
const READ_CHUNK_BYTES = 512 * 1024;
/** How far file reads and gunzip may run ahead of the importer. */
const READ_AHEAD_BYTES = 16 * 1024 * 1024;
/**
 * The importer gets at most this much per event-loop turn. zlib can only start
 * its next inflate step from a callback on this thread, so while the importer
 * scans, zlib idles once its step is done; handing over 1 MiB steps in 256 KiB
 * slices lets it start the next step sooner. A 100 MB .json.gz imported about
 * 5% faster, paired in one process; smaller slices cost more turns than they saved.
 */
const SLICE_BYTES = 256 * 1024;

export const nodeGunzip: Gunzip = (compressed) => {
  const gunzip = createGunzip({ chunkSize: 1024 * 1024 });
  // pipeline destroys the gunzip stream on a source error, so iteration throws instead of hanging.
  pipeline(Readable.from(compressed, { objectMode: false }), gunzip, () => {});
  return readAhead(gunzip);
};

export function readFileChunks(path: string, signal?: AbortSignal): AsyncIterable<Uint8Array> {
  return readAhead(createReadStream(path, { highWaterMark: READ_CHUNK_BYTES, signal }));
}

/**
 * Iterates a stream while letting it run ahead of the consumer, so file reads
 * and zlib (both on libuv's thread pool) work in parallel with the importer.
 * Iterating a stream directly serialises them: each next read or inflate step
 * is only scheduled from a main-thread callback, which waits until the
 * importer has scanned the chunk it holds. Here the stream flows into a
 * bounded queue, and the consumer gives the event loop a turn after each
 * slice so those callbacks run.
 */
async function* readAhead(stream: Readable, maxBytes = READ_AHEAD_BYTES): AsyncGenerator<Uint8Array> {
  const queue: Uint8Array[] = [];
  let queued = 0;
  let ended = false;
  let failure: { error: unknown } | undefined;
  let wake: (() => void) | undefined;
  const onData = (chunk: Uint8Array) => {
    queue.push(chunk);
    queued += chunk.length;
    if (queued >= maxBytes) stream.pause();
    wake?.();
  };
  const onEnd = () => {
    ended = true;
    wake?.();
  };
  const onError = (error: unknown) => {
    failure = { error };
    wake?.();
  };
  stream.on('data', onData).on('end', onEnd).on('error', onError);
  try {
    for (;;) {
      if (failure) throw failure.error;
      const chunk = queue.shift();
      if (chunk) {
        queued -= chunk.length;
        if (stream.isPaused() && queued < maxBytes / 2) stream.resume();
        for (let at = 0; at < chunk.length; at += SLICE_BYTES) {
          yield chunk.length <= SLICE_BYTES ? chunk : chunk.subarray(at, at + SLICE_BYTES);
          await nextTurn();
        }
        continue;
      }
      if (ended) return;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  } finally {
    stream.off('data', onData).off('end', onEnd).off('error', onError);
    if (!ended) stream.destroy();
  }
}

/** Imports a trace file from disk, streaming it; gzip is detected by content. */
export async function importTraceFile(path: string, options: ImportOptions = {}): Promise<Profile> {
  const { size } = await stat(path);
  return importProfileFromChunks(basename(path), readFileChunks(path, options.signal), {
    gunzip: nodeGunzip,
    totalBytes: size,
    ...options,
  });
}
