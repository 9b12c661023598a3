// What every trace tool returns: compact text for the model, at most
// TOOL_RESULT_TOKEN_CAP tokens (o200k, as the summary counts them) and at
// most MAX_TOOL_RESULT_CHARS characters (what the chat socket accepts for one
// result). A cut result keeps whole lines and says how to narrow the query.
import { MAX_TOOL_RESULT_CHARS } from '../../../functions/_shared/chat-constants.ts';
import { loadTokenizer } from '../summary/token-count.ts';

export const TOOL_RESULT_TOKEN_CAP = 8000;

/** Tokens, and characters, kept free for the note that says the result was cut. */
const NOTE_RESERVE = 60;
const NOTE_RESERVE_CHARS = 300;

export function cutNote(omittedLines: number): string {
  return `[result cut at ${TOOL_RESULT_TOKEN_CAP} tokens, ${omittedLines} more lines not shown: narrow the query (a thread, a time window, a root, a smaller maxDepth or a more specific query)]`;
}

/** `text` whole when it fits both caps, else its first whole lines and the cut note. */
export async function capResult(text: string, cap = TOOL_RESULT_TOKEN_CAP, maxChars = MAX_TOOL_RESULT_CHARS): Promise<string> {
  const tokenizer = await loadTokenizer();
  if (text.length <= maxChars && tokenizer.count(text) <= cap) return text;
  const prefix = tokenizer.truncate(text, cap - NOTE_RESERVE).slice(0, maxChars - NOTE_RESERVE_CHARS);
  const lines = text.split('\n');
  const kept = prefix.slice(0, Math.max(0, prefix.lastIndexOf('\n'))).split('\n');
  const keptCount = prefix.lastIndexOf('\n') < 0 ? 0 : kept.length;
  return [...lines.slice(0, keptCount), cutNote(lines.length - keptCount)].join('\n');
}
