// The trace tools the model may call, in one module both sides import: the
// cloud (process-ai-turn offers `TRACE_TOOLS_OPENAI`) and the desktop (the
// import worker runs a call with `runTraceTool` on the profile it holds).
// Each tool's arguments are a zod schema; the OpenAI `tools` JSON is made
// from it, so what the model is told and what is accepted cannot drift.
// Tool implementations: shared-importer/src/trace-tools/, loaded only when a
// tool runs (a function offering the tools does not load the importer).
import { z } from 'zod';
import type { Profile } from '../../shared-importer/src/model/profile.ts';
import { SUMMARY_DEFAULTS } from '../../shared-importer/src/summary/summary-defaults.ts';
import type { TraceSummary } from '../../shared-importer/src/summary/summary-types.ts';
import type { TraceToolArgs, TraceToolName, TraceToolRequest } from '../../shared-importer/src/trace-tools/run-tool.ts';

const threadId = z.string().min(1).max(200).describe('A thread id as the summary writes it, e.g. "p123:t456" (from "[thread …]").');
const startMs = z.number().min(0).describe('Window start, ms from the trace start. Omit for the trace start.');
const endMs = z.number().min(0).describe('Window end, ms from the trace start. Omit for the trace end.');
const functionId = z
  .string()
  .regex(/^fn\d+$/)
  .describe('A function id as the summary writes it, e.g. "fn12".');
// A pair as an array of two (JSON Schema's tuple form, prefixItems, is not one every model API accepts).
const windowRange = z
  .array(z.number().min(0))
  .length(2)
  .describe('[startMs, endMs], ms from the trace start.')
  .transform(([start, end]): [number, number] => [start, end]);

/** Arguments of each tool, strict: an unknown key is an error the model sees, not silently dropped. */
export const TRACE_TOOL_SCHEMAS = {
  thread_summary: z.strictObject({ threadId, startMs: startMs.optional(), endMs: endMs.optional() }),
  call_tree: z.strictObject({
    threadId,
    root: z
      .string()
      .min(1)
      .max(300)
      .optional()
      .describe('Start the tree at a function id ("fn12": its callees over all its calls) or a task id ("task:<thread>:<n>"). Omit for the whole thread.'),
    startMs: startMs.optional(),
    endMs: endMs.optional(),
    maxDepth: z.number().int().min(1).max(200).optional().describe('Levels shown below the root (default 12).'),
  }),
  callers_and_callees: z.strictObject({ functionId, threadId: threadId.optional().describe('Omit for every thread the function runs on.') }),
  find_functions: z.strictObject({
    query: z.string().min(1).max(200).describe('Part of a function name or source file, case-insensitive.'),
    threadId: threadId.optional().describe('Omit to search every thread.'),
  }),
  long_tasks: z.strictObject({
    threadId,
    minMs: z.number().min(0).optional().describe("Shortest task listed, ms (default 50, the summary's long-task threshold)."),
    startMs: startMs.optional(),
    endMs: endMs.optional(),
  }),
  compare_windows: z.strictObject({ threadId, a: windowRange, b: windowRange }),
  markers: z.strictObject({
    threadId: threadId.optional().describe('Omit for markers of every thread.'),
    query: z.string().max(200).optional().describe('Part of a marker name or category, case-insensitive.'),
  }),
  page: z.strictObject({
    navigation: z
      .string()
      .regex(/^nav\d+$/)
      .optional()
      .describe('A navigation id as the summary writes it, e.g. "nav1". Omit for the whole recording.'),
  }),
  network_requests: z.strictObject({
    query: z.string().max(200).optional().describe('Part of a request URL or MIME type, case-insensitive.'),
    startMs: startMs.optional().describe('Only requests in flight after this, ms from the trace start.'),
    endMs: endMs.optional().describe('Only requests in flight before this, ms from the trace start.'),
    renderBlockingOnly: z.boolean().optional().describe("Only the requests that blocked a navigation's first paint."),
  }),
} satisfies { [N in TraceToolName]: z.ZodType<TraceToolArgs[N]> };

export const TRACE_TOOL_DESCRIPTIONS: { [N in TraceToolName]: string } = {
  thread_summary:
    'The summary of one thread (busy time, top functions, hot paths, long tasks, GC, layout/paint, markers), of the whole trace or of a time window.',
  call_tree:
    "Top-down merged call tree of a thread, a task or a function's callees, optionally within a time window: total/self time and ids, heaviest first, small children folded.",
  callers_and_callees: 'The sandwich view of one function: its total and self time, who called it and what it called, with their times, per thread.',
  find_functions: 'Functions whose name or source file contains the query, with their self and total time per thread, heaviest first.',
  long_tasks: "A thread's tasks at least minMs long (optionally within a window), in start order, with start, duration and dominant stack.",
  compare_windows: 'Functions whose self time changed most between two time windows of one thread (a regression within one recording), per second of window.',
  markers: 'User timings and other markers, with their times and threads, optionally of one thread or matching a query.',
  page: "A recorded web page's load and responsiveness: per navigation FCP, LCP with its element and four-part breakdown (TTFB, load delay, load duration, render delay), DOMContentLoaded, load, render-blocking requests; every layout shift window (CLS) with its largest shifts; every interaction (INP) with input delay, processing, presentation delay and the long task behind it.",
  network_requests:
    "A recorded web page's network requests in start order, with URL, start, duration, time to first byte, status, type, priority, render-blocking status, size, initiator and navigation; optionally matching a query, in flight within a time window, or only those that blocked a first paint.",
};

export const TRACE_TOOL_NAMES = Object.keys(TRACE_TOOL_SCHEMAS) as TraceToolName[];

/** The `tools` parameter of an OpenAI chat completion request. */
export const TRACE_TOOLS_OPENAI = TRACE_TOOL_NAMES.map((name) => {
  const { $schema: _, ...parameters } = z.toJSONSchema(TRACE_TOOL_SCHEMAS[name], { io: 'input' });
  return { type: 'function' as const, function: { name, description: TRACE_TOOL_DESCRIPTIONS[name], parameters } };
});

/** A call as the model makes it: the tool's name and its arguments (the JSON text OpenAI sends, or parsed). */
export interface TraceToolCall {
  name: string;
  arguments: string | unknown;
}

/** A model's call checked against its tool's schema, or the one-line message saying what is wrong with it. */
export function parseTraceToolCall(call: TraceToolCall): { ok: true; request: TraceToolRequest } | { ok: false; message: string } {
  if (!isToolName(call.name)) return { ok: false, message: `Unknown tool "${call.name}". Tools: ${TRACE_TOOL_NAMES.join(', ')}.` };
  let raw = call.arguments;
  if (typeof raw === 'string') {
    try {
      raw = raw.trim() === '' ? {} : JSON.parse(raw);
    } catch {
      return { ok: false, message: `The arguments of ${call.name} are not valid JSON.` };
    }
  }
  const parsed = TRACE_TOOL_SCHEMAS[call.name].safeParse(raw);
  if (!parsed.success) return { ok: false, message: `Invalid arguments for ${call.name}: ${oneLineIssues(parsed.error)}` };
  return { ok: true, request: { name: call.name, args: parsed.data } as TraceToolRequest };
}

/**
 * The tool's result text, or a one-line message saying why the call could not
 * run. `summary`, the trace's summary when the host has computed it, saves
 * computing a whole thread's summary again.
 */
export async function runTraceTool(profile: Profile, summary: TraceSummary | undefined, call: TraceToolCall): Promise<string> {
  const parsed = parseTraceToolCall(call);
  if (!parsed.ok) return parsed.message;
  const { runTool } = await import('../../shared-importer/src/trace-tools/run-tool.ts');
  return runTool(profile, parsed.request.name, parsed.request.args as never, { summary });
}

/**
 * What a call does, in words for the user ("Looking at the call tree of task
 * p1:t1:42", "Searching functions for \"parse\""). Names and ids come from
 * the model, so they are shortened; a call that does not parse is named as such.
 */
export function describeToolCall(name: string, argumentsJson: string): string {
  const parsed = parseTraceToolCall({ name, arguments: argumentsJson });
  if (!parsed.ok) return `Calling ${short(name, 40)} (its arguments are not valid)`;
  const { request } = parsed;
  switch (request.name) {
    case 'thread_summary':
      return `Summarising thread ${short(request.args.threadId)}${windowWords(request.args.startMs, request.args.endMs)}`;
    case 'call_tree': {
      const { root, threadId, startMs, endMs } = request.args;
      const of =
        root === undefined ? `thread ${short(threadId)}` : root.startsWith('task:') ? `task ${short(root.slice('task:'.length))}` : `function ${short(root)}`;
      return `Looking at the call tree of ${of}${windowWords(startMs, endMs)}`;
    }
    case 'callers_and_callees':
      return `Looking at who calls ${request.args.functionId} and what it calls${onThread(request.args.threadId)}`;
    case 'find_functions':
      return `Searching functions for ${JSON.stringify(short(request.args.query))}${onThread(request.args.threadId)}`;
    case 'long_tasks':
      return `Listing tasks of ${timeWords(request.args.minMs ?? SUMMARY_DEFAULTS.longTaskThresholdMs)} or more on thread ${short(request.args.threadId)}${windowWords(request.args.startMs, request.args.endMs)}`;
    case 'compare_windows': {
      const [a, b] = [request.args.a, request.args.b].map(([start, end]) => `${timeWords(start)}–${timeWords(end)}`);
      return `Comparing thread ${short(request.args.threadId)} between ${a} and ${b}`;
    }
    case 'markers':
      return `Looking at markers${request.args.query ? ` matching ${JSON.stringify(short(request.args.query))}` : ''}${onThread(request.args.threadId)}`;
    case 'page':
      return `Reading the page's load metrics${request.args.navigation ? ` of ${request.args.navigation}` : ''}`;
    case 'network_requests': {
      const { query, startMs, endMs, renderBlockingOnly } = request.args;
      return `Listing ${renderBlockingOnly ? 'render-blocking ' : ''}network requests${query ? ` matching ${JSON.stringify(short(query))}` : ''}${windowWords(startMs, endMs)}`;
    }
  }
}

function short(text: string, max = 60): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A time from the trace start: "850 ms", "3.2 s". */
function timeWords(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${Number((ms / 1000).toFixed(ms < 10_000 ? 2 : 1))} s`;
}

function windowWords(startMs: number | undefined, endMs: number | undefined): string {
  if (startMs === undefined && endMs === undefined) return '';
  if (endMs === undefined) return ` from ${timeWords(startMs!)}`;
  if (startMs === undefined) return ` up to ${timeWords(endMs)}`;
  return ` from ${timeWords(startMs)} to ${timeWords(endMs)}`;
}

function onThread(threadId: string | undefined): string {
  return threadId === undefined ? '' : ` on thread ${short(threadId)}`;
}

function isToolName(name: string): name is TraceToolName {
  return Object.hasOwn(TRACE_TOOL_SCHEMAS, name);
}

function oneLineIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'arguments'}: ${issue.message}`)
    .join('; ')
    .replace(/\s+/g, ' ');
}
