// Runs one trace tool and makes its outcome a result for the model: the
// tool's text capped at TOOL_RESULT_TOKEN_CAP tokens, or, for a bad argument,
// the one-line message saying what was wrong. Other errors are bugs and throw.
import type { Profile } from '../model/profile.ts';
import type { TraceSummary } from '../summary/summary-types.ts';
import { callersAndCallees, type CallersAndCalleesArgs } from './callers-and-callees.ts';
import { callTree, type CallTreeArgs } from './call-tree-tool.ts';
import { compareWindows, type CompareWindowsArgs } from './compare-windows.ts';
import { findFunctions, type FindFunctionsArgs } from './find-functions.ts';
import { longTasks, type LongTasksArgs } from './long-tasks.ts';
import { markers, type MarkersArgs } from './markers-tool.ts';
import { networkRequests, type NetworkRequestsArgs } from './network-requests-tool.ts';
import { pageTool, type PageArgs } from './page-tool.ts';
import { threadSummary, type ThreadSummaryArgs } from './thread-summary.ts';
import { ToolInputError } from './tool-input.ts';
import { capResult } from './tool-result.ts';

/** Each tool's arguments, by the name the model calls it by. */
export interface TraceToolArgs {
  thread_summary: ThreadSummaryArgs;
  call_tree: CallTreeArgs;
  callers_and_callees: CallersAndCalleesArgs;
  find_functions: FindFunctionsArgs;
  long_tasks: LongTasksArgs;
  compare_windows: CompareWindowsArgs;
  markers: MarkersArgs;
  page: PageArgs;
  network_requests: NetworkRequestsArgs;
}

export type TraceToolName = keyof TraceToolArgs;

/** A call whose arguments have been checked: the tool's name and its typed arguments. */
export type TraceToolRequest = { [N in TraceToolName]: { name: N; args: TraceToolArgs[N] } }[TraceToolName];

/** What the host already has besides the profile. */
export interface ToolContext {
  /** The trace's summary (summarizeProfile with default settings), when computed: whole-thread summaries are taken from it. */
  summary?: TraceSummary;
}

type Implementations = { [N in TraceToolName]: (profile: Profile, args: TraceToolArgs[N], context: ToolContext) => string | Promise<string> };

export const TRACE_TOOL_IMPLEMENTATIONS: Implementations = {
  thread_summary: threadSummary,
  call_tree: callTree,
  callers_and_callees: callersAndCallees,
  find_functions: findFunctions,
  long_tasks: longTasks,
  compare_windows: compareWindows,
  markers,
  page: pageTool,
  network_requests: networkRequests,
};

/** A tool's text for the model, and whether the tool ran (false: the text says what was wrong with the call). */
export interface ToolOutcome {
  ok: boolean;
  text: string;
}

export async function runTool<N extends TraceToolName>(profile: Profile, name: N, args: TraceToolArgs[N], context: ToolContext = {}): Promise<string> {
  return (await runToolOutcome(profile, name, args, context)).text;
}

export async function runToolOutcome<N extends TraceToolName>(
  profile: Profile,
  name: N,
  args: TraceToolArgs[N],
  context: ToolContext = {},
): Promise<ToolOutcome> {
  let text: string;
  try {
    text = await TRACE_TOOL_IMPLEMENTATIONS[name](profile, args, context);
  } catch (error) {
    if (error instanceof ToolInputError) return { ok: false, text: error.message };
    throw error;
  }
  return { ok: true, text: await capResult(text) };
}
