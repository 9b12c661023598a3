// A turn's tool rounds in Postgres (public.ai_turns, migration
// 20261205000000_ai_turn_tool_rounds.sql), between the stateless invocations
// of process-ai-turn: it records a round that awaits results (service role),
// the socket hands the desktop's results over as the user, and the next
// round reads the question, the transcript and the event numbering back.
import type { SupabaseClient } from '@supabase/supabase-js';
import { TurnQuestionSchema, type TurnQuestion } from './ai-turn-request.ts';
import type { ToolResult } from './chat-messages.ts';
import { ToolTranscriptSchema, type ToolRound } from './tool-rounds.ts';

export interface ToolRequestRecord {
  userId: string;
  turnId: string;
  /** The round that asked, its calls (refused ones answered), and the rounds before it. */
  round: ToolRound;
  transcript: readonly ToolRound[];
  /** The seq the next round's first event takes. */
  nextSeq: number;
  /** What the turn asks: the later rounds read it from the row (the first request's is kept). */
  question: TurnQuestion;
}

export async function recordToolRequest(admin: SupabaseClient, record: ToolRequestRecord): Promise<void> {
  const { data, error } = await admin.rpc('record_tool_request', {
    p_user_id: record.userId,
    p_turn_id: record.turnId,
    p_step: record.round.step,
    p_calls: record.round.calls,
    p_transcript: record.transcript,
    p_next_seq: record.nextSeq,
    p_question: record.question,
  });
  if (error) throw new Error(`Could not record the tool request: ${error.message}`);
  if (data !== true) throw new Error(`The turn ${record.turnId} has no row to record its tool request in.`);
}

const OUTCOMES = ['accepted', 'already_accepted', 'unknown_turn', 'wrong_step', 'call_ids_mismatch', 'invalid_result', 'expired'] as const;
/** What accept_tool_results made of the results (migrations 20261205000000 and 20261207000000). */
export type ToolResultsOutcome = (typeof OUTCOMES)[number];

/** Called with the user's client: the database checks the turn is theirs (auth.uid()). */
export async function acceptToolResults(userClient: SupabaseClient, turnId: string, step: number, results: readonly ToolResult[]): Promise<ToolResultsOutcome> {
  const { data, error } = await userClient.rpc('accept_tool_results', { p_turn_id: turnId, p_step: step, p_results: results });
  if (error) throw new Error(`Could not hand over the tool results: ${error.message}`);
  if (typeof data !== 'string' || !(OUTCOMES as readonly string[]).includes(data)) throw new Error(`accept_tool_results answered ${JSON.stringify(data)}`);
  return data as ToolResultsOutcome;
}

export interface ToolState {
  /** The rounds accepted so far, oldest first. */
  transcript: ToolRound[];
  nextSeq: number;
  /** A round still awaiting results (then no next round may run). */
  awaitingStep: number | null;
  /** The user stopped the turn: no round runs any more. */
  stopped: boolean;
  /** What the turn asks, once it has called tools (null before, or if the stored one is unreadable). */
  question: TurnQuestion | null;
}

/** The turn's tool state (service role), or null when the user has no such turn. */
export async function loadToolState(admin: SupabaseClient, userId: string, turnId: string): Promise<ToolState | null> {
  const { data, error } = await admin
    .from('ai_turns')
    .select('tool_transcript, next_seq, tool_step, stopped_at, question')
    .eq('turn_id', turnId)
    .eq('user_id', userId)
    .maybeSingle<{ tool_transcript: unknown; next_seq: number; tool_step: number | null; stopped_at: string | null; question: unknown }>();
  if (error) throw new Error(`Could not read turn ${turnId}: ${error.message}`);
  if (!data) return null;
  const transcript = ToolTranscriptSchema.parse(data.tool_transcript);
  const question = TurnQuestionSchema.safeParse(data.question);
  return {
    transcript,
    nextSeq: data.next_seq,
    awaitingStep: data.tool_step,
    stopped: data.stopped_at !== null,
    question: question.success ? question.data : null,
  };
}

/**
 * The turn has ended (service role): its question and tool results go. The steps stay, without
 * their calls, so results the desktop sends again after a drop are still acknowledged as taken.
 */
export async function forgetToolRounds(admin: SupabaseClient, userId: string, turnId: string, steps: readonly number[]): Promise<void> {
  const { error } = await admin
    .from('ai_turns')
    .update({ question: null, tool_transcript: steps.map((step) => ({ step, calls: [] })), tool_calls: null, tool_step: null, tool_awaiting_since: null })
    .eq('turn_id', turnId)
    .eq('user_id', userId);
  if (error) console.error(`turn ${turnId}: clearing its tool rounds failed: ${error.message}`);
}
