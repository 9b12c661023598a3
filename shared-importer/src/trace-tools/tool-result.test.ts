import assert from 'node:assert/strict';
import { test } from 'vitest';
import { countTokens } from '../summary/token-count.ts';
import { syntheticProfile } from '../summary/synthetic-profile.ts';
import { capResult, TOOL_RESULT_TOKEN_CAP } from './tool-result.ts';
import { runTool } from './run-tool.ts';
import { MAX_TOOL_RESULT_CHARS } from '../../../functions/_shared/chat-constants.ts';

test('a result over the cap keeps whole lines and says how to narrow the query', async () => {
  const lines = Array.from({ length: 3000 }, (_, i) => `- [fn${i}] "function number ${i}" total ${i} ms`);
  const text = await capResult(lines.join('\n'));
  assert.ok((await countTokens(text)) <= TOOL_RESULT_TOKEN_CAP);
  const kept = text.split('\n');
  const note = kept.pop()!;
  assert.ok(kept.length > 100);
  assert.deepEqual(kept, lines.slice(0, kept.length), 'whole lines from the top');
  assert.match(note, new RegExp(`^\\[result cut at ${TOOL_RESULT_TOKEN_CAP} tokens, ${lines.length - kept.length} more lines not shown: narrow the query`));
  const small = 'one line';
  assert.equal(await capResult(small), small);
});

test('every tool stays within the cap on a large profile', async () => {
  const profile = syntheticProfile({ intervals: 300_000, threads: 2, functions: 3000, taskShapes: 0 });
  const results = [
    await runTool(profile, 'thread_summary', { threadId: 'p1:t1' }),
    await runTool(profile, 'call_tree', { threadId: 'p1:t1', maxDepth: 40 }),
    await runTool(profile, 'find_functions', { query: 'fn1' }),
    await runTool(profile, 'long_tasks', { threadId: 'p1:t1', minMs: 0 }),
    await runTool(profile, 'markers', {}),
  ];
  for (const text of results) assert.ok((await countTokens(text)) <= TOOL_RESULT_TOKEN_CAP, text.slice(0, 200));
  // Every task of the thread is one line: far more than fit, so that result was cut.
  assert.match(results[3], /\[result cut at 8000 tokens/);
});

test('a result within the token cap but longer than the chat accepts is cut to MAX_TOOL_RESULT_CHARS', async () => {
  // Long words of one token each: 500 lines of ten " performance" make 60,000 characters in about 6,000 tokens.
  const lines = Array.from({ length: 500 }, (_, i) => `${i}${' performance'.repeat(10)}`);
  const whole = lines.join('\n');
  assert.ok(whole.length > MAX_TOOL_RESULT_CHARS && (await countTokens(whole)) < TOOL_RESULT_TOKEN_CAP);
  const text = await capResult(whole);
  assert.ok(text.length <= MAX_TOOL_RESULT_CHARS, `${text.length} chars`);
  const kept = text.split('\n');
  const note = kept.pop()!;
  assert.deepEqual(kept, lines.slice(0, kept.length), 'whole lines from the top');
  assert.match(note, new RegExp(`${lines.length - kept.length} more lines not shown`));
});
