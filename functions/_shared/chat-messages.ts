// The chat protocol between the desktop and the cloud, in one module that both
// sides import (Deno resolves 'zod' through functions/deno.json, Node through
// node_modules). Three families of messages:
//   1. client -> socket (trace-analysis-socket): start_analysis, user_prompt, tool_results, stop_turn
//   2. socket -> client replies: connection_ack, analysis_started, waiting_for_model, error
//   3. Realtime broadcasts on the user's private channel, published by
//      process-ai-turn as event `ai_response`, the payload saying which:
//      model_chunk_start, model_chunk_append, tool_request, model_response_end, error
//
// A turn with trace tools: process-ai-turn runs one model round per
// invocation. When the model asks for tools it publishes `tool_request`
// (round `step`, the calls) and ends; the desktop runs the calls on the
// profile it holds and sends `tool_results` for that turn and step; the socket
// checks them against what the turn awaits and invokes process-ai-turn for the
// next round. Rounds 1..MAX_TOOL_STEPS may ask for tools; the round after the
// last is offered none and must answer. `stop_turn` marks the turn stopped in
// its row: a running round aborts its model call, and no later round runs.
// Every object is strict: an unknown key (a `userId` smuggled in by a client,
// say) fails validation instead of being silently carried along.
import { z } from 'zod';
import {
  MAX_HISTORY_MESSAGE_CHARS,
  MAX_HISTORY_MESSAGES,
  MAX_PROMPT_CHARS,
  MAX_TOOL_ARGUMENTS_CHARS,
  MAX_TOOL_CALLS_PER_STEP,
  MAX_TOOL_RESULT_CHARS,
  MAX_TOOL_STEPS,
} from './chat-constants.ts';

/** Version of this protocol; the socket offers it as the WebSocket subprotocol. */
export const CHAT_PROTOCOL = 'trace-analyser.v1';
/** Prefix of the subprotocol that carries the access token (browsers cannot set headers on a WebSocket). */
export const JWT_SUBPROTOCOL_PREFIX = 'jwt.';

// The protocol's plain constants, for importers of the schemas.
export * from './chat-constants.ts';

/** Realtime topic (without the `realtime:` prefix) a user's answers are broadcast on. */
export function chatResultsChannel(userId: string): string {
  return `private-chat-results-${userId}`;
}

const id = z.uuid();

export const HistoryMessageSchema = z.strictObject({
  role: z.enum(['user', 'assistant']),
  content: z.string().max(MAX_HISTORY_MESSAGE_CHARS),
});
export type HistoryMessage = z.infer<typeof HistoryMessageSchema>;

/** A model round that asked for tools: 1..MAX_TOOL_STEPS. */
const toolStep = z.number().int().min(1).max(MAX_TOOL_STEPS);
/** The model's id for one call (OpenAI's `tool_calls[].id`); results name it. */
const callId = z.string().min(1).max(128);

/** One tool call as the model made it; `arguments` is its JSON text, unchecked (the desktop answers a bad one with the reason). */
export const ToolCallSchema = z.strictObject({
  callId,
  name: z.string().min(1).max(64),
  arguments: z.string().max(MAX_TOOL_ARGUMENTS_CHARS),
});
export type ToolCall = z.infer<typeof ToolCallSchema>;

/** What one call returned, as the model will read it (an error is a result too: a sentence saying why). */
export const ToolResultSchema = z.strictObject({
  callId,
  content: z.string().max(MAX_TOOL_RESULT_CHARS),
});
export type ToolResult = z.infer<typeof ToolResultSchema>;

// ---- 1. client -> socket ----------------------------------------------------

export const StartAnalysisSchema = z.strictObject({
  type: z.literal('start_analysis'),
  traceId: id,
});

export const UserPromptSchema = z.strictObject({
  type: z.literal('user_prompt'),
  traceId: id,
  /** Chosen by the client so it can match the streamed answer to its question. */
  turnId: id,
  prompt: z.string().trim().min(1, 'The question is empty.').max(MAX_PROMPT_CHARS),
  /** Earlier turns of this conversation, oldest first. The server trims it to its token budget. */
  history: z.array(HistoryMessageSchema).max(MAX_HISTORY_MESSAGES),
});

/** The results of every call of one tool_request: one per callId, none missing, none extra. */
export const ToolResultsSchema = z.strictObject({
  type: z.literal('tool_results'),
  turnId: id,
  step: toolStep,
  results: z.array(ToolResultSchema).min(1).max(MAX_TOOL_CALLS_PER_STEP),
});

/** The user stopped this answer: the server stops the model (the client already ignores what follows). */
export const StopTurnSchema = z.strictObject({
  type: z.literal('stop_turn'),
  turnId: id,
});

export const ClientMessageSchema = z.discriminatedUnion('type', [StartAnalysisSchema, UserPromptSchema, ToolResultsSchema, StopTurnSchema]);
export type StartAnalysis = z.infer<typeof StartAnalysisSchema>;
export type UserPrompt = z.infer<typeof UserPromptSchema>;
export type ToolResults = z.infer<typeof ToolResultsSchema>;
export type StopTurn = z.infer<typeof StopTurnSchema>;
export type ClientMessage = z.infer<typeof ClientMessageSchema>;

// ---- 2. socket -> client ----------------------------------------------------

/** Machine-readable reason for an `error`; `message` is the sentence to show the user. */
export const ErrorCodeSchema = z.enum([
  'invalid_message',
  'trace_not_found',
  'rate_limited',
  'model_rate_limited',
  'model_unavailable',
  'model_error',
  'summary_unavailable',
  'internal_error',
]);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

export const ConnectionAckSchema = z.strictObject({
  type: z.literal('connection_ack'),
  protocol: z.literal(CHAT_PROTOCOL),
  /** The private Realtime channel this user's answers arrive on. */
  resultsChannel: z.string(),
  /** Turns allowed per minute for this user. */
  turnsPerMinute: z.number().int().positive(),
});

export const AnalysisStartedSchema = z.strictObject({
  type: z.literal('analysis_started'),
  traceId: id,
  /** False when no summary is stored yet: the first turn will build it (small traces only). */
  summaryStored: z.boolean(),
});

export const WaitingForModelSchema = z.strictObject({
  type: z.literal('waiting_for_model'),
  turnId: id,
});

export const SocketErrorSchema = z.strictObject({
  type: z.literal('error'),
  code: ErrorCodeSchema,
  message: z.string(),
  /** The turn or trace the error is about, when there is one. */
  turnId: id.optional(),
  traceId: id.optional(),
  /** For rate_limited: when a new turn will be accepted. */
  retryAfterSeconds: z.number().nonnegative().optional(),
});

export const ServerMessageSchema = z.discriminatedUnion('type', [ConnectionAckSchema, AnalysisStartedSchema, WaitingForModelSchema, SocketErrorSchema]);
export type ConnectionAck = z.infer<typeof ConnectionAckSchema>;
export type AnalysisStarted = z.infer<typeof AnalysisStartedSchema>;
export type WaitingForModel = z.infer<typeof WaitingForModelSchema>;
export type SocketError = z.infer<typeof SocketErrorSchema>;
export type ServerMessage = z.infer<typeof ServerMessageSchema>;

// ---- 3. Realtime broadcast events -------------------------------------------
// Every broadcast is event AI_RESPONSE_EVENT; the payload's `type` says what it
// is (one listener sees a turn's events in order). `seq` starts at 0 with
// model_chunk_start (or with `error` when the turn fails before the model is
// called) and grows by one per event of the turn, across all its model rounds
// (a round after tool results goes on from the tool_request's seq + 1), so a
// receiver can drop duplicates (seq already seen) and detect gaps (seq
// skipped). Every turn ends with exactly one model_response_end or error.

const turnEvent = { turnId: id, seq: z.number().int().nonnegative() };

export const ModelChunkStartSchema = z.strictObject({
  type: z.literal('model_chunk_start'),
  ...turnEvent,
  traceId: id,
  model: z.string(),
});

export const ModelChunkAppendSchema = z.strictObject({
  type: z.literal('model_chunk_append'),
  ...turnEvent,
  text: z.string(),
});

/**
 * The model asked for tools in round `step`: the desktop runs `calls` and
 * answers with tool_results. Not terminal: the turn goes on with the next
 * round's events (more appends, another tool_request, then the end).
 */
export const ToolRequestSchema = z.strictObject({
  type: z.literal('tool_request'),
  ...turnEvent,
  step: toolStep,
  calls: z.array(ToolCallSchema).min(1).max(MAX_TOOL_CALLS_PER_STEP),
});

export const TokenUsageSchema = z.strictObject({
  promptTokens: z.number().int().nonnegative(),
  completionTokens: z.number().int().nonnegative(),
  totalTokens: z.number().int().nonnegative(),
});
export type TokenUsage = z.infer<typeof TokenUsageSchema>;

export const ModelResponseEndSchema = z.strictObject({
  type: z.literal('model_response_end'),
  ...turnEvent,
  /** Null when the provider reported none. */
  usage: TokenUsageSchema.nullable(),
  finishReason: z.string().nullable(),
  /** History messages dropped (oldest first) to fit the prompt budget. */
  droppedHistoryMessages: z.number().int().nonnegative(),
});

export const TurnErrorSchema = z.strictObject({
  type: z.literal('error'),
  ...turnEvent,
  code: ErrorCodeSchema,
  message: z.string(),
  retryAfterSeconds: z.number().nonnegative().optional(),
});

export const RealtimeEventSchema = z.discriminatedUnion('type', [
  ModelChunkStartSchema,
  ModelChunkAppendSchema,
  ToolRequestSchema,
  ModelResponseEndSchema,
  TurnErrorSchema,
]);
export type ModelChunkStart = z.infer<typeof ModelChunkStartSchema>;
export type ModelChunkAppend = z.infer<typeof ModelChunkAppendSchema>;
export type ToolRequest = z.infer<typeof ToolRequestSchema>;
export type ModelResponseEnd = z.infer<typeof ModelResponseEndSchema>;
export type TurnError = z.infer<typeof TurnErrorSchema>;
export type RealtimeEvent = z.infer<typeof RealtimeEventSchema>;

/** The broadcast event name every answer event is published under. */
export const AI_RESPONSE_EVENT = 'ai_response';

/** One-line description of a validation failure, fit for an `error` reply. */
export function describeValidationError(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

/**
 * Parses a raw WebSocket text frame from the client. Never throws: returns
 * either the message or a user-readable reason.
 */
export function parseClientMessage(raw: string): { ok: true; message: ClientMessage } | { ok: false; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, reason: 'Message is not valid JSON.' };
  }
  const result = ClientMessageSchema.safeParse(json);
  if (!result.success) return { ok: false, reason: describeValidationError(result.error) };
  return { ok: true, message: result.data };
}

/**
 * The turn a refused frame names near its start (clients write `type`, then
 * the ids), read without parsing the frame: an error about a frame too large
 * or malformed to read whole then ends only that turn, not every open one.
 */
export function turnIdNamedIn(raw: string): string | undefined {
  const named = /"turnId"\s*:\s*"([^"\\]{1,64})"/.exec(raw.slice(0, 512))?.[1];
  return id.safeParse(named).success ? named : undefined;
}
