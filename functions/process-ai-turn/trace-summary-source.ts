// Finds the summary the model reads for a trace. The desktop uploads it with
// the trace; only when it is missing and the stored object is small does this
// function download, decompress and summarise the trace itself (a large trace
// would not fit an edge function's memory and CPU limits). The importer and
// the summary renderer (with its tokenizer) are imported here, on this path
// only: a turn with a stored summary text never loads them.
import type { SupabaseClient } from '@supabase/supabase-js';
import type { TraceSummary } from '../../shared-importer/src/summary/summary-types.ts';
import type { SupabaseConfig } from '../_shared/config.ts';
import { parseTraceSummary } from '../_shared/trace-summary-schema.ts';
import { loadStoredSummary, storeSummary, TRACES_BUCKET, type TraceRow } from '../_shared/traces.ts';

/** A summary cannot be had; `message` is for the user. */
export class SummaryUnavailableError extends Error {
  override readonly name = 'SummaryUnavailableError';
}

export interface SummarySourceOptions {
  config: Pick<SupabaseConfig, 'supabaseUrl' | 'serviceRoleKey'>;
  admin: SupabaseClient;
  maxSummarizeBytes: number;
  summaryTokenBudget: number;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** The text placed in the prompt's data block; rendered (and stored) only when the row lacks it. */
export async function summaryTextFor(trace: TraceRow, options: SummarySourceOptions): Promise<string> {
  if (trace.summary_text) return trace.summary_text;
  const summary = (await storedSummary(trace, options)) ?? (await summariseStoredObject(trace, options));
  const { renderSummaryText } = await import('../../shared-importer/src/summary/render-summary-text.ts');
  const { text } = await renderSummaryText(summary, { budget: options.summaryTokenBudget });
  await storeSummary(options.admin, trace.id, summary, text);
  return text;
}

/** The summary a client stored with the trace, checked: a row holds whatever its owner wrote. */
async function storedSummary(trace: TraceRow, options: SummarySourceOptions): Promise<TraceSummary | null> {
  const stored = await loadStoredSummary(options.admin, trace.id);
  if (stored === null) return null;
  const parsed = parseTraceSummary(stored);
  if (parsed.ok) return parsed.summary;
  throw new SummaryUnavailableError(
    `The stored summary of this trace is not one the app writes (${parsed.reason}); re-open the trace in the app to upload it again.`,
  );
}

async function summariseStoredObject(trace: TraceRow, options: SummarySourceOptions) {
  if (!trace.blob_path) {
    throw new SummaryUnavailableError('This trace has neither a summary nor an uploaded file yet; re-open it in the app to upload it.');
  }
  const tooLarge = (size?: number) =>
    new SummaryUnavailableError(
      `The trace's summary was not uploaded and the file${size === undefined ? '' : ` (${mb(size)})`} is too large to ` +
        `summarise in the cloud (limit ${mb(options.maxSummarizeBytes)} after decompression). ` +
        'Re-open the trace in the app so it uploads its summary.',
    );
  if (trace.size_bytes !== null && trace.size_bytes > options.maxSummarizeBytes) throw tooLarge(trace.size_bytes);

  const path = trace.blob_path.split('/').map(encodeURIComponent).join('/');
  const response = await fetch(`${options.config.supabaseUrl}/storage/v1/object/${TRACES_BUCKET}/${path}`, {
    headers: { apikey: options.config.serviceRoleKey, authorization: `Bearer ${options.config.serviceRoleKey}` },
  });
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    throw new SummaryUnavailableError('The uploaded trace file could not be found; re-open the trace in the app to upload it again.');
  }
  const length = Number(response.headers.get('content-length') ?? NaN);
  if (length > options.maxSummarizeBytes) {
    await response.body.cancel();
    throw tooLarge(length);
  }

  // Streams the body (gzip is undone by the importer with DecompressionStream) and stops
  // as soon as the object proves larger than allowed, whatever its row claimed.
  const max = options.maxSummarizeBytes;
  async function* limited(body: ReadableStream<Uint8Array>): AsyncIterable<Uint8Array> {
    let total = 0;
    for await (const chunk of body) {
      total += chunk.length;
      if (total > max) throw tooLarge(total);
      yield chunk;
    }
  }
  const [{ importProfileFromChunks }, { TraceImportError }, { summarizeProfile }] = await Promise.all([
    import('../../shared-importer/src/import-profile.ts'),
    import('../../shared-importer/src/errors.ts'),
    import('../../shared-importer/src/summary/summarize-profile.ts'),
  ]);
  try {
    const profile = await importProfileFromChunks(trace.file_name ?? 'trace', limited(response.body), {
      totalBytes: Number.isFinite(length) ? length : undefined,
      // The import's CPU and memory follow the trace text, not the object: a gzipped object is
      // held to the same limit once decompressed.
      maxDecompressedBytes: max,
      maxBufferedBytes: max,
    });
    return summarizeProfile(profile);
  } catch (error) {
    if (error instanceof SummaryUnavailableError) throw error;
    if (error instanceof TraceImportError && error.code === 'too-large') throw tooLarge();
    if (error instanceof TraceImportError) throw new SummaryUnavailableError(`The uploaded trace could not be read: ${error.message}`);
    throw error;
  }
}
