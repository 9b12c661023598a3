import { assertEquals } from '../_test/assert.ts';
import { FOLLOW_UP_HEADING, splitFollowUps } from './follow-ups.ts';

Deno.test('a trailing block becomes follow-ups and leaves the body', () => {
  const answer = `The main thread is busy in [fn3].\n\n**${FOLLOW_UP_HEADING}**\n- Who calls [fn3]?\n- What is in the longest task?\n`;
  assertEquals(splitFollowUps(answer), {
    body: 'The main thread is busy in [fn3].',
    followUps: ['Who calls [fn3]?', 'What is in the longest task?'],
  });
});

Deno.test('at most three follow-ups, overlong ones dropped', () => {
  const answer = `Body.\n${FOLLOW_UP_HEADING}\n- a?\n- ${'x'.repeat(300)}\n- b?\n- c?\n- d?`;
  assertEquals(splitFollowUps(answer).followUps, ['a?', 'b?', 'c?']);
});

Deno.test('a heading followed by prose is not a block', () => {
  const answer = `Body.\n${FOLLOW_UP_HEADING}\nI have none.`;
  assertEquals(splitFollowUps(answer), { body: answer, followUps: [] });
});

Deno.test('a heading mid-answer with text after its list is not a block', () => {
  const answer = `${FOLLOW_UP_HEADING}\n- a?\n\nMore text after.`;
  assertEquals(splitFollowUps(answer), { body: answer, followUps: [] });
});

Deno.test('no heading: the answer is untouched', () => {
  assertEquals(splitFollowUps('Just an answer.\n- a list\n'), { body: 'Just an answer.\n- a list\n', followUps: [] });
});
