// One AI turn: load the trace's summary, build the prompt, stream the model's
// answer and publish it on the user's private Realtime channel.
import OpenAI from 'openai';
import type { SupabaseClient } from '@supabase/supabase-js';
import type { AiTurnRequest } from '../_shared/ai-turn-request.ts';
import type { TurnConfig } from '../_shared/config.ts';
import { buildPrompt } from '../_shared/prompt.ts';
import type { BroadcastTransport } from '../_shared/realtime-broadcast.ts';
import { loadTraceForTurn } from '../_shared/traces.ts';
import { TurnEventPublisher } from '../_shared/turn-events.ts';
import { describeModelError } from './model-errors.ts';
import { SummaryUnavailableError, summaryTextFor } from './trace-summary-source.ts';

export interface AiTurnDeps {
  config: TurnConfig;
  admin: SupabaseClient;
  transport: BroadcastTransport;
  /** One client per function instance: it keeps connections to the provider alive between turns. */
  openai: OpenAI;
}

export function createModelClient(config: TurnConfig): OpenAI {
  return new OpenAI({
    apiKey: config.model.apiKey,
    baseURL: config.model.baseURL,
    maxRetries: config.model.maxRetries,
    timeout: config.model.timeoutMs,
  });
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

  const prompt = await buildPrompt({
    summaryText,
    traceName,
    history: turn.history,
    prompt: turn.prompt,
    tokenBudget: config.promptTokenBudget,
  });
  publisher.start(turn.traceId, config.model.model);

  let answeredChars = 0;
  try {
    const stream = await deps.openai.chat.completions.create({
      model: config.model.model,
      messages: prompt.messages,
      stream: true,
      stream_options: { include_usage: true },
      ...(config.model.maxOutputTokens ? { max_tokens: config.model.maxOutputTokens } : {}),
    });
    let finishReason: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      const text = choice?.delta?.content;
      if (text) {
        answeredChars += text.length;
        publisher.append(text);
      }
      if (choice?.finish_reason) finishReason = choice.finish_reason;
      if (chunk.usage) usage = chunk.usage;
    }
    await publisher.end(
      usage ? { promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens, totalTokens: usage.total_tokens } : null,
      finishReason,
      prompt.droppedHistoryMessages,
    );
  } catch (error) {
    const described = describeModelError(error, config.model.model, answeredChars);
    if (described.code !== 'model_rate_limited') console.error(`turn ${turn.turnId}: model call failed:`, error);
    await publisher.fail(described.code, described.message, described.retryAfterSeconds);
  }
}
