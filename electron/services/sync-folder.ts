// The app's sync folder: compressed copies of traces waiting to be uploaded,
// each with a small manifest saying whose it is and what its row holds, and
// the upload URLs that let an upload resume. It outlives the app, so an
// upload cut by a quit continues at the next start; a copy is deleted once
// its trace is stored.
import { mkdirSync } from 'node:fs';
import { readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { TraceSummary } from '../../shared-importer/src/summary/summary-types.ts';
import { writeFileAtomic } from './atomic-file.ts';

const PARTIAL_SUFFIX = '.partial';
const MANIFEST_SUFFIX = '.json';
/** tus-js-client's FileUrlStorage file. */
const UPLOAD_URLS_FILE = 'upload-urls.json';

/** A copy waiting to be uploaded to `objectName` for `userId`, with what its row is to hold. */
export interface PendingUpload {
  sha256: string;
  userId: string;
  objectName: string;
  fileName: string;
  sizeBytes: number;
  format: string;
  /** Set when the summary arrived before the upload finished. */
  summary?: { summary: TraceSummary; summaryText: string };
  /** The user cancelled it: not resumed at the next start. */
  cancelled?: boolean;
}

const manifestSchema = z.object({
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  userId: z.string(),
  objectName: z.string(),
  fileName: z.string(),
  sizeBytes: z.number(),
  format: z.string(),
  summary: z.object({ summary: z.custom<TraceSummary>((v) => typeof v === 'object' && v !== null), summaryText: z.string() }).optional(),
  cancelled: z.boolean().optional(),
});

export class SyncFolder {
  /** Creates the folder if needed: imports write into it. */
  constructor(readonly path: string) {
    mkdirSync(path, { recursive: true });
  }

  get uploadUrlsPath(): string {
    return join(this.path, UPLOAD_URLS_FILE);
  }

  /** Where an import writes its compressed copy until its hash names it. */
  partialPath(importId: string): string {
    return join(this.path, `${importId}${PARTIAL_SUFFIX}`);
  }

  /** The copy of this content, whoever it is for. */
  archivePath(sha256: string): string {
    return join(this.path, `${sha256}.archive`);
  }

  /**
   * Files the copy under its hash with its manifest. When this content is
   * already waiting (opened twice), the new copy is dropped and the waiting one,
   * with any upload it has started, is kept.
   */
  async adopt(partialPath: string, pending: PendingUpload): Promise<void> {
    const archive = this.archivePath(pending.sha256);
    const existing = await stat(archive).catch(() => null);
    if (existing) await rm(partialPath, { force: true });
    else await rename(partialPath, archive);
    await this.save(pending);
  }

  async save(pending: PendingUpload): Promise<void> {
    await writeFileAtomic(this.manifestPath(pending.sha256), JSON.stringify(pending));
  }

  async load(sha256: string): Promise<PendingUpload | null> {
    const text = await readFile(this.manifestPath(sha256), 'utf8').catch(() => null);
    if (text === null) return null;
    const parsed = manifestSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  }

  /** Every waiting copy with a readable manifest. */
  async list(): Promise<PendingUpload[]> {
    const names = await readdir(this.path);
    const manifests = names.filter((n) => n.endsWith(MANIFEST_SUFFIX) && n !== UPLOAD_URLS_FILE);
    const loaded = await Promise.all(manifests.map((n) => this.load(n.slice(0, -MANIFEST_SUFFIX.length)).catch(() => null)));
    return loaded.filter((p): p is PendingUpload => p !== null);
  }

  /** The trace is stored (or is not wanted): its copy and manifest go. */
  async remove(sha256: string): Promise<void> {
    await rm(this.archivePath(sha256), { force: true });
    await rm(this.manifestPath(sha256), { force: true });
  }

  /** Partial copies older than `before` (ms since the epoch) belong to imports of an earlier run that never finished. */
  async removeStalePartials(before: number): Promise<void> {
    const names = await readdir(this.path);
    for (const name of names.filter((n) => n.endsWith(PARTIAL_SUFFIX))) {
      const path = join(this.path, name);
      const info = await stat(path).catch(() => null);
      if (info && info.mtimeMs < before) await rm(path, { force: true });
    }
  }

  private manifestPath(sha256: string): string {
    return join(this.path, `${sha256}${MANIFEST_SUFFIX}`);
  }
}
