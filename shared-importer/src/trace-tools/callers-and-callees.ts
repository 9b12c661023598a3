// callers_and_callees(functionId, threadId?): the sandwich view of one
// function as text: its self and total time (functionStats, the numbers the
// flame chart's function table and sandwich show), who called it and what it
// called, each weighted as the sandwich's first rows are: only calls not
// nested in another call of the function count.
import type { Profile } from '../model/profile.ts';
import type { ThreadTimeline } from '../model/thread-timeline.ts';
import { outermostNodes } from '../model/call-tree.ts';
import { threadFunctionStats, threadMergedTree, threadNodeCallCounts } from './thread-derived.ts';
import { resolveFunction, resolveThread } from './tool-input.ts';
import { functionLabel, percentText, valueText } from './tool-text.ts';

export interface CallersAndCalleesArgs {
  functionId: string;
  threadId?: string;
}

/** Callers and callees listed per side; the rest are summed on one line. */
const MAX_NEIGHBOURS = 15;

/** One function's sandwich on one thread, in profile units. */
export interface Sandwich {
  self: number;
  total: number;
  callCount: number;
  /** Caller frame (-1: the function ran at the root of the stack) -> time of the calls it made. */
  callers: Map<number, number>;
  /** Callee frame -> time of its direct calls from the function. */
  callees: Map<number, number>;
}

/** From the thread's merged tree (computed once per thread): a pass over its nodes, not its calls. */
export function sandwichOf(profile: Profile, t: ThreadTimeline, frame: number): Sandwich {
  const stats = threadFunctionStats(profile, t);
  const tree = threadMergedTree(t);
  const callCounts = threadNodeCallCounts(t);
  const callers = new Map<number, number>();
  const callees = new Map<number, number>();
  const outermost = new Uint8Array(tree.count);
  let callCount = 0;
  for (const node of outermostNodes(tree, frame)) {
    outermost[node] = 1;
    callCount += callCounts[node];
    const p = tree.parent[node];
    const caller = p >= 0 ? tree.frame[p] : -1;
    callers.set(caller, (callers.get(caller) ?? 0) + tree.total[node]);
  }
  for (let n = 0; n < tree.count; n++) {
    const p = tree.parent[n];
    if (p >= 0 && outermost[p] === 1) callees.set(tree.frame[n], (callees.get(tree.frame[n]) ?? 0) + tree.total[n]);
  }
  return { self: stats.self[frame], total: stats.total[frame], callCount, callers, callees };
}

export function callersAndCallees(profile: Profile, args: CallersAndCalleesArgs): string {
  const frame = resolveFunction(profile, args.functionId);
  const threads = args.threadId !== undefined ? [resolveThread(profile, args.threadId)] : profile.threads;
  const sections: string[] = [];
  for (const t of threads) {
    // A thread it does not run on is left out before its tree is needed.
    if (args.threadId === undefined && threadFunctionStats(profile, t).total[frame] <= 0) continue;
    sections.push(renderSandwich(profile, t, frame, sandwichOf(profile, t, frame)));
  }
  if (sections.length === 0) return `${functionLabel(profile, frame)} does not run on any thread.`;
  return sections.join('\n\n');
}

function renderSandwich(profile: Profile, t: ThreadTimeline, frame: number, s: Sandwich): string {
  const head = `${functionLabel(profile, frame)} on thread ${t.id}: total ${valueText(profile, s.total)}, self ${valueText(profile, s.self)}, ${s.callCount} outermost call${s.callCount === 1 ? '' : 's'}`;
  if (s.total <= 0) return `${head} (it does not run on this thread)`;
  const label = (f: number) => (f < 0 ? '(root of the stack)' : functionLabel(profile, f));
  return [
    head,
    `Callers (time of their calls to it, share of its total):`,
    ...neighbourLines(profile, s.callers, s.total, label),
    `Callees (time of its direct calls to them, share of its total):`,
    ...(s.callees.size > 0 ? neighbourLines(profile, s.callees, s.total, label) : ['- none: all its time is self time']),
  ].join('\n');
}

function neighbourLines(profile: Profile, byFrame: Map<number, number>, whole: number, label: (f: number) => string): string[] {
  const sorted = [...byFrame].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const lines = sorted.slice(0, MAX_NEIGHBOURS).map(([f, v]) => `- ${label(f)} ${valueText(profile, v)} (${percentText(v, whole)})`);
  const rest = sorted.slice(MAX_NEIGHBOURS);
  if (rest.length > 0) {
    let sum = 0;
    for (const [, v] of rest) sum += v;
    lines.push(`- … ${rest.length} more, ${valueText(profile, sum)} together`);
  }
  return lines;
}
