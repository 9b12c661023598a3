// Small files the app keeps in its data folder (settings, recent files,
// secrets, conversations) are replaced whole: written to a temporary file
// beside the target, flushed, then renamed over it. A crash or a full disk
// mid-write leaves the previous file, never half of one.
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface AtomicWriteOptions {
  /** File mode of a new file, e.g. 0o600 for secrets. */
  mode?: number;
}

/** Writes in flight, by path: each one waits for the one before, so they land in call order. */
const writing = new Map<string, Promise<void>>();

/**
 * Replaces `path` with `data` atomically. Writes to one path land in the order they were asked for,
 * whoever asks: the last call's data is what stays.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const next = (writing.get(path) ?? Promise.resolve()).catch(() => {}).then(() => replaceFile(path, data, options));
  writing.set(path, next);
  void next
    .finally(() => {
      if (writing.get(path) === next) writing.delete(path);
    })
    .catch(() => {});
  return next;
}

async function replaceFile(path: string, data: string | Uint8Array, options: AtomicWriteOptions): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  // Unique per write, so two writes in flight never share a temporary file.
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const file = await open(temporary, 'w', options.mode ?? 0o666);
    try {
      await file.writeFile(data);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
