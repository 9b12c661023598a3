// One turn's answer, wherever it runs: build the prompt (the trace summary as
// untrusted data), stream the model's answer and report it to a sink, mapping
// failures to sentences the user can act on. process-ai-turn passes a sink
// that publishes on Realtime; the desktop's local mode one that emits IPC
// events. No Deno or Node APIs.
import OpenAI from 'openai';
import type { ErrorCode, HistoryMessage, TokenUsage } from './chat-messages.ts';
import type { ModelConfig } from './model-config.ts';
import { describeModelError, type ConfigurationOwner } from './model-errors.ts';
import { buildPrompt } from './prompt.ts';

/** Where a turn's answer goes, in order: start, appends, then one end or one fail. */
export interface AnswerSink {
  start(traceId: string, model: string): void;
  append(text: string): void;
  end(usage: TokenUsage | null, finishReason: string | null, droppedHistoryMessages: number): Promise<void>;
  fail(code: ErrorCode, message: string, retryAfterSeconds?: number): Promise<void>;
}

export interface AnswerTurnInput {
  /** Named in the start event (the cloud row's id, or the desktop's trace id). */
  traceId: string;
  /** The summary text the model reads, and the trace's file name: both untrusted, both go in the data block. */
  summaryText: string;
  traceName: string;
  history: readonly HistoryMessage[];
  prompt: string;
  promptTokenBudget: number;
  model: Pick<ModelConfig, 'model' | 'maxOutputTokens'>;
  /** One client per process: it keeps connections to the provider alive between turns. */
  openai: OpenAI;
  /** Who fixes a refused key or a missing model (the wording of those errors). */
  configurationOwner: ConfigurationOwner;
  /** Aborts the model call (stop generating). */
  signal?: AbortSignal;
}

export function createModelClient(model: ModelConfig): OpenAI {
  return new OpenAI({
    apiKey: model.apiKey,
    baseURL: model.baseURL,
    maxRetries: model.maxRetries,
    timeout: model.timeoutMs,
  });
}

export async function answerTurn(input: AnswerTurnInput, sink: AnswerSink): Promise<void> {
  const prompt = await buildPrompt({
    summaryText: input.summaryText,
    traceName: input.traceName,
    history: input.history,
    prompt: input.prompt,
    tokenBudget: input.promptTokenBudget,
  });
  const model = input.model.model;
  sink.start(input.traceId, model);

  let answeredChars = 0;
  try {
    const stream = await input.openai.chat.completions.create(
      {
        model,
        messages: prompt.messages,
        stream: true,
        stream_options: { include_usage: true },
        ...(input.model.maxOutputTokens ? { max_tokens: input.model.maxOutputTokens } : {}),
      },
      { signal: input.signal },
    );
    let finishReason: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      const text = choice?.delta?.content;
      if (text) {
        answeredChars += text.length;
        sink.append(text);
      }
      if (choice?.finish_reason) finishReason = choice.finish_reason;
      if (chunk.usage) usage = chunk.usage;
    }
    await sink.end(
      usage ? { promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens, totalTokens: usage.total_tokens } : null,
      finishReason,
      prompt.droppedHistoryMessages,
    );
  } catch (error) {
    const described = describeModelError(error, model, answeredChars, input.configurationOwner);
    if (described.code !== 'model_rate_limited' && !input.signal?.aborted) console.error('model call failed:', error);
    await sink.fail(described.code, described.message, described.retryAfterSeconds);
  }
}
