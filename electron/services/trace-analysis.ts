// What the app computes from a freshly imported profile, in the import
// worker: the summary the panel shows and the text the cloud model reads.
import type { Profile } from '../../shared-importer/src/model/profile.ts';
import { summarizeProfile } from '../../shared-importer/src/summary/summarize-profile.ts';
import type { TraceSummary } from '../../shared-importer/src/summary/summary-types.ts';
import { countTokens } from '../../shared-importer/src/summary/token-count.ts';

export interface TraceAnalysis {
  summary: TraceSummary;
  text: string;
  tokens: number;
}

export async function analyseProfile(profile: Profile, signal?: AbortSignal): Promise<TraceAnalysis> {
  const summary = summarizeProfile(profile, { signal });
  const text = JSON.stringify(summary);
  return { summary, text, tokens: await countTokens(text) };
}
