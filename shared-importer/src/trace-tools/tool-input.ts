// The arguments every trace tool shares, resolved against the profile: a
// thread id, a function id, a task id, a time window in ms relative to the
// trace start, the recorded page and a navigation id. A bad argument is a one-line message for the model (a
// ToolInputError), never a crash of the tool.
import type { Profile } from '../model/profile.ts';
import type { PageInsights, PageNavigation } from '../page/page-types.ts';
import type { ThreadTimeline } from '../model/thread-timeline.ts';

/** Thrown by the resolvers below; the tool runner turns it into the result text. */
export class ToolInputError extends Error {}

/** How many ids an error lists as valid choices. */
const LISTED_CHOICES = 12;

export function resolveThread(profile: Profile, threadId: string): ThreadTimeline {
  const thread = profile.threads.find((t) => t.id === threadId);
  if (thread) return thread;
  const known = profile.threads.filter((t) => t.count > 0 || t.markers.length > 0).map((t) => t.id);
  const listed = known.slice(0, LISTED_CHOICES).join(', ');
  const more = known.length > LISTED_CHOICES ? ` and ${known.length - LISTED_CHOICES} more` : '';
  throw new ToolInputError(`Unknown thread "${threadId}". Threads with activity: ${listed}${more}.`);
}

/** The frame index of a function id ("fn12"), as FrameTable.idOf writes it. */
export function resolveFunction(profile: Profile, functionId: string): number {
  const match = /^fn(\d+)$/.exec(functionId);
  const frame = match ? Number(match[1]) : -1;
  if (frame < 0 || frame >= profile.frames.length || profile.frames.idOf(frame) !== functionId) {
    throw new ToolInputError(`Unknown function id "${functionId}": function ids look like fn12 (see the summary or find_functions).`);
  }
  return frame;
}

/** A task id ("task:<threadId>:<intervalIndex>", as the summary writes it) on `thread`. */
export function resolveTask(thread: ThreadTimeline, taskId: string): number {
  const prefix = `task:${thread.id}:`;
  const index = taskId.startsWith(prefix) && /^\d+$/.test(taskId.slice(prefix.length)) ? Number(taskId.slice(prefix.length)) : -1;
  if (index < 0 || index >= thread.count) {
    throw new ToolInputError(`Unknown task id "${taskId}" on thread ${thread.id}: task ids look like ${prefix}123 (see the summary or long_tasks).`);
  }
  return index;
}

/** A time range in the profile's own clock and units. */
export interface TimeWindow {
  start: number;
  end: number;
}

/**
 * [startMs, endMs] (relative to the trace start; either may be omitted for
 * the trace's edge) in profile units, or null for the whole trace.
 */
export function resolveWindow(profile: Profile, startMs?: number, endMs?: number): TimeWindow | null {
  if (startMs === undefined && endMs === undefined) return null;
  if (profile.unit !== 'microseconds') {
    throw new ToolInputError(`This profile's weights are ${profile.unit}, not time: it has no time windows. Omit startMs and endMs.`);
  }
  const start = startMs === undefined ? profile.startTime : profile.startTime + startMs * 1000;
  const end = endMs === undefined ? profile.endTime : profile.startTime + endMs * 1000;
  const spanMs = (profile.endTime - profile.startTime) / 1000;
  if (!(end > start)) throw new ToolInputError(`Empty time window ${startMs ?? 0}–${endMs ?? spanMs} ms: endMs must be after startMs.`);
  if (end <= profile.startTime || start >= profile.endTime) {
    throw new ToolInputError(`The window ${startMs ?? 0}–${endMs ?? spanMs} ms is outside the trace, which spans 0–${spanMs} ms.`);
  }
  return { start: Math.max(start, profile.startTime), end: Math.min(end, profile.endTime) };
}

/** The recorded web page, or the one line saying the trace has none. */
export function requirePage(profile: Profile): PageInsights {
  if (profile.page) return profile.page;
  throw new ToolInputError(
    `This trace recorded no web page (no navigations, network requests, layout shifts or interactions): page and network_requests answer only for Chrome recordings of a page; use the thread tools.`,
  );
}

/** A navigation id ("nav2", as the summary writes it). */
export function resolveNavigation(page: PageInsights, navigationId: string): PageNavigation {
  const navigation = page.navigations.find((n) => n.id === navigationId);
  if (navigation) return navigation;
  const known = page.navigations.map((n) => n.id);
  throw new ToolInputError(
    `Unknown navigation "${navigationId}". ${known.length > 0 ? `Navigations: ${known.join(', ')}.` : 'The recording has no navigation (a timespan recording): omit navigation.'}`,
  );
}
