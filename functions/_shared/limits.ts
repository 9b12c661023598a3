// Defaults of the functions' size limits (each can be changed through its
// environment variable, see config.ts). No Deno here: tests and benches in
// Node import them to build inputs at the limits.

/** AI_MAX_MESSAGE_BYTES: the largest client frame, in bytes of UTF-8. */
export const DEFAULT_MAX_MESSAGE_BYTES = 2 * 1024 * 1024;

/**
 * AI_SUMMARIZE_MAX_BYTES: the largest trace (after decompression) process-ai-turn summarises itself.
 * 1 MiB keeps the costliest input per byte we know (a V8 .cpuprofile with deep stacks: ~65 MB of
 * memory per MB of input) inside half the hosted limits (`npm run bench -- cloud-resources`); it
 * was 20 MiB, where that input took 4.6 s of CPU and 2 GB. Larger traces must arrive summarised.
 */
export const DEFAULT_SUMMARIZE_MAX_BYTES = 1024 * 1024;

/** AI_PROMPT_TOKEN_BUDGET: tokens of every message of one model round together; local mode uses it too. */
export const DEFAULT_PROMPT_TOKEN_BUDGET = 32_000;
