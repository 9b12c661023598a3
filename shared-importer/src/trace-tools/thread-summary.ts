// thread_summary(threadId, startMs?, endMs?): the summary's section for one
// thread, over the whole trace or a window, by the summary's own code, so its
// numbers and ids are the summary's.
import type { Profile } from '../model/profile.ts';
import { renderSummaryText } from '../summary/render-summary-text.ts';
import { summarizeProfile } from '../summary/summarize-profile.ts';
import { profileMainThread } from './thread-derived.ts';
import { resolveThread, resolveWindow, windowedTimeline } from './tool-input.ts';
import { TOOL_RESULT_TOKEN_CAP } from './tool-result.ts';
import { decimal } from './tool-text.ts';

export interface ThreadSummaryArgs {
  threadId: string;
  startMs?: number;
  endMs?: number;
}

/** Tokens the rendered section may take, leaving room for the window line. */
const SECTION_BUDGET = TOOL_RESULT_TOKEN_CAP - 100;

export async function threadSummary(profile: Profile, args: ThreadSummaryArgs): Promise<string> {
  const thread = resolveThread(profile, args.threadId);
  const window = resolveWindow(profile, args.startMs, args.endMs);
  const seen = windowedTimeline(thread, window);
  // A profile of this one thread: times stay relative to the trace start, and
  // the span (what busy % is of) is the window's.
  const span = window ? window.end - window.start : profile.endTime - profile.startTime;
  const single: Profile = { ...profile, threads: [seen], endTime: profile.startTime + span, warnings: [] };
  const summary = summarizeProfile(single, { maxThreads: 1 });
  const section = summary.threads[0];
  if (!section) return `Thread ${thread.id} has nothing recorded${window ? ' in this window' : ''}.`;
  section.isMainThread = profileMainThread(profile) === thread;
  const { text } = await renderSummaryText(summary, { budget: SECTION_BUDGET });
  const scope = window
    ? `Window ${decimal((window.start - profile.startTime) / 1000)}–${decimal((window.end - profile.startTime) / 1000)} ms of thread ${thread.id}: calls clipped to the window; "span" and busy % are the window's.`
    : `Whole trace, thread ${thread.id}.`;
  return `${scope}\n${text}`;
}
