// Test support for importer tests: the sample traces on disk, imports with
// chosen chunk boundaries, a plain snapshot of a Profile to compare two
// imports with deepEqual, and a count of descriptors left open on a file.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type { SniffedHead } from '../src/formats/format-importer.ts';
import { FORMAT_IMPORTERS } from '../src/formats/registry.ts';
import { isGzip } from '../src/input/byte-stream.ts';
import { decodeHead } from '../src/input/text-decoding.ts';
import { importProfileFromChunks } from '../src/import-profile.ts';
import type { ImportOptions } from '../src/input/import-options.ts';
import { intervalSelfTimes } from '../src/model/call-tree.ts';
import type { Profile } from '../src/model/profile.ts';
import type { ThreadTimeline } from '../src/model/thread-timeline.ts';
import { nodeGunzip } from './node-host.ts';

/**
 * The sample traces (speedscope's, MIT) live in shared/ beside the checkout,
 * both on developer machines and in CI; TRACE_SAMPLES_DIR points elsewhere.
 */
export const SAMPLE_TRACES = process.env.TRACE_SAMPLES_DIR ?? fileURLToPath(new URL('../../../shared/traces/speedscope', import.meta.url));

/** Every folder of real traces (speedscope's, Lighthouse's, trace-viewer's), each with its licence. */
export const REAL_TRACES = process.env.REAL_TRACES_DIR ?? join(SAMPLE_TRACES, '..');

export function sampleTrace(relativePath: string): Uint8Array {
  return new Uint8Array(readFileSync(join(SAMPLE_TRACES, relativePath)));
}

/** trace-viewer's test traces (catapult, BSD), beside speedscope's: systrace, zip and Chrome JSON variants. */
export const CATAPULT_TRACES = join(SAMPLE_TRACES, '..', 'catapult');

export function catapultTrace(relativePath: string): Uint8Array {
  return new Uint8Array(readFileSync(join(CATAPULT_TRACES, relativePath)));
}

/** Imports `bytes` delivered as chunks of the given sizes (cycled), or whole when none are given. */
export function importInChunks(fileName: string, bytes: Uint8Array, chunkSizes: readonly number[] = [], options: ImportOptions = {}): Promise<Profile> {
  async function* chunks(): AsyncIterable<Uint8Array> {
    if (chunkSizes.length === 0) {
      yield bytes;
      return;
    }
    let offset = 0;
    for (let i = 0; offset < bytes.length; i++) {
      const size = Math.max(1, chunkSizes[i % chunkSizes.length]);
      yield bytes.subarray(offset, offset + size);
      offset += size;
    }
  }
  return importProfileFromChunks(fileName, chunks(), { gunzip: nodeGunzip, totalBytes: bytes.length, ...options });
}

/** The head import-profile.ts would sniff from these bytes (after gunzip). */
export function sniffHead(bytes: Uint8Array): SniffedHead {
  const plain = isGzip(bytes) ? new Uint8Array(gunzipSync(bytes)) : bytes;
  const head = plain.subarray(0, 64 * 1024);
  return { bytes: head, text: decodeHead(head) };
}

/** Every format whose detector claims these bytes; a well-formed trace should get exactly one. */
export function formatsClaiming(bytes: Uint8Array): string[] {
  const head = sniffHead(bytes);
  return FORMAT_IMPORTERS.filter((importer) => importer.detect(head)).map((importer) => importer.format);
}

/** Deterministic pseudo-random 32-bit integers (xorshift32), so failures reproduce. */
function xorshift(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
}

/** Deterministic pseudo-random chunk sizes in [1, max], so failures reproduce. */
export function randomChunkSizes(count: number, max: number, seed = 1): number[] {
  const next = xorshift(seed);
  return Array.from({ length: count }, () => 1 + (next() % max));
}

/** Deterministic text of `length` characters (code points) drawn from `alphabet`. */
export function randomText(alphabet: string, length: number, seed = 1): string {
  const chars = [...alphabet];
  const next = xorshift(seed);
  let text = '';
  for (let i = 0; i < length; i++) text += chars[next() % chars.length];
  return text;
}

/** Everything an import produced, as plain data. */
export function profileSnapshot(profile: Profile): unknown {
  return {
    format: profile.format,
    name: profile.name,
    unit: profile.unit,
    startTime: profile.startTime,
    endTime: profile.endTime,
    eventCount: profile.eventCount,
    warnings: profile.warnings,
    frames: Array.from({ length: profile.frames.length }, (_, i) => profile.frames.get(i)),
    threads: profile.threads.map((t) => ({
      id: t.id,
      name: t.name,
      pid: t.pid,
      tid: t.tid,
      count: t.count,
      frame: Array.from(t.frame),
      start: Array.from(t.start),
      end: Array.from(t.end),
      depth: Array.from(t.depth),
      startTime: t.startTime,
      endTime: t.endTime,
      markers: t.markers,
      sampleCount: t.sampleCount,
    })),
  };
}

/**
 * A thread as folded stacks: "outer;...;inner" -> self time of that call path,
 * summed. Two imports of the same samples agree on this whatever the order.
 */
export function foldedStacks(profile: Profile, thread: ThreadTimeline): Map<string, number> {
  const self = intervalSelfTimes(thread);
  const path: string[] = [];
  const folded = new Map<string, number>();
  for (let i = 0; i < thread.count; i++) {
    path.length = thread.depth[i];
    path.push(profile.frames.names[thread.frame[i]]);
    if (self[i] === 0) continue;
    const key = path.join(';');
    folded.set(key, (folded.get(key) ?? 0) + self[i]);
  }
  return folded;
}

/** How many of this process's descriptors are open on `path` (Linux; other descriptors, such as a gzip worker's, come and go). */
export function openDescriptorsOn(path: string): number {
  let count = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`) === path) count++;
    } catch {
      // closed while listing
    }
  }
  return count;
}
