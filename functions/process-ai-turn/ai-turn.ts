// One model round of an AI turn in the cloud: load the trace's summary (and,
// after round 1, the turn's question and earlier tool rounds from its row), then run the
// round (the shared logic in _shared/answer-turn.ts) publishing on the user's
// private Realtime channel. A round that asks for tools is recorded on the
// turn's row, then published as tool_request, and this invocation ends; the
// socket invokes the next round once the desktop's results are accepted. A
// turn the user stopped aborts its model call and runs no further round.
import type OpenAI from 'openai';
import type { SupabaseClient } from '@supabase/supabase-js';
import type { AiTurnRequest, TurnQuestion } from '../_shared/ai-turn-request.ts';
import { answerRound, type AnswerSink } from '../_shared/answer-turn.ts';
import type { TurnConfig } from '../_shared/config.ts';
import type { BroadcastTransport } from '../_shared/realtime-broadcast.ts';
import { forgetToolRounds, loadToolState, recordToolRequest } from '../_shared/tool-round-store.ts';
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
  const state = await roundState(turn, deps);
  if (!state) return;
  const publisher = new TurnEventPublisher({
    userId: turn.userId,
    turnId: turn.turnId,
    firstSeq: state.nextSeq,
    flushIntervalMs: deps.config.chunkFlushMs,
    transport: deps.transport,
    onDeliveryFailure: (error) => console.error(`turn ${turn.turnId}: broadcast lost:`, error),
  });
  if (!state.fits) {
    await publisher.fail('internal_error', "The server lost track of this answer's steps; ask again.");
    return;
  }
  const trace = await traceForTurn(turn.userId, state.question.traceId, deps, publisher);
  if (trace) await streamRound(turn, deps, publisher, { ...trace, question: state.question, toolRounds: state.transcript });
}

/** The trace's name and the summary the model reads; null once the failure is published. */
async function traceForTurn(
  userId: string,
  traceId: string,
  deps: AiTurnDeps,
  publisher: TurnEventPublisher,
): Promise<{ summaryText: string; traceName: string } | null> {
  const { config } = deps;
  try {
    const trace = await loadTraceForTurn(deps.admin, userId, traceId);
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
      console.error(`trace ${traceId}: loading it for a turn failed:`, error);
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
  input: { summaryText: string; traceName: string; question: TurnQuestion; toolRounds: ToolRound[] },
): Promise<void> {
  const { question, ...rest } = input;
  const { config } = deps;
  const stop = watchForStop(deps.admin, turn.userId, turn.turnId, config.stopPollMs);
  const sink: AnswerSink = {
    start: (traceId, model) => publisher.start(traceId, model),
    append: (text) => publisher.append(text),
    async requestTools({ transcript, round, toRun }) {
      // Recorded before it is published: results cannot arrive for a round the row does not await.
      await recordToolRequest(deps.admin, { userId: turn.userId, turnId: turn.turnId, round, transcript, nextSeq: publisher.nextEventSeq + 1, question });
      await publisher.toolRequest(round.step, toRun);
    },
    async end(usage, finishReason, dropped) {
      await forgetToolRoundsOf(turn, deps, input.toolRounds);
      await publisher.end(usage, finishReason, dropped);
    },
    async fail(code, message, retryAfterSeconds) {
      await forgetToolRoundsOf(turn, deps, input.toolRounds);
      // The turn still ends with one event; the desktop that stopped it has stopped listening.
      await (stop.signal.aborted ? publisher.fail('model_error', STOPPED) : publisher.fail(code, message, retryAfterSeconds));
    },
  };
  try {
    await answerRound(
      {
        ...rest,
        ...question,
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

/** A turn that used tools is over: its question and results (megabytes, at most) go before its last event does. */
async function forgetToolRoundsOf(turn: AiTurnRequest, deps: AiTurnDeps, toolRounds: readonly ToolRound[]): Promise<void> {
  if (toolRounds.length > 0) {
    await forgetToolRounds(
      deps.admin,
      turn.userId,
      turn.turnId,
      toolRounds.map((round) => round.step),
    );
  }
}

/** What a round runs on: the question, the turn's earlier rounds and the seq to go on from. */
type RoundState = { fits: true; question: TurnQuestion; transcript: ToolRound[]; nextSeq: number } | { fits: false; nextSeq: number };

/**
 * Round 1 asks the request's question. A later round reads the question, the
 * earlier rounds and the seq from the turn's row; null when there is nothing
 * to run nor anyone to tell (the user has no such turn, or stopped it).
 * `fits` is false when the row does not lead to this round (results still
 * awaited, a transcript of another length, no question kept): only the socket
 * invokes a later round, after the database accepted its results, so that is
 * a bug.
 */
async function roundState(turn: AiTurnRequest, deps: AiTurnDeps): Promise<RoundState | null> {
  if ('prompt' in turn) {
    const { traceId, prompt, history } = turn;
    return { fits: true, question: { traceId, prompt, history }, transcript: [], nextSeq: 0 };
  }
  const state = await loadToolState(deps.admin, turn.userId, turn.turnId).catch((error: Error) => {
    console.error(`turn ${turn.turnId}: ${error.message}`);
    return null;
  });
  if (!state || state.stopped) return null;
  const follows = state.awaitingStep === null && state.transcript.at(-1)?.step === turn.round - 1;
  if (!follows || !state.question) {
    console.error(`turn ${turn.turnId}: round ${turn.round} asked for, but its row does not follow from round ${turn.round - 1}`);
    return { fits: false, nextSeq: state.nextSeq };
  }
  return { fits: true, question: state.question, transcript: state.transcript, nextSeq: state.nextSeq };
}
