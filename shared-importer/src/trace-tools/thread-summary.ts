// thread_summary(threadId, startMs?, endMs?): the summary's section for one
// thread, over the whole trace or a window, by the summary's own code, so its
// numbers and ids are the summary's.
import type { Profile } from '../model/profile.ts';
import type { ThreadTimeline } from '../model/thread-timeline.ts';
import type { ThreadSummary, TraceSummary } from '../summary/summary-types.ts';
import type { ToolContext } from './run-tool.ts';
import { renderSummaryText } from '../summary/render-summary-text.ts';
import { summarizeProfile } from '../summary/summarize-profile.ts';
import { profileMainThread } from './thread-derived.ts';
import { resolveThread, resolveWindow, type TimeWindow } from './tool-input.ts';
import { threadNodesOf, windowMergedTree, windowSlice, windowTimelineViews } from './thread-window.ts';
import { TOOL_RESULT_TOKEN_CAP } from './tool-result.ts';
import { decimal } from './tool-text.ts';

export interface ThreadSummaryArgs {
  threadId: string;
  startMs?: number;
  endMs?: number;
}

/** Tokens the rendered section may take, leaving room for the window line. */
const SECTION_BUDGET = TOOL_RESULT_TOKEN_CAP - 100;

export async function threadSummary(profile: Profile, args: ThreadSummaryArgs, context: ToolContext = {}): Promise<string> {
  const thread = resolveThread(profile, args.threadId);
  const window = resolveWindow(profile, args.startMs, args.endMs);
  const summary = (window === null && summaryOfThread(context.summary, thread.id)) || summarizeThread(profile, thread, window);
  if (!summary) return `Thread ${thread.id} has nothing recorded${window ? ' in this window' : ''}.`;
  const { text } = await renderSummaryText(summary, { budget: SECTION_BUDGET });
  const scope = window
    ? `Window ${decimal((window.start - profile.startTime) / 1000)}–${decimal((window.end - profile.startTime) / 1000)} ms of thread ${thread.id}: calls clipped to the window; "span" and busy % are the window's.`
    : `Whole trace, thread ${thread.id}.`;
  return `${scope}\n${text}`;
}

/** The trace's summary narrowed to one thread, as summarizeThread would make it for the whole trace. */
function summaryOfThread(summary: TraceSummary | undefined, threadId: string): TraceSummary | null {
  const section = summary?.threads.find((t) => t.id === threadId);
  if (!summary || !section) return null;
  return { ...summary, threads: [section], omittedThreadCount: 0, warnings: [], stats: { ...summary.stats, threadCount: 1 } };
}

/** A summary of one thread (in a window: of its slice, with the thread's ids); null when nothing ran there. */
function summarizeThread(profile: Profile, thread: ThreadTimeline, window: TimeWindow | null): TraceSummary | null {
  const slice = windowSlice(thread, window);
  // A profile of this one thread: times stay relative to the trace start, and
  // the span (what busy % is of) is the window's.
  const span = window ? window.end - window.start : profile.endTime - profile.startTime;
  const single: Profile = { ...profile, threads: [slice.timeline], endTime: profile.startTime + span, warnings: [] };
  const views = windowTimelineViews(thread, window);
  const summary = summarizeProfile(single, { maxThreads: 1, threadViews: () => views.forSummary(profile.frames.length) });
  const section = summary.threads[0];
  if (!section) return null;
  section.isMainThread = profileMainThread(profile) === thread;
  useThreadIds(section, thread, window);
  return summary;
}

/**
 * A window's summary numbers tasks and call paths within the window's slice;
 * the model must see the thread's own ids, as the summary and the other tools give them.
 */
function useThreadIds(section: ThreadSummary, thread: ThreadTimeline, window: TimeWindow | null): void {
  if (window === null) return;
  const slice = windowSlice(thread, window);
  const taskPrefix = `task:${thread.id}:`;
  for (const task of section.longTasks) task.id = `${taskPrefix}${Number(task.id.slice(taskPrefix.length)) + slice.first}`;
  if (section.hotPaths.length === 0) return;
  // The slice's tree as the summariser numbers it (node numbers depend only on the intervals), kept with the window.
  const threadNode = threadNodesOf(thread, slice, windowMergedTree(thread, window));
  const pathPrefix = `path:${thread.id}:`;
  for (const path of section.hotPaths) path.id = `${pathPrefix}${threadNode[Number(path.id.slice(pathPrefix.length))]}`;
}
