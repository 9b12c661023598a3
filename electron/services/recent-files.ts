// Recently opened traces: a small JSON file in the user-data folder,
// most recent first, one entry per path, at most MAX_RECENT_FILES.
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { z } from 'zod';
import type { RecentFile } from '../ipc-contract.ts';
import { writeFileAtomic } from './atomic-file.ts';

export const MAX_RECENT_FILES = 10;
export const RECENT_FILES_NAME = 'recent-files.json';

const recentFileSchema = z.object({
  path: z.string().min(1),
  fileName: z.string(),
  openedAt: z.string(),
  format: z.string().optional(),
  sizeBytes: z.number().nonnegative().optional(),
});

export class RecentFilesStore {
  private files: RecentFile[] = [];
  private loaded: Promise<void> | null = null;

  constructor(readonly filePath: string) {}

  static inFolder(userDataDir: string): RecentFilesStore {
    return new RecentFilesStore(join(userDataDir, RECENT_FILES_NAME));
  }

  async list(): Promise<RecentFile[]> {
    await this.load();
    return this.files.map((f) => ({ ...f }));
  }

  /** Moves `path` to the top (adding it if new) and persists. */
  async add(entry: Omit<RecentFile, 'fileName' | 'openedAt'> & Partial<Pick<RecentFile, 'openedAt'>>): Promise<RecentFile[]> {
    await this.load();
    const file: RecentFile = {
      ...entry,
      fileName: basename(entry.path),
      openedAt: entry.openedAt ?? new Date().toISOString(),
    };
    this.files = [file, ...this.files.filter((f) => f.path !== entry.path)].slice(0, MAX_RECENT_FILES);
    await this.persist();
    return this.list();
  }

  async remove(path: string): Promise<RecentFile[]> {
    await this.load();
    this.files = this.files.filter((f) => f.path !== path);
    await this.persist();
    return this.list();
  }

  async clear(): Promise<void> {
    await this.load();
    this.files = [];
    await this.persist();
  }

  private load(): Promise<void> {
    this.loaded ??= readFile(this.filePath, 'utf8').then(
      (text) => {
        this.files = parseRecentFiles(text);
      },
      (error: NodeJS.ErrnoException) => {
        // No file yet is the normal first run; anything else starts empty rather than blocking the app.
        if (error.code !== 'ENOENT') console.warn(`Ignoring unreadable ${this.filePath}: ${error.message}`);
      },
    );
    return this.loaded;
  }

  private persist(): Promise<void> {
    const text = JSON.stringify({ version: 1, files: this.files }, null, 2);
    return writeFileAtomic(this.filePath, text);
  }
}

/** Reads the stored list, dropping malformed entries and duplicates (a hand-edited or older file). */
export function parseRecentFiles(text: string): RecentFile[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return [];
  }
  const list = (data as { files?: unknown })?.files;
  if (!Array.isArray(list)) return [];
  const seen = new Set<string>();
  const files: RecentFile[] = [];
  for (const item of list) {
    const parsed = recentFileSchema.safeParse(item);
    if (!parsed.success || seen.has(parsed.data.path)) continue;
    seen.add(parsed.data.path);
    files.push(parsed.data as RecentFile);
    if (files.length === MAX_RECENT_FILES) break;
  }
  return files;
}
