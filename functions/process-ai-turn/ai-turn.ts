// One model round of an AI turn in the cloud: load the trace's summary (and,
// after round 1, the turn's earlier tool rounds from its row), then run the
// round (the shared logic in _shared/answer-turn.ts) publishing on the user's
// private Realtime channel. A round that asks for tools is recorded on the
// turn's row, then published as tool_request, and this invocation ends; the
// socket invokes the next round once the desktop's results are accepted. A
// turn the user stopped aborts its model call and runs no further round.
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
import { watchForStop } from '../_shared/turn-stop.ts';
import { SummaryUnavailableError, summaryTextFor } from './trace-summary-source.ts';

/** The last event of a turn the user stopped. */
const STOPPED = 'Stopped: the answer was cut off at your request.';

export interface AiTurnDeps {
  config: TurnConfig;
  admin: SupabaseClient;
  transport: BroadcastTransport;
  /** One client per function instance: it keeps connections to the provider alive between turns. */
  openai: OpenAI;
}

export async function runAiTurn(turn: AiTurnRequest, deps: AiTurnDeps): Promise<void> {
  const earlier = turn.round > 1 ? await earlierRounds(turn, deps) : { transcript: [], nextSeq: 0, fits: true, stopped: false };
  // No such turn of this user: nothing to publish to. Stopped: the user is no longer listening.
  if (!earlier || earlier.stopped) return;
  const publisher = new TurnEventPublisher({
    userId: turn.userId,
    turnId: turn.turnId,
    firstSeq: earlier.nextSeq,
    flushIntervalMs: deps.config.chunkFlushMs,
    transport: deps.transport,
    onDeliveryFailure: (error) => console.error(`turn ${turn.turnId}: broadcast lost:`, error),
  });
  if (!earlier.fits) {
    await publisher.fail('internal_error', "The server lost track of this answer's steps; ask again.");
    return;
  }
  const trace = await traceForTurn(turn, deps, publisher);
  if (trace) await streamRound(turn, deps, publisher, { ...trace, toolRounds: earlier.transcript });
}

/** The trace's name and the summary the model reads; null once the failure is published. */
async function traceForTurn(turn: AiTurnRequest, deps: AiTurnDeps, publisher: TurnEventPublisher): Promise<{ summaryText: string; traceName: string } | null> {
  const { config } = deps;
  try {
    const trace = await loadTraceForTurn(deps.admin, turn.userId, turn.traceId);
    if (!trace) {
      await publisher.fail('trace_not_found', 'Trace not found in your account; upload it again.');
      return null;
    }
    const summaryText = await summaryTextFor(trace, {
      config,
      admin: deps.admin,
      maxSummarizeBytes: config.maxSummarizeBytes,
      summaryTokenBudget: config.summaryTokenBudget,
    });
    return { summaryText, traceName: trace.file_name ?? 'trace' };
  } catch (error) {
    if (error instanceof SummaryUnavailableError) {
      await publisher.fail('summary_unavailable', error.message);
    } else {
      console.error(`turn ${turn.turnId}: loading the trace failed:`, error);
      await publisher.fail('internal_error', 'The server could not load this trace; try again.');
    }
    return null;
  }
}

/** Runs the round, publishing what it says; while the model streams, Stop (the turn's mark, set by the socket) aborts its call. */
async function streamRound(
  turn: AiTurnRequest,
  deps: AiTurnDeps,
  publisher: TurnEventPublisher,
  input: { summaryText: string; traceName: string; toolRounds: ToolRound[] },
): Promise<void> {
  const { config } = deps;
  const stop = watchForStop(deps.admin, turn.userId, turn.turnId, config.stopPollMs);
  const sink: AnswerSink = {
    start: (traceId, model) => publisher.start(traceId, model),
    append: (text) => publisher.append(text),
    async requestTools({ transcript, round, toRun }) {
      // Recorded before it is published: results cannot arrive for a round the row does not await.
      await recordToolRequest(deps.admin, { userId: turn.userId, turnId: turn.turnId, round, transcript, nextSeq: publisher.nextEventSeq + 1 });
      await publisher.toolRequest(round.step, toRun);
    },
    end: (usage, finishReason, dropped) => publisher.end(usage, finishReason, dropped),
    // The turn still ends with one event; the desktop that stopped it has stopped listening.
    fail: (code, message, retryAfterSeconds) =>
      stop.signal.aborted ? publisher.fail('model_error', STOPPED) : publisher.fail(code, message, retryAfterSeconds),
  };
  try {
    await answerRound(
      {
        ...input,
        traceId: turn.traceId,
        history: turn.history,
        prompt: turn.prompt,
        round: turn.round,
        promptTokenBudget: config.promptTokenBudget,
        model: config.model,
        openai: deps.openai,
        configurationOwner: 'administrator',
        signal: stop.signal,
      },
      sink,
    );
  } finally {
    stop.dispose();
  }
}

/**
 * The rounds before `turn.round` and the seq to go on from, as the turn's row
 * holds them; null when the user has no such turn (or it cannot be read).
 * `fits` is false when the row does not lead to this round (results still
 * awaited, a transcript of another length): only the socket invokes a later
 * round, after the database accepted its results, so that is a bug.
 */
async function earlierRounds(
  turn: AiTurnRequest,
  deps: AiTurnDeps,
): Promise<{ transcript: ToolRound[]; nextSeq: number; fits: boolean; stopped: boolean } | null> {
  const state = await loadToolState(deps.admin, turn.userId, turn.turnId).catch((error: Error) => {
    console.error(`turn ${turn.turnId}: ${error.message}`);
    return null;
  });
  if (!state) return null;
  const fits = state.awaitingStep === null && state.transcript.at(-1)?.step === turn.round - 1;
  if (!fits && !state.stopped) console.error(`turn ${turn.turnId}: round ${turn.round} asked for, but its row does not follow from round ${turn.round - 1}`);
  return { ...state, fits };
}
