// One model round of an AI turn in the cloud: load the trace's summary (and,
// after round 1, the turn's earlier tool rounds from its row), then run the
// round (the shared logic in _shared/answer-turn.ts) publishing on the user's
// private Realtime channel. A round that asks for tools is recorded on the
// turn's row, then published as tool_request, and this invocation ends; the
// socket invokes the next round once the desktop's results are accepted.
import type OpenAI from 'openai';
import type { SupabaseClient } from '@supabase/supabase-js';
import type { AiTurnRequest } from '../_shared/ai-turn-request.ts';
import { answerRound, type AnswerSink } from '../_shared/answer-turn.ts';
import type { TurnConfig } from '../_shared/config.ts';
import type { BroadcastTransport } from '../_shared/realtime-broadcast.ts';
import { loadToolState, recordToolRequest } from '../_shared/tool-round-store.ts';
import type { ToolRound } from '../_shared/tool-rounds.ts';
import { loadTraceForTurn } from '../_shared/traces.ts';
import { TurnEventPublisher } from '../_shared/turn-events.ts';
import { SummaryUnavailableError, summaryTextFor } from './trace-summary-source.ts';

export interface AiTurnDeps {
  config: TurnConfig;
  admin: SupabaseClient;
  transport: BroadcastTransport;
  /** One client per function instance: it keeps connections to the provider alive between turns. */
  openai: OpenAI;
}

export async function runAiTurn(turn: AiTurnRequest, deps: AiTurnDeps): Promise<void> {
  const { config } = deps;
  const earlier = turn.round > 1 ? await earlierRounds(turn, deps) : { transcript: [], nextSeq: 0, fits: true };
  if (!earlier) return; // no such turn of this user: nothing to publish to
  const publisher = new TurnEventPublisher({
    userId: turn.userId,
    turnId: turn.turnId,
    firstSeq: earlier.nextSeq,
    flushIntervalMs: config.chunkFlushMs,
    transport: deps.transport,
    onDeliveryFailure: (error) => console.error(`turn ${turn.turnId}: broadcast lost:`, error),
  });
  if (!earlier.fits) {
    await publisher.fail('internal_error', "The server lost track of this answer's steps; ask again.");
    return;
  }

  let summaryText: string;
  let traceName: string;
  try {
    const trace = await loadTraceForTurn(deps.admin, turn.userId, turn.traceId);
    if (!trace) {
      await publisher.fail('trace_not_found', 'Trace not found in your account; upload it again.');
      return;
    }
    traceName = trace.file_name ?? 'trace';
    summaryText = await summaryTextFor(trace, {
      config,
      admin: deps.admin,
      maxSummarizeBytes: config.maxSummarizeBytes,
      summaryTokenBudget: config.summaryTokenBudget,
    });
  } catch (error) {
    if (error instanceof SummaryUnavailableError) {
      await publisher.fail('summary_unavailable', error.message);
    } else {
      console.error(`turn ${turn.turnId}: loading the trace failed:`, error);
      await publisher.fail('internal_error', 'The server could not load this trace; try again.');
    }
    return;
  }

  const sink: AnswerSink = {
    start: (traceId, model) => publisher.start(traceId, model),
    append: (text) => publisher.append(text),
    async requestTools({ transcript, round, toRun }) {
      // Recorded before it is published: results cannot arrive for a round the row does not await.
      await recordToolRequest(deps.admin, { userId: turn.userId, turnId: turn.turnId, round, transcript, nextSeq: publisher.nextEventSeq + 1 });
      await publisher.toolRequest(round.step, toRun);
    },
    end: (usage, finishReason, dropped) => publisher.end(usage, finishReason, dropped),
    fail: (code, message, retryAfterSeconds) => publisher.fail(code, message, retryAfterSeconds),
  };
  await answerRound(
    {
      traceId: turn.traceId,
      summaryText,
      traceName,
      history: turn.history,
      prompt: turn.prompt,
      round: turn.round,
      toolRounds: earlier.transcript,
      promptTokenBudget: config.promptTokenBudget,
      model: config.model,
      openai: deps.openai,
      configurationOwner: 'administrator',
    },
    sink,
  );
}

/**
 * The rounds before `turn.round` and the seq to go on from, as the turn's row
 * holds them; null when the user has no such turn (or it cannot be read).
 * `fits` is false when the row does not lead to this round (results still
 * awaited, a transcript of another length): only the socket invokes a later
 * round, after the database accepted its results, so that is a bug.
 */
async function earlierRounds(turn: AiTurnRequest, deps: AiTurnDeps): Promise<{ transcript: ToolRound[]; nextSeq: number; fits: boolean } | null> {
  const state = await loadToolState(deps.admin, turn.userId, turn.turnId).catch((error: Error) => {
    console.error(`turn ${turn.turnId}: ${error.message}`);
    return null;
  });
  if (!state) return null;
  const fits = state.awaitingStep === null && state.transcript.at(-1)?.step === turn.round - 1;
  if (!fits) console.error(`turn ${turn.turnId}: round ${turn.round} asked for, but its row does not follow from round ${turn.round - 1}`);
  return { ...state, fits };
}
