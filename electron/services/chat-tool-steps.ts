// One tool step of a turn on the desktop, the same in cloud and local mode:
// announce the model's calls (with the words the chat shows for each), run
// them one after another on the open trace, report each result, and hand back
// what the model will read. Each result is capped at MAX_TOOL_RESULT_CHARS
// (the tools cap theirs already; a refusal or error text is capped here too).
import { MAX_TOOL_RESULT_CHARS, type ToolCall, type ToolResult } from '../../functions/_shared/chat-messages.ts';
import { describeToolCall } from '../../functions/_shared/trace-tools.ts';
import type { TraceToolRunner, TransportTurnEvent } from './chat-transport.ts';

export interface ToolStep {
  traceId: string;
  turnId: string;
  /** The tool_request's place in the turn's event numbering. */
  seq: number;
  step: number;
  calls: readonly ToolCall[];
}

export interface ToolStepHost {
  runTool: TraceToolRunner;
  emit(event: TransportTurnEvent): void;
  /** Checked before each call: a turn stopped or interrupted meanwhile runs no more of them. */
  isCancelled(): boolean;
}

const CUT_NOTE = '\n[result cut: too long to send]';

/** The results in the calls' order, or null when the turn was cancelled before all had run. */
export async function runToolStep(request: ToolStep, host: ToolStepHost): Promise<ToolResult[] | null> {
  const { turnId, step } = request;
  host.emit({
    type: 'tool_request',
    turnId,
    seq: request.seq,
    step,
    calls: request.calls.map((call) => ({ ...call, label: describeToolCall(call.name, call.arguments) })),
  });
  const results: ToolResult[] = [];
  for (const call of request.calls) {
    if (host.isCancelled()) return null;
    const { ok, text } = await host.runTool(request.traceId, { name: call.name, arguments: call.arguments }).catch((error: Error) => ({
      ok: false,
      text: `The tool ${call.name} could not run: ${error.message}`,
    }));
    if (host.isCancelled()) return null;
    const content = capped(text);
    host.emit({ type: 'tool_result', turnId, step, callId: call.callId, result: content, ok });
    results.push({ callId: call.callId, content });
  }
  return results;
}

function capped(text: string): string {
  if (text.length <= MAX_TOOL_RESULT_CHARS) return text;
  return text.slice(0, MAX_TOOL_RESULT_CHARS - CUT_NOTE.length) + CUT_NOTE;
}
