// The signed-in user's `traces` rows and stored trace files, as the desktop
// writes them: one row per (user, content hash), upserted.
import type { SupabaseClient } from '@supabase/supabase-js';
import { TRACES_BUCKET } from '../../functions/_shared/traces.ts';
import type { TraceSummary } from '../../shared-importer/src/summary/summary-types.ts';
import { StorageUploadError } from './storage-upload.ts';

export { TRACES_BUCKET };

/** What the desktop knows of a trace; left-out fields keep the row's value. */
export interface TraceRowFields {
  userId: string;
  sha256: string;
  fileName: string;
  sizeBytes: number;
  format: string;
  summary?: { summary: TraceSummary; summaryText: string };
  /** The object's path in the bucket, once stored. */
  blobPath?: string;
}

/** Inserts or updates the user's row for this content; resolves with its id. */
export async function upsertTraceRow(client: SupabaseClient, fields: TraceRowFields): Promise<string> {
  const row = {
    user_id: fields.userId,
    content_sha256: fields.sha256,
    file_name: fields.fileName,
    size_bytes: fields.sizeBytes,
    format: fields.format,
    ...(fields.summary && { summary: fields.summary.summary, summary_text: fields.summary.summaryText }),
    ...(fields.blobPath && { blob_path: fields.blobPath }),
  };
  const { data, error } = await client.from('traces').upsert(row, { onConflict: 'user_id,content_sha256' }).select('id').single<{ id: string }>();
  if (error) throw new Error(`Could not save the trace's row: ${error.message}`);
  return data.id;
}

/** Whether the bucket already holds this object (the user's own: RLS hides everyone else's). */
export async function isObjectStored(client: SupabaseClient, objectName: string): Promise<boolean> {
  try {
    const { data } = await client.storage.from(TRACES_BUCKET).exists(objectName);
    return data;
  } catch (error) {
    // storage-js keeps the HTTP answer of a failed HEAD as the error's status or its original response.
    const { status, originalError } = error as { status?: number; originalError?: { status?: number } };
    throw new StorageUploadError(error instanceof Error ? error.message : String(error), status ?? originalError?.status ?? null);
  }
}
