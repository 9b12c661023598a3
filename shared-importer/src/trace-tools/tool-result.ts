// What every trace tool returns: compact text for the model, at most
// TOOL_RESULT_TOKEN_CAP tokens (o200k, as the summary counts them). A cut
// result keeps whole lines and says how to narrow the query.
import { loadTokenizer } from '../summary/token-count.ts';

export const TOOL_RESULT_TOKEN_CAP = 8000;

/** Tokens kept free for the note that says the result was cut. */
const NOTE_RESERVE = 60;

export function cutNote(omittedLines: number): string {
  return `[result cut at ${TOOL_RESULT_TOKEN_CAP} tokens, ${omittedLines} more lines not shown: narrow the query (a thread, a time window, a root, a smaller maxDepth or a more specific query)]`;
}

/** `text` whole when it fits the cap, else its first whole lines and the cut note. */
export async function capResult(text: string, cap = TOOL_RESULT_TOKEN_CAP): Promise<string> {
  const tokenizer = await loadTokenizer();
  if (tokenizer.count(text) <= cap) return text;
  const prefix = tokenizer.truncate(text, cap - NOTE_RESERVE);
  const lines = text.split('\n');
  const kept = prefix.slice(0, Math.max(0, prefix.lastIndexOf('\n'))).split('\n');
  const keptCount = prefix.lastIndexOf('\n') < 0 ? 0 : kept.length;
  return [...lines.slice(0, keptCount), cutNote(lines.length - keptCount)].join('\n');
}
