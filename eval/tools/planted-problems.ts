// The tools eval's planted problems: for each, the trace, the calls a good
// model makes (each call's arguments taken from what it has read so far, as
// a model would: the summary and the earlier results), the planted fact each
// result must hold, and the answer that cites the planted items by id.
import type { Profile } from '../../shared-importer/src/model/profile.ts';
import type { TraceToolName } from '../../shared-importer/src/trace-tools/run-tool.ts';
import { HOT_WORKER, hotWorkerTrace, LONG_TASK, longTaskTrace, MAIN_TID, PID, REGRESSION, regressionTrace, WORKER_TID } from './planted-traces.ts';

/** What the model has read when it makes a call: the summary text and the results so far. */
export interface Seen {
  summaryText: string;
  results: string[];
}

/** The planted items as the profile names them, found from the profile itself (not from tool output). */
export interface PlantedItems {
  /** The planted function's id ("fn7"). */
  functionId: string;
  functionName: string;
  /** (b) only: the planted long task's id. */
  taskId?: string;
}

export interface ScriptedCall {
  name: TraceToolName;
  args(seen: Seen): Record<string, unknown>;
  /** The planted fact the result must hold, in words. */
  fact: string;
  holds(result: string, planted: PlantedItems): boolean;
}

export interface PlantedProblem {
  name: string;
  fileName: string;
  trace(): Uint8Array;
  /** The user's question. */
  question: string;
  planted(profile: Profile): PlantedItems;
  calls: ScriptedCall[];
  /** The final answer after the calls, citing what the results named. */
  answer(seen: Seen): string;
}

/** Share of the planted time a reported time may be off by. */
export const TIME_TOLERANCE = 0.1;

const MAIN = `p${PID}:t${MAIN_TID}`;
const WORKER = `p${PID}:t${WORKER_TID}`;

/** A number as the tools and the summary write it ("1,234.5"). */
const NUMBER = String.raw`(-?[\d,]+(?:\.\d+)?)`;

function near(text: string, planted: number): boolean {
  const value = Number(text.replace(/,/g, ''));
  return Math.abs(value - planted) <= planted * TIME_TOLERANCE;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The first line of `text` holding `[id] "name"`, or ''. */
function lineOf(text: string, planted: PlantedItems): string {
  return text.split('\n').find((line) => line.includes(`[${planted.functionId}] "${planted.functionName}"`)) ?? '';
}

/** The `label NUMBER ms` on the planted function's line is within tolerance of `plantedMs`. */
function timeOnLine(result: string, planted: PlantedItems, label: string, plantedMs: number): boolean {
  const match = new RegExp(`${escape(label)} ${NUMBER} ms`).exec(lineOf(result, planted));
  return match !== null && near(match[1], plantedMs);
}

/** A thread's id from the summary's "## Thread "<name>" … [thread <id>]" heading. */
function threadIdOf(summaryText: string, name: string): string {
  const match = new RegExp(`^## Thread "${escape(name)}".*\\[thread ([^\\]]+)\\]`, 'm').exec(summaryText);
  if (!match) throw new Error(`The summary names no thread "${name}".`);
  return match[1];
}

/** The id a result gives a function by name: `[fn12] "name"`. */
function functionIdIn(text: string, name: string): string {
  const match = new RegExp(`\\[(fn\\d+)\\] "${escape(name)}"`).exec(text);
  if (!match) throw new Error(`No result names "${name}".`);
  return match[1];
}

/** The summary's span in ms ("span 4,982 ms"). */
function spanOf(summaryText: string): number {
  return Number(/ span ([\d,.]+) ms/.exec(summaryText)![1].replace(/,/g, ''));
}

function plantedFunction(profile: Profile, name: string): PlantedItems {
  const frame = profile.frames.names.indexOf(name);
  if (frame < 0) throw new Error(`The planted function "${name}" is not in the profile.`);
  return { functionId: profile.frames.idOf(frame), functionName: name };
}

const hotWorkerMs = HOT_WORKER.tasks * HOT_WORKER.selfMs;

export const hotWorker: PlantedProblem = {
  name: 'hot function on a worker',
  fileName: 'planted-hot-worker.json',
  trace: hotWorkerTrace,
  question: 'What is the worker doing all the time?',
  planted: (profile) => plantedFunction(profile, HOT_WORKER.function),
  calls: [
    {
      name: 'find_functions',
      args: () => ({ query: 'inflate' }),
      fact: `${HOT_WORKER.function} on the worker, total ${hotWorkerMs} ms`,
      holds: (result, planted) => lineOf(result, planted).includes(`thread ${WORKER}:`) && timeOnLine(result, planted, 'total', hotWorkerMs),
    },
    {
      name: 'callers_and_callees',
      args: (seen) => ({ functionId: functionIdIn(seen.results[0], HOT_WORKER.function), threadId: threadIdOf(seen.summaryText, 'DedicatedWorker thread') }),
      fact: `its total ${hotWorkerMs} ms, all of it self time, called from ${HOT_WORKER.caller}`,
      holds: (result, planted) =>
        timeOnLine(result, planted, 'total', hotWorkerMs) &&
        timeOnLine(result, planted, 'self', hotWorkerMs) &&
        new RegExp(`"${HOT_WORKER.caller}" ${NUMBER} ms`).test(result),
    },
    {
      name: 'thread_summary',
      args: (seen) => ({ threadId: threadIdOf(seen.summaryText, 'DedicatedWorker thread') }),
      fact: `${HOT_WORKER.function} first by self time, ${hotWorkerMs} ms`,
      holds: (result, planted) => {
        const first = /Top self time:\n(.*)/.exec(result)?.[1] ?? '';
        const self = new RegExp(`self ${NUMBER} ms`).exec(first);
        return first.includes(`[${planted.functionId}] "${planted.functionName}"`) && self !== null && near(self[1], hotWorkerMs);
      },
    },
  ],
  answer: (seen) => {
    const fn = functionIdIn(seen.results[0], HOT_WORKER.function);
    return `The worker [thread ${threadIdOf(seen.summaryText, 'DedicatedWorker thread')}] spends most of its time in [${fn}] "${HOT_WORKER.function}": ${hotWorkerMs / 1000} s of self time, called from its message handler.`;
  },
};

/** The long task's interval index on the main thread: the root call starting at the planted time. */
function plantedTask(profile: Profile): string {
  const thread = profile.threads.find((t) => t.id === MAIN)!;
  const at = profile.startTime + LONG_TASK.at * 1000;
  for (let i = 0; i < thread.count; i++) if (thread.depth[i] === 0 && thread.start[i] === at) return `task:${MAIN}:${i}`;
  throw new Error('The planted long task is not in the profile.');
}

export const longTask: PlantedProblem = {
  name: 'long task caused three levels deep',
  fileName: 'planted-long-task.json',
  trace: longTaskTrace,
  question: 'Why is the main thread blocked for so long around 2 s?',
  planted: (profile) => ({ ...plantedFunction(profile, LONG_TASK.path[2]), taskId: plantedTask(profile) }),
  calls: [
    {
      name: 'long_tasks',
      args: (seen) => ({ threadId: threadIdOf(seen.summaryText, 'CrRendererMain') }),
      fact: `the ${LONG_TASK.ms} ms task at ${LONG_TASK.at} ms, its dominant stack ending in ${LONG_TASK.path[2]} (self ${LONG_TASK.selfMs} ms)`,
      holds: (result, planted) => {
        const line = result.split('\n').find((l) => l.startsWith(`- [${planted.taskId}] `)) ?? '';
        const match = new RegExp(`at ${NUMBER} ms, ${NUMBER} ms .*\\[${planted.functionId}\\] "${planted.functionName}" \\(self ${NUMBER} ms\\)$`).exec(line);
        return match !== null && near(match[1], LONG_TASK.at) && near(match[2], LONG_TASK.ms) && near(match[3], LONG_TASK.selfMs);
      },
    },
    {
      name: 'call_tree',
      args: (seen) => ({ threadId: threadIdOf(seen.summaryText, 'CrRendererMain'), root: longestTask(seen.results[0]) }),
      fact: `${LONG_TASK.path[2]} three levels below the task, total ${LONG_TASK.selfMs} ms`,
      holds: (result, planted) => lineOf(result, planted).startsWith(`${'  '.repeat(3)}- [`) && timeOnLine(result, planted, 'total', LONG_TASK.selfMs),
    },
    {
      name: 'callers_and_callees',
      args: (seen) => ({ functionId: functionIdIn(seen.results[1], LONG_TASK.path[2]), threadId: threadIdOf(seen.summaryText, 'CrRendererMain') }),
      fact: `its total ${LONG_TASK.selfMs} ms, called from ${LONG_TASK.path[1]}`,
      holds: (result, planted) =>
        timeOnLine(result, planted, 'total', LONG_TASK.selfMs) &&
        new RegExp(`^- \\[fn\\d+\\] "${LONG_TASK.path[1]}" ${NUMBER} ms \\(100%\\)$`, 'm').test(result),
    },
  ],
  answer: (seen) => {
    const task = longestTask(seen.results[0]);
    const fn = functionIdIn(seen.results[1], LONG_TASK.path[2]);
    return `The long task [${task}] (${LONG_TASK.ms} ms at ${LONG_TASK.at / 1000} s) spends ${LONG_TASK.selfMs} ms in [${fn}] "${LONG_TASK.path[2]}", called by ${LONG_TASK.path[1]} from the click handler.`;
  },
};

/** The id of the longest task long_tasks listed. */
function longestTask(result: string): string {
  const tasks = [...result.matchAll(/^- \[(task:[^\]]+)\] at [\d.]+ ms, ([\d.]+) ms/gm)];
  if (tasks.length === 0) throw new Error('long_tasks listed no task.');
  return tasks.reduce((a, b) => (Number(b[2]) > Number(a[2]) ? b : a))[1];
}

const halfMs = REGRESSION.spanMs / 2;
const callsPerHalf = halfMs / REGRESSION.everyMs;
/** ms of diffTree per second of window in each half. */
const rateBefore = (callsPerHalf * REGRESSION.beforeMs) / (halfMs / 1000);
const rateAfter = (callsPerHalf * REGRESSION.afterMs) / (halfMs / 1000);

export const regression: PlantedProblem = {
  name: 'regression between the halves',
  fileName: 'planted-regression.json',
  trace: regressionTrace,
  question: 'The app got slower during this recording. What changed?',
  planted: (profile) => plantedFunction(profile, REGRESSION.function),
  calls: [
    {
      name: 'compare_windows',
      args: (seen) => {
        const span = spanOf(seen.summaryText);
        return { threadId: threadIdOf(seen.summaryText, 'CrRendererMain'), a: [0, span / 2], b: [span / 2, span] };
      },
      fact: `${REGRESSION.function} first, self ${rateBefore} → ${rateAfter} ms per second (+${rateAfter - rateBefore})`,
      holds: (result, planted) => {
        const first = result.split('\n')[1] ?? '';
        const match = new RegExp(`^- \\[${planted.functionId}\\] "${planted.functionName}" self ${NUMBER} → ${NUMBER} \\(\\+${NUMBER}\\)`).exec(first);
        return match !== null && near(match[1], rateBefore) && near(match[2], rateAfter) && near(match[3], rateAfter - rateBefore);
      },
    },
    {
      name: 'call_tree',
      args: (seen) => {
        const span = spanOf(seen.summaryText);
        return { threadId: threadIdOf(seen.summaryText, 'CrRendererMain'), startMs: span / 2, endMs: span };
      },
      fact: `${REGRESSION.function} in the second half, total ${callsPerHalf * REGRESSION.afterMs} ms`,
      holds: (result, planted) => timeOnLine(result, planted, 'total', callsPerHalf * REGRESSION.afterMs),
    },
    {
      name: 'find_functions',
      args: (seen) => ({ query: REGRESSION.function, threadId: threadIdOf(seen.summaryText, 'CrRendererMain') }),
      fact: `${REGRESSION.function} over the recording, total ${callsPerHalf * (REGRESSION.beforeMs + REGRESSION.afterMs)} ms`,
      holds: (result, planted) => timeOnLine(result, planted, 'total', callsPerHalf * (REGRESSION.beforeMs + REGRESSION.afterMs)),
    },
  ],
  answer: (seen) => {
    const fn = functionIdIn(seen.results[0], REGRESSION.function);
    return `On the main thread [thread ${threadIdOf(seen.summaryText, 'CrRendererMain')}], [${fn}] "${REGRESSION.function}" went from ${rateBefore} to ${rateAfter} ms per second between the first and the second half: it takes 5x longer per update.`;
  },
};

export const PLANTED_PROBLEMS: readonly PlantedProblem[] = [hotWorker, longTask, regression];
