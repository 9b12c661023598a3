// Token counts with the tokenizer current OpenAI models use (o200k_base), so
// the summary's budget is the budget the model sees. Only gpt-tokenizer's
// o200k_base module is loaded (its rank table is a few megabytes), on first
// use, once per process; it works alike in Node, Deno and the browser.
//
// Counting is linear in the input. BPE merging is quadratic in the length of
// one pre-tokenised piece (a run of letters, symbols or spaces without a
// break): 100,000 "x" in one run take seconds, and a chat message is input
// anyone can send. Pieces longer than MAX_PIECE_CHARS are therefore counted in
// slices of that length. Words, numbers and trace names are far shorter, so
// ordinary text is counted exactly. A long run's count is an over-count by at
// most a few tokens per slice, which is safe for budgeting (every budget here
// is an upper bound): a cut loses the merges across it, or, BPE not being
// optimal, occasionally saves one token, so each cut adds CUT_MARGIN.
import type o200k from 'gpt-tokenizer/encoding/o200k_base';
import { O200K_TOKEN_SPLIT_REGEX } from 'gpt-tokenizer/encodingParams/constants';

type Encoding = typeof o200k;

export interface Tokenizer {
  /** Tokens of `text`. Special-token strings in trace names ("<|endoftext|>") count as plain text. */
  count(text: string): number;
  /** The longest prefix of `text` that ends between two pre-tokenised pieces and fits in `maxTokens` tokens. */
  truncate(text: string, maxTokens: number): string;
}

/**
 * Longest piece merged in one go. BPE on a 256-character piece takes well
 * under a millisecond: the worst inputs we built cost ~1 ms per KB, 4-6x
 * ordinary prose (bench/token-count.bench.ts measures them).
 */
export const MAX_PIECE_CHARS = 256;

/**
 * The library caches the merges of pieces it has seen (100,000 by default).
 * Slices bound an entry (a 256-character key and its tokens: ~2.5 KB at
 * most); this bounds their number, so hostile input cannot grow the cache of a
 * long-lived process (an edge function, the import worker) past ~10 MB.
 */
const MERGE_CACHE_ENTRIES = 4_000;

/**
 * Tokens added for each cut inside a long piece. Counting the two sides of a
 * cut apart gave at most one token fewer than the whole in every worst case
 * we built (token-count.test.ts checks), so one makes the count an upper bound.
 */
const CUT_MARGIN = 1;

/** No special tokens: "<|endoftext|>" in a trace is text, never a control token (and never an error). */
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

let loading: Promise<Tokenizer> | undefined;

export function loadTokenizer(): Promise<Tokenizer> {
  loading ??= import('gpt-tokenizer/encoding/o200k_base').then(
    ({ default: encoding }) => {
      encoding.setMergeCacheSize(MERGE_CACHE_ENTRIES);
      return {
        count: (text) => countTokensWith(encoding, text),
        truncate: (text, maxTokens) => truncateToTokens(encoding, text, maxTokens),
      };
    },
    (error: unknown) => {
      // Let a later call try again (e.g. a chunk that failed to load in the browser).
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

export async function countTokens(text: string): Promise<number> {
  return (await loadTokenizer()).count(text);
}

function countTokensWith(encoding: Encoding, text: string): number {
  let count = 0;
  for (const part of boundedParts(text)) count += encoding.countTokens(part.text, PLAIN_TEXT) + (part.afterCut ? CUT_MARGIN : 0);
  return count;
}

function truncateToTokens(encoding: Encoding, text: string, maxTokens: number): string {
  let used = 0;
  let kept = 0;
  for (const part of boundedParts(text)) {
    if (part.afterCut) used += CUT_MARGIN;
    // One token list per pre-tokenised piece: a piece is whole characters, so its tokens decode to exactly its text.
    for (const tokens of encoding.encodeGenerator(part.text, PLAIN_TEXT)) {
      if (used + tokens.length > maxTokens) return text.slice(0, kept);
      used += tokens.length;
      kept += encoding.decode(tokens).length;
    }
  }
  return text;
}

export interface TextPart {
  text: string;
  /** The part continues a long piece cut at its start. */
  afterCut: boolean;
}

/**
 * `text` in consecutive parts that are each tokenised on their own: runs of
 * ordinary pieces, and slices of pieces longer than MAX_PIECE_CHARS. Parts
 * end only between pieces or inside a long one, so the ordinary runs
 * tokenise exactly as they do within the whole text.
 */
export function* boundedParts(text: string): Generator<TextPart> {
  if (text.length <= MAX_PIECE_CHARS) {
    yield { text, afterCut: false };
    return;
  }
  let start = 0;
  for (const match of text.matchAll(O200K_TOKEN_SPLIT_REGEX)) {
    const piece = match[0];
    if (piece.length <= MAX_PIECE_CHARS) continue;
    if (match.index > start) yield { text: text.slice(start, match.index), afterCut: false };
    yield* slices(piece);
    start = match.index + piece.length;
  }
  if (start < text.length) yield { text: start === 0 ? text : text.slice(start), afterCut: false };
}

/** `piece` in slices of at most MAX_PIECE_CHARS, never between the two halves of a surrogate pair. */
function* slices(piece: string): Generator<TextPart> {
  for (let start = 0; start < piece.length;) {
    let end = Math.min(piece.length, start + MAX_PIECE_CHARS);
    if (end < piece.length && isHighSurrogate(piece.charCodeAt(end - 1))) end--;
    yield { text: piece.slice(start, end), afterCut: start > 0 };
    start = end;
  }
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
