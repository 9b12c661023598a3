// Mode 2 of the tools eval: one planted problem's turn through the real
// local-mode loop (LocalChat, electron/services/local-chat.ts) against an
// OpenAI-compatible endpoint: the scripted model server playing the
// problem's script (each call's arguments read from the tool results the
// loop sent back), or a real model. The loop runs the tools on the problem's
// profile through `runTool`, ImportService.runTool's shape.
//
// That the loop ran the tools is read from what it did: the scripted model
// asks for a tool first; a loop that runs it reports a `tool_request` event
// and calls the model again with the result. A turn that ends without either
// is reported unavailable, with the reason, and fails the eval. A real
// model's turn is reported as it went, tool rounds or none.
import { parseTraceToolCall, type TraceToolCall } from '../../functions/_shared/trace-tools.ts';
import { runToolOutcome, type ToolOutcome } from '../../shared-importer/src/trace-tools/run-tool.ts';
import { LocalChat } from '../../electron/services/local-chat.ts';
import type { TransportTurnEvent } from '../../electron/services/chat-transport.ts';
import { startScriptedModel, textResponse, type RecordedRequest, type ScriptStep } from '../../test-support/scripted-model/scripted-model-server.ts';
import { countTokens } from '../../shared-importer/src/summary/token-count.ts';
import type { Seen } from './planted-problems.ts';
import { PROMPT_TOKEN_BUDGET, reportTurn, type CallOutcome, type LoadedProblem, type TurnReport } from './scripted-run.ts';

export interface Endpoint {
  baseURL: string;
  model: string;
  apiKey: string;
}

/** A finished turn (its tool rounds may be none: a model may answer from the summary), or why it did not finish. */
export type LoopTurn = { ok: true; report: TurnReport; toolRounds: number } | { ok: false; reason: string };

/** The scripted turn, or why the loop could not play it. */
export type LoopRun = { available: true; report: TurnReport; toolRounds: number } | { available: false; reason: string };

/** How long one turn may take before the run gives up on it. */
const TURN_TIMEOUT_MS = 120_000;

/** The problem's turn with the scripted model playing its script. */
export async function runScriptedThroughLoop(loaded: LoadedProblem): Promise<LoopRun> {
  const server = await startScriptedModel();
  try {
    server.enqueue(...scriptSteps(loaded));
    const turn = await runThroughLoop(loaded, { baseURL: server.baseURL, model: 'scripted-eval-model', apiKey: 'scripted' });
    if (!turn.ok) return { available: false, reason: turn.reason };
    if (turn.toolRounds === 0) return { available: false, reason: 'loop not available: LocalChat ended the turn without running the tool the model asked for' };
    if (server.pending() > 0)
      return {
        available: false,
        reason: `the loop stopped after ${server.requests.length} model calls, before the script's ${loaded.problem.calls.length + 1}`,
      };
    // The budget is checked on what the model really got: the last round's messages (JSON text, an upper bound).
    const lastPrompt = JSON.stringify(server.requests.at(-1)?.body.messages ?? []);
    const report = { ...turn.report, turnTokens: (await countTokens(lastPrompt)) + (await countTokens(turn.report.answer)) };
    return { available: true, report, toolRounds: turn.toolRounds };
  } finally {
    await server.stop();
  }
}

/** The problem's turn against `endpoint` (the scripted server or a real model). */
export async function runThroughLoop(loaded: LoadedProblem, endpoint: Endpoint): Promise<LoopTurn> {
  const { problem, profile, summary, summaryText } = loaded;
  const events: TransportTurnEvent[] = [];
  let finished!: () => void;
  const done = new Promise<void>((resolve) => (finished = resolve));
  const options = {
    model: { ...endpoint, maxRetries: 0, timeoutMs: TURN_TIMEOUT_MS },
    summaryText: async () => summaryText,
    promptTokenBudget: PROMPT_TOKEN_BUDGET,
    // As the import worker runs a call (ImportService.runTool): arguments checked, then the tool.
    runTool: async (_traceId: string, call: TraceToolCall): Promise<ToolOutcome> => {
      const parsed = parseTraceToolCall(call);
      if (!parsed.ok) return { ok: false, text: parsed.message };
      return runToolOutcome(profile, parsed.request.name, parsed.request.args as never, { summary });
    },
  };
  const chat = new LocalChat(options);
  await chat.open(
    { traceId: `eval-${problem.fileName}`, fileName: problem.fileName },
    {
      onTurnEvent: (event) => {
        events.push(event);
        if (event.type === 'model_response_end' || event.type === 'error' || event.type === 'interrupted') finished();
      },
      onConnection: () => {},
    },
  );
  const timeout = setTimeout(finished, TURN_TIMEOUT_MS);
  try {
    await chat.send({ turnId: 'eval-turn', prompt: problem.question, history: [] });
    await done;
  } finally {
    clearTimeout(timeout);
    await chat.close();
  }
  const failure = events.find((e) => e.type === 'error' || e.type === 'interrupted');
  if (failure) return { ok: false, reason: `the turn failed: ${'message' in failure ? failure.message : failure.reason}` };
  if (!events.some((e) => e.type === 'model_response_end')) return { ok: false, reason: `no answer within ${TURN_TIMEOUT_MS / 1000} s` };
  const toolRounds = events.filter((e) => e.type === 'tool_request').length;
  return { ok: true, report: await reportTurn(loaded, callOutcomes(loaded, events), answerText(events)), toolRounds };
}

/** The script as the model server plays it: each call from the results the loop sent so far, then the answer. */
function scriptSteps(loaded: LoadedProblem): ScriptStep[] {
  const { problem, summaryText } = loaded;
  const seenBy = (request: RecordedRequest): Seen => ({ summaryText, results: toolResultsSent(request) });
  return [
    ...problem.calls.map((call): ScriptStep => (request) => ({
      kind: 'tool_calls',
      calls: [{ name: call.name, arguments: JSON.stringify(call.args(seenBy(request))) }],
    })),
    (request) => textResponse(problem.answer(seenBy(request)), { chunkSize: 40 }),
  ];
}

/** The tool results a request carries, in order: what the model has read. */
function toolResultsSent(request: RecordedRequest): string[] {
  return (request.body.messages ?? []).filter((m) => m.role === 'tool').map((m) => String(m.content));
}

/** The calls the loop reported, each with the result it sent the model and the scripted fact checked on it. */
function callOutcomes(loaded: LoadedProblem, events: TransportTurnEvent[]): CallOutcome[] {
  // A call id is unique within its round only (some servers number each round's calls from call_0).
  const results = new Map<string, string>();
  for (const e of events) if (e.type === 'tool_result') results.set(`${e.step}/${e.callId}`, e.result);
  const calls = events.flatMap((e) => (e.type === 'tool_request' ? e.calls.map((call) => ({ ...call, step: e.step })) : []));
  return calls.map((call, i) => {
    const scripted = loaded.problem.calls[i];
    const result = results.get(`${call.step}/${call.callId}`) ?? '';
    const found = scripted !== undefined && scripted.name === call.name && scripted.holds(result, loaded.planted);
    return { name: call.name, arguments: call.arguments, fact: scripted?.fact ?? '(not in the script)', found, result };
  });
}

function answerText(events: TransportTurnEvent[]): string {
  return events.map((e) => (e.type === 'model_chunk_append' ? e.text : '')).join('');
}
