// A TraceStorage for until Storage sync (branch chat-sync) lands: the content
// hash of the open trace, from its file on disk (read once more, streamed) or
// from the bytes a browser uploaded (hashed as they passed through the host),
// and the trace's `traces` row with the summary made locally, but no file in
// Storage. Sync's service replaces this one; its interface is the seam.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { TraceLoadedEvent, TraceSummaryEvent } from '../ipc-contract.ts';
import type { CloudSession } from './cloud-session.ts';
import type { StoredTrace, TraceStorage } from './trace-storage.ts';

export interface UnsyncedTraceStorageOptions {
  cloud: CloudSession;
  imports: {
    readonly current: TraceLoadedEvent | null;
    whenSummarised(traceId: string): Promise<TraceSummaryEvent>;
  };
  /** sha256 of streamed imports' bytes, by import id (filled by the browser host's upload endpoint). */
  streamedHashes: ReadonlyMap<string, Promise<string>>;
}

export class UnsyncedTraceStorage implements TraceStorage {
  private readonly hashes = new Map<string, Promise<string>>();
  private readonly rows = new Map<string, Promise<StoredTrace>>();

  constructor(private readonly options: UnsyncedTraceStorageOptions) {}

  async contentHash(traceId: string): Promise<string> {
    let hash = this.hashes.get(traceId);
    if (!hash) {
      const trace = this.openTrace(traceId);
      hash = trace.path ? hashFile(trace.path) : this.options.streamedHashes.get(trace.importId);
      if (!hash) throw new Error(`The bytes of "${trace.fileName}" were not kept; open the file again.`);
      this.hashes.set(traceId, hash);
    }
    return hash;
  }

  whenStored(traceId: string): Promise<StoredTrace> {
    const userId = this.options.cloud.userId();
    const key = `${userId}:${traceId}`;
    let row = this.rows.get(key);
    if (!row) {
      row = this.storeRow(traceId);
      this.rows.set(key, row);
      row.catch(() => this.rows.delete(key)); // a later call tries again
    }
    return row;
  }

  private async storeRow(traceId: string): Promise<StoredTrace> {
    const trace = this.openTrace(traceId);
    const sha256 = await this.contentHash(traceId);
    const summary = await this.options.imports.whenSummarised(traceId);
    if (summary.status !== 'ready') throw new Error(summary.message);
    const client = this.options.cloud.client();
    if (!client) throw new Error('Sign in to store the trace in your account.');
    // One row per content in an account: a trace opened again reuses its row.
    const existing = await client.from('traces').select('id').eq('content_sha256', sha256).limit(1).maybeSingle<{ id: string }>();
    if (existing.error) throw new Error(existing.error.message);
    if (existing.data) return { cloudTraceId: existing.data.id, sha256 };
    const inserted = await client
      .from('traces')
      .insert({
        file_name: trace.fileName,
        size_bytes: trace.sizeBytes,
        content_sha256: sha256,
        format: trace.format,
        summary: summary.summary,
        summary_text: summary.summaryText,
      })
      .select('id')
      .single<{ id: string }>();
    if (inserted.error) throw new Error(inserted.error.message);
    return { cloudTraceId: inserted.data.id, sha256 };
  }

  private openTrace(traceId: string): TraceLoadedEvent {
    const trace = this.options.imports.current;
    if (trace?.traceId !== traceId) throw new Error('That trace is no longer open.');
    return trace;
  }
}

async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
