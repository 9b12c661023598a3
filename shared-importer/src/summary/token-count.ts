// Token counts with the tokenizer current OpenAI models use (o200k_base), so
// the summary's budget is the budget the model sees. The rank table is a few
// megabytes: it is loaded on first use only, once per process, through the
// 'lite' entry point that works alike in Node, Deno and the browser.
import type { Tiktoken } from 'js-tiktoken/lite';

let loading: Promise<Tiktoken> | undefined;

export function loadTokenizer(): Promise<Tiktoken> {
  loading ??= Promise.all([import('js-tiktoken/lite'), import('js-tiktoken/ranks/o200k_base')]).then(
    ([{ Tiktoken }, ranks]) => new Tiktoken(ranks.default),
    (error: unknown) => {
      // Let a later call try again (e.g. a chunk that failed to load in the browser).
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

/** Token count of `text`. Special-token strings in trace names ("<|endoftext|>") count as plain text. */
export function countTokensWith(tokenizer: Tiktoken, text: string): number {
  return tokenizer.encode(text, [], []).length;
}

export async function countTokens(text: string): Promise<number> {
  return countTokensWith(await loadTokenizer(), text);
}
