// The chat protocol's plain constants, in a module of their own without zod,
// so a page (the renderer) and the preload can import them without bundling
// the schemas. chat-messages.ts re-exports them.

/** WebSocket close code when the access token is missing or refused (RFC 6455 "policy violation"); the reason says why. */
export const CLOSE_POLICY_VIOLATION = 1008;

export const MAX_PROMPT_CHARS = 8_000;
export const MAX_HISTORY_MESSAGES = 200;
export const MAX_HISTORY_MESSAGE_CHARS = 32_000;

/**
 * Model rounds of one turn that may call trace tools. Round MAX_TOOL_STEPS + 1,
 * if the model gets there, is offered no tools and must answer with what it has.
 */
export const MAX_TOOL_STEPS = 10;
/** Tool calls one round may make; further calls of that round are answered "refused" without running. */
export const MAX_TOOL_CALLS_PER_STEP = 8;
/** Longest arguments text of one tool call, in characters. */
export const MAX_TOOL_ARGUMENTS_CHARS = 2_000;
/**
 * Longest tool result, in characters. The desktop caps a result at 8k tokens
 * (shared-importer/src/trace-tools/tool-result.ts) and also at this length;
 * the socket refuses longer ones from a client.
 */
export const MAX_TOOL_RESULT_CHARS = 48_000;
