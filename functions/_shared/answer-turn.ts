// One model round of a turn, wherever it runs: build the prompt (the trace
// summary, the history, the question and this turn's earlier tool rounds, all
// trace text as untrusted data), offer the model the trace tools, stream its
// text and collect its tool calls, and report to a sink: the answer, or a
// request for tools (the caller runs them and calls the next round), mapping
// failures to sentences the user can act on. process-ai-turn passes a sink
// that publishes on Realtime; the desktop's local mode one that emits IPC
// events. No Deno or Node APIs.
import OpenAI from 'openai';
import { MAX_TOOL_STEPS, type ErrorCode, type HistoryMessage, type TokenUsage, type ToolCall } from './chat-messages.ts';
import type { ModelConfig } from './model-config.ts';
import { describeModelError, type ConfigurationOwner } from './model-errors.ts';
import { buildPrompt, type PromptMessage } from './prompt.ts';
import { roundOf, type ModelToolCall, type ToolRound } from './tool-rounds.ts';
import { TRACE_TOOLS_OPENAI } from './trace-tools.ts';

/**
 * Where a turn's events go, in order: start (round 1 only), appends, any
 * number of tool requests (one per round that asked for tools, each followed
 * by the next round's events), then one end or one fail.
 */
export interface AnswerSink {
  start(traceId: string, model: string): void;
  append(text: string): void;
  /** The round asked for tools (see ToolsRequested). Rejecting fails the turn. */
  requestTools(request: ToolsRequested): Promise<void>;
  end(usage: TokenUsage | null, finishReason: string | null, droppedHistoryMessages: number): Promise<void>;
  fail(code: ErrorCode, message: string, retryAfterSeconds?: number): Promise<void>;
}

/** A round asked for tools: the turn waits for `toRun`'s results. */
export interface ToolsRequested {
  /** The turn's rounds before this one, every call answered (the input's, plus any whose calls were all refused). */
  transcript: ToolRound[];
  /** This round's calls, refused ones with their result already. */
  round: ToolRound;
  /** The calls the desktop must answer, in order. */
  toRun: ToolCall[];
}

/** How a round ended: the turn is over (answered or failed), or it waits for tool results. */
export type RoundOutcome = { kind: 'ended' } | ({ kind: 'tools' } & ToolsRequested);

/** Said when the model still asks for tools in the round offered none, without any text. */
export const NO_ANSWER_AFTER_TOOLS = `The model used all ${MAX_TOOL_STEPS} tool steps without answering; ask a narrower question.`;

export interface AnswerTurnInput {
  /** Named in the start event (the cloud row's id, or the desktop's trace id). */
  traceId: string;
  /** The summary text the model reads, and the trace's file name: both untrusted, both go in the data block. */
  summaryText: string;
  traceName: string;
  history: readonly HistoryMessage[];
  prompt: string;
  promptTokenBudget: number;
  /** The round to run: 1 for a new question, n + 1 once round n's tool results are in `toolRounds`. */
  round?: number;
  /** The turn's earlier rounds that called tools, oldest first, every call answered. */
  toolRounds?: readonly ToolRound[];
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

/**
 * Runs model rounds from `input.round` until one ends the turn or asks the
 * desktop for tools (a round whose every call was refused goes straight on to
 * the next). Rounds 1..MAX_TOOL_STEPS are offered the tools; the one after is
 * told to answer without them.
 */
export async function answerRound(input: AnswerTurnInput, sink: AnswerSink): Promise<RoundOutcome> {
  const model = input.model.model;
  let round = input.round ?? 1;
  const toolRounds = [...(input.toolRounds ?? [])];
  if (round === 1) sink.start(input.traceId, model);
  for (;;) {
    const prompt = await buildPrompt({
      summaryText: input.summaryText,
      traceName: input.traceName,
      history: input.history,
      prompt: input.prompt,
      toolRounds,
      tokenBudget: input.promptTokenBudget,
    });
    const reply = await callModel(input, prompt.messages, round, sink);
    if (reply.kind === 'failed') return { kind: 'ended' };
    if (reply.calls.length > 0 && round <= MAX_TOOL_STEPS) {
      // What the model wrote before asking ("Let me look at the call tree.") ends its paragraph, so
      // the next round's text, streamed into the same answer, starts a new one.
      if (reply.text !== '' && !reply.text.endsWith('\n\n')) sink.append(reply.text.endsWith('\n') ? '\n' : '\n\n');
      const { round: asked, toRun } = roundOf(round, reply.calls);
      if (toRun.length === 0) {
        toolRounds.push(asked);
        round++;
        continue;
      }
      const request: ToolsRequested = { transcript: toolRounds, round: asked, toRun };
      try {
        await sink.requestTools(request);
      } catch (error) {
        console.error('recording a tool request failed:', error);
        await sink.fail('internal_error', 'The answer could not continue with the trace tools; try again.');
        return { kind: 'ended' };
      }
      return { kind: 'tools', ...request };
    }
    // Past the last step a model may still ask for tools instead of answering: say so rather than end blank.
    if (reply.calls.length > 0 && reply.text === '') sink.append(NO_ANSWER_AFTER_TOOLS);
    await sink.end(reply.usage, reply.finishReason, prompt.droppedHistoryMessages);
    return { kind: 'ended' };
  }
}

type ModelReply = { kind: 'failed' } | { kind: 'replied'; text: string; calls: ModelToolCall[]; finishReason: string | null; usage: TokenUsage | null };

/** One chat completion, streamed: text goes to the sink as it comes, tool calls are assembled from their deltas. */
async function callModel(input: AnswerTurnInput, messages: PromptMessage[], round: number, sink: AnswerSink): Promise<ModelReply> {
  const model = input.model.model;
  let text = '';
  try {
    const stream = await input.openai.chat.completions.create(
      {
        model,
        messages: messages as OpenAI.ChatCompletionMessageParam[],
        tools: TRACE_TOOLS_OPENAI,
        // The last round must answer with what it has.
        tool_choice: round > MAX_TOOL_STEPS ? 'none' : 'auto',
        stream: true,
        stream_options: { include_usage: true },
        ...(input.model.maxOutputTokens ? { max_tokens: input.model.maxOutputTokens } : {}),
      },
      { signal: input.signal },
    );
    const calls: ModelToolCall[] = [];
    let finishReason: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      const delta = choice?.delta;
      if (delta?.content) {
        text += delta.content;
        sink.append(delta.content);
      }
      for (const part of delta?.tool_calls ?? []) {
        const call = (calls[part.index] ??= { id: '', name: '', arguments: '' });
        if (part.id) call.id = part.id;
        if (part.function?.name) call.name += part.function.name;
        if (part.function?.arguments) call.arguments += part.function.arguments;
      }
      if (choice?.finish_reason) finishReason = choice.finish_reason;
      if (chunk.usage) usage = chunk.usage;
    }
    // An aborted stream just stops yielding (the SDK swallows the abort): it is no answer.
    if (input.signal?.aborted) throw new OpenAI.APIUserAbortError();
    return {
      kind: 'replied',
      text,
      calls: calls.filter(Boolean),
      finishReason,
      usage: usage ? { promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens, totalTokens: usage.total_tokens } : null,
    };
  } catch (error) {
    const described = describeModelError(error, model, text.length, input.configurationOwner);
    if (described.code !== 'model_rate_limited' && !input.signal?.aborted) console.error('model call failed:', error);
    await sink.fail(described.code, described.message, described.retryAfterSeconds);
    return { kind: 'failed' };
  }
}
