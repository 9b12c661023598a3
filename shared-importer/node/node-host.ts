// Node host for shared-importer: file streaming and node:zlib decompression.
// The importer core stays free of Node imports; Node callers (the CLI, the
// Electron import worker, benchmarks, tests) go through this module.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { importProfileFromChunks } from '../src/import-profile.ts';
import type { Gunzip, ImportOptions } from '../src/input/import-options.ts';
import type { Profile } from '../src/model/profile.ts';

/** Large reads: fewer chunks means less per-chunk overhead in the scanner. */
const READ_CHUNK_BYTES = 4 * 1024 * 1024;

export const nodeGunzip: Gunzip = (compressed) => {
  const gunzip = createGunzip({ chunkSize: 1024 * 1024 });
  // pipeline destroys the gunzip stream on a source error, so iteration throws instead of hanging.
  pipeline(Readable.from(compressed, { objectMode: false }), gunzip, () => {});
  return gunzip;
};

export function readFileChunks(path: string, signal?: AbortSignal): AsyncIterable<Uint8Array> {
  return createReadStream(path, { highWaterMark: READ_CHUNK_BYTES, signal });
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
