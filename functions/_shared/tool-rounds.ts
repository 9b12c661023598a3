// The tool rounds of one turn, as both sides keep them between model rounds:
// each round's calls in the model's order with the text the model reads back
// for each. The cloud stores them as jsonb on the turn's row (ai_turns), the
// desktop's local mode in memory. A call the desktop was never asked to run
// (past MAX_TOOL_CALLS_PER_STEP, or arguments over MAX_TOOL_ARGUMENTS_CHARS)
// carries its refusal as its result from the start.
import { z } from 'zod';
import { MAX_TOOL_ARGUMENTS_CHARS, MAX_TOOL_CALLS_PER_STEP, MAX_TOOL_STEPS, type ToolCall, type ToolResult } from './chat-messages.ts';

/** A call of a round; `result` is set once answered (or refused without running). */
export const RoundCallSchema = z.object({
  callId: z.string(),
  name: z.string(),
  arguments: z.string(),
  result: z.string().optional(),
});
export type RoundCall = z.infer<typeof RoundCallSchema>;

export const ToolRoundSchema = z.object({
  step: z.number().int().min(1).max(MAX_TOOL_STEPS),
  calls: z.array(RoundCallSchema).min(1),
});
/** A round that asked for tools; in a transcript every call has its result. */
export type ToolRound = z.infer<typeof ToolRoundSchema>;

export const ToolTranscriptSchema = z.array(ToolRoundSchema).max(MAX_TOOL_STEPS);

/** What a call past the per-step cap reads back. */
export const REFUSED_TOO_MANY = `Refused: at most ${MAX_TOOL_CALLS_PER_STEP} calls per step. Ask again in the next step if you still need it.`;
/** What a call with overlong arguments reads back. */
export const REFUSED_LONG_ARGUMENTS = `Refused: the arguments are longer than ${MAX_TOOL_ARGUMENTS_CHARS} characters.`;

/** The model's calls of one round, as it wrote them (ids and names unchecked). */
export interface ModelToolCall {
  id: string;
  name: string;
  arguments: string;
}

/**
 * The round the model's calls make: the ones the desktop runs (at most
 * MAX_TOOL_CALLS_PER_STEP, in order), the rest refused in place. Missing or
 * repeated ids (some local servers send none) are replaced, so every result
 * names exactly one call.
 */
export function roundOf(step: number, modelCalls: readonly ModelToolCall[]): { round: ToolRound; toRun: ToolCall[] } {
  const seen = new Set<string>();
  const toRun: ToolCall[] = [];
  const calls = modelCalls.map((call, index): RoundCall => {
    let callId = call.id.slice(0, 128);
    if (callId === '' || seen.has(callId)) callId = `call_${step}_${index}`;
    seen.add(callId);
    const name = call.name.slice(0, 64) || 'unnamed';
    if (call.arguments.length > MAX_TOOL_ARGUMENTS_CHARS) return { callId, name, arguments: '', result: REFUSED_LONG_ARGUMENTS };
    if (toRun.length >= MAX_TOOL_CALLS_PER_STEP) return { callId, name, arguments: call.arguments, result: REFUSED_TOO_MANY };
    toRun.push({ callId, name, arguments: call.arguments });
    return { callId, name, arguments: call.arguments };
  });
  return { round: { step, calls }, toRun };
}

/** The round with the desktop's results filled in (the caller checked they answer exactly the awaited calls). */
export function answeredRound(round: ToolRound, results: readonly ToolResult[]): ToolRound {
  const byId = new Map(results.map((r) => [r.callId, r.content]));
  return { step: round.step, calls: round.calls.map((call) => ({ ...call, result: call.result ?? byId.get(call.callId) ?? '' })) };
}
