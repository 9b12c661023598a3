// Suggested follow-up questions: the system prompt asks the model to end an
// answer with at most MAX_FOLLOW_UPS of them, in a block of its own, and the
// chat shows them as chips that send the question (the block itself is not
// shown as text). No zod, no Deno or Node: the renderer imports it.

export const MAX_FOLLOW_UPS = 3;
/** The line that opens the block, alone on its line. */
export const FOLLOW_UP_HEADING = 'Follow-up questions:';
/** Longest suggestion kept (a longer line is not a question a chip can hold). */
const MAX_FOLLOW_UP_CHARS = 200;

/** The sentence of the system prompt that asks for the block. */
export const FOLLOW_UP_INSTRUCTIONS = [
  `You may end your answer with up to ${MAX_FOLLOW_UPS} short follow-up questions the user could ask next about this`,
  `trace, each on its own line starting with "- ", after a line that says exactly "${FOLLOW_UP_HEADING}". Write nothing after them.`,
].join('\n');

export interface AnswerWithFollowUps {
  /** The answer without the block. */
  body: string;
  followUps: string[];
}

/**
 * Splits the trailing follow-up block off an answer. Only a block at the very
 * end counts (the heading, then nothing but "- " lines), so an answer that
 * merely mentions the heading keeps its text.
 */
export function splitFollowUps(answer: string): AnswerWithFollowUps {
  const lines = answer.replace(/\s+$/, '').split('\n');
  const heading = lines.findLastIndex((line) => stripEmphasis(line.trim()) === FOLLOW_UP_HEADING);
  if (heading < 0) return { body: answer, followUps: [] };
  const items = lines.slice(heading + 1).filter((line) => line.trim() !== '');
  if (items.length === 0 || !items.every((line) => /^\s*[-*]\s+\S/.test(line))) return { body: answer, followUps: [] };
  const followUps = items
    .map((line) => line.replace(/^\s*[-*]\s+/, '').trim())
    .filter((question) => question.length <= MAX_FOLLOW_UP_CHARS)
    .slice(0, MAX_FOLLOW_UPS);
  return { body: lines.slice(0, heading).join('\n').replace(/\s+$/, ''), followUps };
}

/** "**Follow-up questions:**" counts as the heading too: models like bold. */
function stripEmphasis(line: string): string {
  return line.replace(/^(\*\*|__)(.*)\1$/, '$2');
}
