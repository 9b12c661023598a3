// long_tasks(threadId, minMs?, startMs?, endMs?): the thread's tasks at least
// minMs long, in start order, each with its dominant stack. Found by the
// summary's own code (same task level, same dominant stack, same ids), only
// with every task listed and the threshold the model asks for; the thread's
// task list is computed once, so a new threshold or window costs its tasks.
import type { Profile } from '../model/profile.ts';
import type { ThreadTimeline } from '../model/thread-timeline.ts';
import { AGGREGATED_FORMATS, longTaskOf, SUMMARY_DEFAULTS } from '../summary/summarize-profile.ts';
import type { LongTask } from '../summary/summary-types.ts';
import { threadSubtreeEnds, threadTasks } from './thread-derived.ts';
import { resolveThread, resolveWindow, ToolInputError } from './tool-input.ts';
import { decimal, quoted } from './tool-text.ts';

export interface LongTasksArgs {
  threadId: string;
  minMs?: number;
  startMs?: number;
  endMs?: number;
}

export function longTasks(profile: Profile, args: LongTasksArgs): string {
  const thread = resolveThread(profile, args.threadId);
  const window = resolveWindow(profile, args.startMs, args.endMs);
  if (profile.unit !== 'microseconds' || AGGREGATED_FORMATS.has(profile.format)) {
    throw new ToolInputError('This profile has no timeline (aggregated stacks or no clock), so it has no tasks in time.');
  }
  const minMs = args.minMs ?? SUMMARY_DEFAULTS.longTaskThresholdMs;
  if (!(minMs >= 0)) throw new ToolInputError(`minMs must be 0 or more, not ${args.minMs}.`);
  const fromMs = window ? (window.start - profile.startTime) / 1000 : -Infinity;
  const toMs = window ? (window.end - profile.startTime) / 1000 : Infinity;
  const tasks = tasksOfThread(profile, thread, minMs, fromMs, toMs);
  const scope = window ? ` overlapping ${decimal(fromMs)}–${decimal(toMs)} ms` : '';
  if (tasks.length === 0) return `No tasks of ${decimal(minMs)} ms or more on thread ${thread.id}${scope}.`;
  let total = 0;
  for (const task of tasks) total += task.durMs;
  return [
    `${tasks.length} task${tasks.length === 1 ? '' : 's'} of ${decimal(minMs)} ms or more on thread ${thread.id}${scope}, ${decimal(total)} ms in all (start order; times from trace start; stack = dominant callees, outermost first):`,
    ...tasks.map(taskLine),
  ].join('\n');
}

/**
 * The thread's tasks at least minMs long that overlap [fromMs, toMs], as the
 * summary lists them (longTaskOf): picked from the cached task list on raw
 * times (1 µs wider), then on the rounded ms the summary writes.
 */
function tasksOfThread(profile: Profile, thread: ThreadTimeline, minMs: number, fromMs: number, toMs: number): LongTask[] {
  const threshold = minMs * 1000;
  const from = profile.startTime + fromMs * 1000 - 1;
  const to = profile.startTime + toMs * 1000 + 1;
  const ends = threadSubtreeEnds(thread);
  const tasks: LongTask[] = [];
  for (const i of threadTasks(profile, thread)) {
    if (thread.end[i] - thread.start[i] < threshold || thread.start[i] >= to || thread.end[i] <= from) continue;
    const task = longTaskOf(profile, thread, ends, i);
    if (task.startMs < toMs && task.startMs + task.durMs > fromMs) tasks.push(task);
  }
  return tasks;
}

function taskLine(task: LongTask): string {
  const stack = task.stack.map((name, i) => `[${task.stackIds[i]}] ${quoted(name)}`);
  if (task.elidedFrameCount > 0) stack.splice(task.elidedAfter, 0, `… ${task.elidedFrameCount} frames …`);
  return `- [${task.id}] at ${decimal(task.startMs)} ms, ${decimal(task.durMs)} ms ${quoted(task.name)}: ${stack.join(' > ')} (self ${decimal(task.stackSelfMs)} ms)`;
}
