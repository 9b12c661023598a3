// What the app computes from a freshly imported profile, in the import
// worker: the summary the panel shows and the budgeted text the cloud model
// reads (the same text `trace-analyser summarize` prints).
import type { Profile } from '../../shared-importer/src/model/profile.ts';
import { renderSummaryText } from '../../shared-importer/src/summary/render-summary-text.ts';
import { summarizeProfile } from '../../shared-importer/src/summary/summarize-profile.ts';
import type { TraceSummary } from '../../shared-importer/src/summary/summary-types.ts';
import { keptThreadViews } from '../../shared-importer/src/trace-tools/thread-derived.ts';

export interface TraceAnalysis {
  summary: TraceSummary;
  text: string;
  tokens: number;
}

export async function analyseProfile(profile: Profile, signal?: AbortSignal): Promise<TraceAnalysis> {
  // The summary's per-thread views stay cached for the trace tools the AI calls next.
  const summary = summarizeProfile(profile, { signal, threadViews: keptThreadViews(profile) });
  const { text, tokens } = await renderSummaryText(summary);
  return { summary, text, tokens };
}
