// The chat protocol's plain constants, in a module of their own without zod,
// so a page (the renderer) and the preload can import them without bundling
// the schemas. chat-messages.ts re-exports them.

/** WebSocket close code when the access token is missing or refused (RFC 6455 "policy violation"); the reason says why. */
export const CLOSE_POLICY_VIOLATION = 1008;

export const MAX_PROMPT_CHARS = 8_000;
export const MAX_HISTORY_MESSAGES = 200;
export const MAX_HISTORY_MESSAGE_CHARS = 32_000;
