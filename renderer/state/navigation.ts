// Selections that start from a summary id ("fn12", "task:<thread>:<interval>",
// "path:<thread>:<node>") and end with the chart showing it: the right thread,
// view, zoom and block. Ids resolve against the profile, not the summary's
// lists: the trace tools cite any function, task and call-tree node.
import type { Profile } from '../../shared-importer/src/model/profile.ts';
import type { TraceSummary } from '../../shared-importer/src/summary/summary-types.ts';
import { slotOfSource } from '../flame-chart/flame-layout.ts';
import { clampViewport, focusRange } from '../flame-chart/viewport.ts';
import { pageItem, pageItemRange, PAGE_ITEM_ID } from '../page-track/page-items.ts';
import { orderedThreads } from '../profile-views/thread-order.ts';
import { threadViews } from '../profile-views/thread-views.ts';
import { useViewStore } from './view-store.ts';

export function timeOrderChartId(threadId: string): string {
  return `${threadId}/time-order`;
}

export function leftHeavyChartId(threadId: string): string {
  return `${threadId}/left-heavy`;
}

/** Frame index of a summary function id ("fn<frameIndex>"), or -1. */
export function frameOfFunctionId(profile: Profile, id: string): number {
  const match = /^fn(\d+)$/.exec(id);
  if (!match) return -1;
  const frame = Number(match[1]);
  return frame < profile.frames.length ? frame : -1;
}

/** Interval index of a long task id ("task:<threadId>:<intervalIndex>"; thread ids may contain ':'). */
export function intervalOfTaskId(id: string): number {
  return threadItemOf(id)?.index ?? -1;
}

/** The thread and index of a task or path id ("task:<threadId>:<interval>", "path:<threadId>:<mergedNode>"), or null. */
function threadItemOf(id: string): { threadId: string; index: number } | null {
  const kind = id.indexOf(':');
  const last = id.lastIndexOf(':');
  if (kind < 0 || last <= kind) return null;
  const digits = id.slice(last + 1);
  if (!/^\d+$/.test(digits)) return null;
  return { threadId: id.slice(kind + 1, last), index: Number(digits) };
}

/** Selects a function on a thread and shows it in the sandwich view. */
export function showFunction(profile: Profile, threadId: string, functionId: string): boolean {
  const frame = frameOfFunctionId(profile, functionId);
  if (frame < 0) return false;
  const store = useViewStore.getState();
  store.threadChosen(threadId);
  store.functionSelected(frame);
  store.modeChosen('sandwich');
  return true;
}

/** Zooms the time-order chart to one interval (a long task) and selects it. */
export function showInterval(profile: Profile, threadId: string, interval: number): boolean {
  const thread = profile.threads.find((t) => t.id === threadId);
  if (!thread || interval < 0 || interval >= thread.count) return false;
  const layout = threadViews(thread, profile.frames.length).timeOrder();
  const slot = slotOfSource(layout, interval);
  if (slot < 0) return false;
  const viewport = focusRange({ min: layout.min, max: layout.max }, thread.start[interval], thread.end[interval]);
  useViewStore.getState().blockFocused(threadId, 'time-order', thread.frame[interval], { chartId: timeOrderChartId(threadId), slot }, viewport);
  return true;
}

/**
 * Shows one node of a thread's merged call tree (a summary or call_tree path:
 * the path's deepest frame) in the left heavy chart, which draws that same
 * tree (buildMergedCallTree, the node index is its source): zoomed and selected.
 */
export function showCallPath(profile: Profile, threadId: string, node: number): boolean {
  const thread = profile.threads.find((t) => t.id === threadId);
  // A merged tree has at most one node per interval: anything beyond is no node, without building the tree.
  if (!thread || node < 0 || node >= thread.count) return false;
  const layout = threadViews(thread, profile.frames.length).leftHeavy();
  const slot = slotOfSource(layout, node);
  if (slot < 0) return false;
  const viewport = focusRange({ min: layout.min, max: layout.max }, layout.x0[slot], layout.x1[slot]);
  useViewStore.getState().blockFocused(threadId, 'left-heavy', layout.frame[slot], { chartId: leftHeavyChartId(threadId), slot }, viewport);
  return true;
}

/** Share of the chart's span an instant (a layout shift) is shown in, so there is context around it. */
const INSTANT_SPAN_FRACTION = 0.02;

/**
 * Shows a page item (navigation, request, shift, cluster, interaction) in the
 * time order chart of the thread in view (else the main thread), zoomed to
 * it and selected in the page track, as a click there selects it.
 */
export function showPageItem(profile: Profile, id: string, threadInView: string | null): boolean {
  const item = profile.page ? pageItem(profile.page, id) : null;
  if (!item) return false;
  const thread = profile.threads.find((t) => t.id === threadInView && t.count > 0) ?? orderedThreads(profile)[0]?.timeline;
  if (!thread) return false;
  const layout = threadViews(thread, profile.frames.length).timeOrder();
  const bounds = { min: layout.min, max: layout.max };
  const chartId = timeOrderChartId(thread.id);
  const scrollY = useViewStore.getState().viewports[chartId]?.scrollY ?? 0;
  const { start, end } = pageItemRange(item);
  const least = (bounds.max - bounds.min) * INSTANT_SPAN_FRACTION;
  const viewport =
    end - start >= least
      ? focusRange(bounds, start, end, scrollY)
      : clampViewport({ x0: (start + end) / 2 - least / 2, x1: (start + end) / 2 + least / 2, scrollY }, bounds);
  useViewStore.getState().pageItemFocused(id, thread.id, chartId, viewport);
  return true;
}

/**
 * Whether an id can name an item of this profile, judged without a pass over
 * any thread (an answer's citations are checked as it renders): the chat
 * shows such ids as links and the rest as plain text. A link whose item turns
 * out not to exist (a node index past the thread's tree) shows nothing.
 */
export function isCitableId(profile: Profile, id: string): boolean {
  if (PAGE_ITEM_ID.test(id)) return profile.page ? pageItem(profile.page, id) !== null : false;
  if (id.startsWith('task:') || id.startsWith('path:')) {
    const item = threadItemOf(id);
    const thread = item && profile.threads.find((t) => t.id === item.threadId);
    return !!thread && item.index < thread.count;
  }
  if (id.startsWith('thread ')) return profile.threads.some((t) => t.id === id.slice('thread '.length));
  return frameOfFunctionId(profile, id) >= 0;
}

/**
 * Shows the item a summary or trace-tool id names (a function, call path,
 * task, thread or page item), as the summary panel's buttons do. A function
 * shows on the thread in view when it runs there. False when the id names
 * nothing in this trace.
 */
export function showSummaryItem(profile: Profile, summary: TraceSummary | null, id: string, threadInView: string | null): boolean {
  if (PAGE_ITEM_ID.test(id)) return showPageItem(profile, id, threadInView);
  if (id.startsWith('task:') || id.startsWith('path:')) {
    const item = threadItemOf(id);
    if (!item) return false;
    return id.startsWith('task:') ? showInterval(profile, item.threadId, item.index) : showCallPath(profile, item.threadId, item.index);
  }
  if (id.startsWith('thread ')) {
    const threadId = id.slice('thread '.length);
    if (!profile.threads.some((t) => t.id === threadId)) return false;
    useViewStore.getState().threadChosen(threadId);
    return true;
  }
  const frame = frameOfFunctionId(profile, id);
  if (frame < 0) return false;
  const runsIn = (threadId: string | null | undefined) => {
    const thread = profile.threads.find((t) => t.id === threadId);
    return thread !== undefined && threadViews(thread, profile.frames.length).stats().total[frame] > 0;
  };
  const listedOn = summary?.threads.find((t) => t.topFunctions.some((f) => f.id === id) || t.topFunctionsByTotal.some((f) => f.id === id))?.id;
  const threadId = runsIn(threadInView) ? threadInView : (listedOn ?? profile.threads.find((t) => runsIn(t.id))?.id);
  return threadId ? showFunction(profile, threadId, id) : false;
}
