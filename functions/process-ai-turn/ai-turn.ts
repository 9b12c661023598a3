// One AI turn in the cloud: load the trace's summary, then answer it (the
// shared turn logic in _shared/answer-turn.ts) publishing on the user's
// private Realtime channel.
import type OpenAI from 'openai';
import type { SupabaseClient } from '@supabase/supabase-js';
import type { AiTurnRequest } from '../_shared/ai-turn-request.ts';
import { answerTurn } from '../_shared/answer-turn.ts';
import type { TurnConfig } from '../_shared/config.ts';
import type { BroadcastTransport } from '../_shared/realtime-broadcast.ts';
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
  const publisher = new TurnEventPublisher({
    userId: turn.userId,
    turnId: turn.turnId,
    flushIntervalMs: config.chunkFlushMs,
    transport: deps.transport,
    onDeliveryFailure: (error) => console.error(`turn ${turn.turnId}: broadcast lost:`, error),
  });

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

  await answerTurn(
    {
      traceId: turn.traceId,
      summaryText,
      traceName,
      history: turn.history,
      prompt: turn.prompt,
      promptTokenBudget: config.promptTokenBudget,
      model: config.model,
      openai: deps.openai,
      configurationOwner: 'administrator',
    },
    publisher,
  );
}
