// Stop in the cloud: the desktop's Stop reaches the server, which stops the
// model (its generating is what the project pays for), through the real
// path: the socket marks the turn in Postgres as the user, process-ai-turn
// (real Deno) watches the mark and aborts its call to the scripted model.
// And what a hostile client tries: stopping someone else's turn.
import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, test } from 'vitest';
import type { ToolRequest } from '../../functions/_shared/chat-messages.ts';
import { textResponse } from '../../test-support/scripted-model/scripted-model-server.ts';
import { ask, startChatStack, turnFinished, turnText, type ChatClient, type ChatStack } from './cloud-harness.ts';

let stack: ChatStack;
beforeAll(async () => {
  // Polled often, so a stopped turn ends soon after its Stop.
  stack = await startChatStack({ AI_TURNS_PER_MINUTE: '1000', AI_TURN_STOP_POLL_MS: '200' });
});
afterAll(() => stack.stop());

const client = (email: string) => stack.client(email);

const requestsOf = (prompt: string) => stack.model.requests.filter((r) => r.body.messages?.some((m) => m.role === 'user' && m.content === prompt));
/** An answer that takes about 40 s to stream: far longer than any wait below. */
const LONG_ANSWER = textResponse('word '.repeat(2_000), { chunkSize: 5, delayMs: 20 });

async function stoppedAt(c: ChatClient, turnId: string): Promise<string | null> {
  const { data, error } = await c.user.client.from('ai_turns').select('stopped_at').eq('turn_id', turnId).single<{ stopped_at: string | null }>();
  assert.equal(error, null);
  return data.stopped_at;
}

describe('Stop in the cloud', () => {
  test('Stop while the answer streams: the model call is aborted, and the turn ends with one event saying it was stopped', async () => {
    const c = await client('stop-streaming@example.com');
    const prompt = 'Tell me everything, slowly';
    stack.model.enqueue(LONG_ANSWER);
    const turnId = await ask(c, prompt);
    await c.results.waitFor((e) => e.turnId === turnId && e.type === 'model_chunk_append', 30_000);

    c.socket.send({ type: 'stop_turn', turnId });
    const last = await turnFinished(c.results, turnId);
    assert.equal(last.type, 'error');
    assert.match(last.type === 'error' ? last.message : '', /^Stopped/);
    const [request] = requestsOf(prompt);
    assert.ok(request.closedBeforeEndAt, 'the function aborted its call to the model');
    assert.ok(turnText(c.results.turn(turnId)).length < 10_000, 'only part of the answer was generated');
    assert.notEqual(await stoppedAt(c, turnId), null);
    const events = c.results.turn(turnId);
    assert.equal(events.at(-1), last, 'nothing of the turn came after its last event');
  });

  test('Stop while the desktop runs the tools: their results are refused and no later round asks the model', async () => {
    const c = await client('stop-tools@example.com');
    const prompt = 'Look into the long tasks';
    // Only the round that calls the tools is scripted: a later round would still be recorded, then refused.
    stack.model.enqueue({ kind: 'tool_calls', calls: [{ name: 'long_tasks', arguments: '{}' }] });
    const turnId = await ask(c, prompt);
    const request = (await c.results.waitFor((e) => e.turnId === turnId && e.type === 'tool_request', 30_000)) as ToolRequest;

    c.socket.send({ type: 'stop_turn', turnId });
    c.socket.send({ type: 'tool_results', turnId, step: 1, results: request.calls.map((call) => ({ callId: call.callId, content: 'late result' })) });
    const refused = await c.socket.next();
    assert.equal(refused.type, 'error', JSON.stringify(refused));
    assert.notEqual(await stoppedAt(c, turnId), null);
    const row = await c.user.client.from('ai_turns').select('question, tool_transcript').eq('turn_id', turnId).single();
    assert.deepEqual(row.data, { question: null, tool_transcript: [] }, 'a stopped turn lets go of its question and results');
    // Results handed straight to the database are refused too: the stopped turn awaits none.
    const { data } = await c.user.client.rpc('accept_tool_results', {
      p_turn_id: turnId,
      p_step: 1,
      p_results: [{ callId: request.calls[0].callId, content: 'x' }],
    });
    assert.equal(data, 'wrong_step');
    assert.equal(requestsOf(prompt).length, 1, 'the model was asked once, for the round that called the tools');
  });

  test("a stop_turn naming another user's turn is refused, and that user's answer streams whole", async () => {
    const owner = await client('stop-owner@example.com');
    const intruder = await client('stop-intruder@example.com');
    const text = 'The whole answer, every word of it. '.repeat(10);
    stack.model.enqueue(textResponse(text, { chunkSize: 8, delayMs: 5 }));
    const turnId = await ask(owner, 'A question of my own');

    intruder.socket.send({ type: 'stop_turn', turnId });
    const refused = await intruder.socket.next();
    assert.ok(refused.type === 'error' && refused.turnId === turnId, JSON.stringify(refused));
    assert.match(refused.type === 'error' ? refused.message : '', /no such turn in your account/);

    assert.equal((await turnFinished(owner.results, turnId)).type, 'model_response_end');
    assert.equal(turnText(owner.results.turn(turnId)), text);
    assert.equal(await stoppedAt(owner, turnId), null);
  });
});
