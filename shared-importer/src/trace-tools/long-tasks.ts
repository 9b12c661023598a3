// long_tasks(threadId, minMs?, startMs?, endMs?): the thread's tasks at least
// minMs long, in start order, each with its dominant stack. Found by the
// summary's own code (same task level, same dominant stack, same ids), only
// with every task listed and the threshold the model asks for.
import type { Profile } from '../model/profile.ts';
import type { ThreadTimeline } from '../model/thread-timeline.ts';
import { AGGREGATED_FORMATS, SUMMARY_DEFAULTS, summarizeProfile } from '../summary/summarize-profile.ts';
import type { LongTask } from '../summary/summary-types.ts';
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
  const all = tasksOfThread(profile, thread, minMs);
  const fromMs = window ? (window.start - profile.startTime) / 1000 : -Infinity;
  const toMs = window ? (window.end - profile.startTime) / 1000 : Infinity;
  const tasks = all.filter((task) => task.startMs < toMs && task.startMs + task.durMs > fromMs);
  const scope = window ? ` overlapping ${decimal(fromMs)}–${decimal(toMs)} ms` : '';
  if (tasks.length === 0) return `No tasks of ${decimal(minMs)} ms or more on thread ${thread.id}${scope}.`;
  let total = 0;
  for (const task of tasks) total += task.durMs;
  return [
    `${tasks.length} task${tasks.length === 1 ? '' : 's'} of ${decimal(minMs)} ms or more on thread ${thread.id}${scope}, ${decimal(total)} ms in all (start order; times from trace start; stack = dominant callees, outermost first):`,
    ...tasks.map(taskLine),
  ].join('\n');
}

/** The last threshold's tasks per thread: a model narrowing to windows asks again with the same one. */
const lastTasks = new WeakMap<ThreadTimeline, { minMs: number; tasks: LongTask[] }>();

function tasksOfThread(profile: Profile, thread: ThreadTimeline, minMs: number): LongTask[] {
  const cached = lastTasks.get(thread);
  if (cached?.minMs === minMs) return cached.tasks;
  const single: Profile = { ...profile, threads: [thread], warnings: [] };
  const summary = summarizeProfile(single, {
    maxThreads: 1,
    longTaskThresholdMs: minMs,
    maxLongTasks: Number.MAX_SAFE_INTEGER,
    topFunctionCount: 0,
    hotPathCount: 0,
    maxMarkers: 0,
  });
  const tasks = summary.threads[0]?.longTasks ?? [];
  lastTasks.set(thread, { minMs, tasks });
  return tasks;
}

function taskLine(task: LongTask): string {
  const stack = task.stack.map((name, i) => `[${task.stackIds[i]}] ${quoted(name)}`);
  if (task.elidedFrameCount > 0) stack.splice(task.elidedAfter, 0, `… ${task.elidedFrameCount} frames …`);
  return `- [${task.id}] at ${decimal(task.startMs)} ms, ${decimal(task.durMs)} ms ${quoted(task.name)}: ${stack.join(' > ')} (self ${decimal(task.stackSelfMs)} ms)`;
}
