// Reads and writes rows of public.traces (see supabase/migrations).
import type { SupabaseClient } from '@supabase/supabase-js';
import type { TraceSummary } from '../../shared-importer/src/summary/summary-types.ts';
import { parseTraceSummary } from './trace-summary-schema.ts';

export const TRACES_BUCKET = 'traces';

export interface TraceRow {
  id: string;
  user_id: string;
  blob_path: string | null;
  file_name: string | null;
  size_bytes: number | null;
  format: string | null;
  summary_text: string | null;
}

/**
 * The caller's view of a trace: with a user client RLS hides other users'
 * rows, so "not found" and "not yours" are the same answer.
 */
export async function findVisibleTrace(client: SupabaseClient, traceId: string): Promise<{ id: string; summaryStored: boolean } | null> {
  const { data, error } = await client.from('traces').select('id, summary').eq('id', traceId).maybeSingle<{ id: string; summary: unknown }>();
  if (error) throw new Error(`Could not read trace ${traceId}: ${error.message}`);
  return data ? { id: data.id, summaryStored: data.summary !== null } : null;
}

/** Whether the caller can see the trace (RLS: only their own); reads nothing but the id. */
export async function isTraceVisible(client: SupabaseClient, traceId: string): Promise<boolean> {
  const { data, error } = await client.from('traces').select('id').eq('id', traceId).maybeSingle();
  if (error) throw new Error(`Could not read trace ${traceId}: ${error.message}`);
  return data !== null;
}

/** Service-role read of a user's trace with the summary text the prompt uses (not the larger summary JSON). */
export async function loadTraceForTurn(admin: SupabaseClient, userId: string, traceId: string): Promise<TraceRow | null> {
  const { data, error } = await admin
    .from('traces')
    .select('id, user_id, blob_path, file_name, size_bytes, format, summary_text')
    .eq('id', traceId)
    .eq('user_id', userId)
    .maybeSingle<TraceRow>();
  if (error) throw new Error(`Could not read trace ${traceId}: ${error.message}`);
  return data;
}

/** The stored summary JSON as the row holds it (check it with parseTraceSummary), read only when a trace has no summary text yet. */
export async function loadStoredSummary(admin: SupabaseClient, traceId: string): Promise<unknown> {
  const { data, error } = await admin.from('traces').select('summary').eq('id', traceId).maybeSingle<{ summary: unknown }>();
  if (error) throw new Error(`Could not read the summary of trace ${traceId}: ${error.message}`);
  return data?.summary ?? null;
}

export async function storeSummary(admin: SupabaseClient, traceId: string, summary: TraceSummary, summaryText: string): Promise<void> {
  const checked = parseTraceSummary(summary);
  if (!checked.ok) throw new Error(`Refusing to store an invalid summary for trace ${traceId}: ${checked.reason}`);
  const { error } = await admin.from('traces').update({ summary, summary_text: summaryText, format: summary.format }).eq('id', traceId);
  if (error) throw new Error(`Could not store the summary of trace ${traceId}: ${error.message}`);
}
