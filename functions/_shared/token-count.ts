// Token counting for the prompt budget, with the o200k_base encoding (GPT-4o
// family and later). Exact counts for OpenAI models, a close estimate for
// other OpenAI-compatible ones.
import { Tiktoken } from 'js-tiktoken/lite';
import o200kBase from 'js-tiktoken/ranks/o200k_base';

let encoder: Tiktoken | undefined;

export function countTokens(text: string): number {
  encoder ??= new Tiktoken(o200kBase);
  return encoder.encode(text).length;
}

/** Tokens the chat format adds around each message (role and separators). */
export const TOKENS_PER_MESSAGE = 4;

/** The longest prefix of `text` that fits in `maxTokens` tokens. */
export function truncateToTokens(text: string, maxTokens: number): string {
  encoder ??= new Tiktoken(o200kBase);
  const tokens = encoder.encode(text);
  if (tokens.length <= maxTokens) return text;
  return encoder.decode(tokens.slice(0, Math.max(0, maxTokens)));
}
