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

/**
 * Replaces `path` with `data` atomically. Concurrent writes to one path each
 * land whole, last rename wins: callers that need an order serialise them.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
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
