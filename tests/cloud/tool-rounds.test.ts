// A turn with trace tools through the real cloud path: the stand-in's Auth,
// Postgres (our migrations) and Realtime, both functions in real Deno, the
// scripted model; the client speaks the protocol as the desktop does (socket
// + supabase-js Realtime), with tool results written here. Then what a
// careless or hostile client tries with tool results: each attempt ends in a
// clear error, and the turn it aimed at is unharmed.
import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { MAX_TOOL_RESULT_CHARS, MAX_TOOL_STEPS, type ServerMessage, type ToolRequest } from '../../functions/_shared/chat-messages.ts';
import { textResponse, type RecordedRequest } from '../../test-support/scripted-model/scripted-model-server.ts';
import { ask, openChatSocket, startChatStack, turnFinished, turnText, type ChatClient, type ChatStack } from './cloud-harness.ts';

let stack: ChatStack;
beforeAll(async () => {
  stack = await startChatStack({ AI_TURNS_PER_MINUTE: '1000' });
});
afterAll(() => stack.stop());

const client = (email: string) => stack.client(email);

function toolRequest(c: ChatClient, turnId: string, step: number): Promise<ToolRequest> {
  return c.results.waitFor((e) => e.turnId === turnId && e.type === 'tool_request' && e.step === step, 30_000) as Promise<ToolRequest>;
}

const answerFor = (request: ToolRequest) => request.calls.map((call) => ({ callId: call.callId, content: `result of ${call.name} ${call.arguments}` }));

async function socketError(c: ChatClient): Promise<Extract<ServerMessage, { type: 'error' }>> {
  const message = await c.socket.next();
  assert.equal(message.type, 'error', JSON.stringify(message));
  return message;
}

const requestsOf = (prompt: string) => stack.model.requests.filter((r) => r.body.messages?.some((m) => m.role === 'user' && m.content === prompt));
const toolCalls = (...names: string[]) => ({
  kind: 'tool_calls' as const,
  calls: names.map((name) => ({ name, arguments: name === 'find_functions' ? '{"query":"parse"}' : '{"threadId":"p1:t1"}' })),
});

describe('trace tools over the cloud path', () => {
  test('a turn with two tool rounds: the model reads every result, seq runs on across rounds, one rate-limit slot', async () => {
    const c = await client('tools@example.com');
    const prompt = 'What calls parse?';
    stack.model.enqueue(toolCalls('find_functions', 'call_tree'), toolCalls('callers_and_callees'), textResponse('parse is called by [fn3].'));
    const turnId = await ask(c, prompt);

    const first = await toolRequest(c, turnId, 1);
    assert.deepEqual(
      first.calls.map((call) => call.name),
      ['find_functions', 'call_tree'],
    );
    assert.equal(first.calls[0].arguments, '{"query":"parse"}', 'arguments assembled from the streamed pieces');
    c.socket.send({ type: 'tool_results', turnId, step: 1, results: answerFor(first) });
    assert.deepEqual(await c.socket.next(), { type: 'waiting_for_model', turnId });

    const second = await toolRequest(c, turnId, 2);
    c.socket.send({ type: 'tool_results', turnId, step: 2, results: answerFor(second) });
    assert.deepEqual(await c.socket.next(), { type: 'waiting_for_model', turnId });
    assert.equal((await turnFinished(c.results, turnId)).type, 'model_response_end');

    const events = c.results.turn(turnId);
    assert.equal(turnText(events), 'parse is called by [fn3].', 'seq contiguous from 0 over all three rounds');
    assert.deepEqual(
      events.filter((e) => e.type !== 'model_chunk_append').map((e) => e.type),
      ['model_chunk_start', 'tool_request', 'tool_request', 'model_response_end'],
    );

    const requests = requestsOf(prompt);
    assert.equal(requests.length, 3);
    const last = requests[2].body.messages!;
    const toolMessages = last.filter((m) => m.role === 'tool');
    assert.deepEqual(
      toolMessages.map((m) => m.tool_call_id),
      ['call_0', 'call_1', 'call_0'],
    );
    const expected = [...answerFor(first), ...answerFor(second)].map((r) => r.content);
    toolMessages.forEach((m, i) =>
      assert.match(String(m.content), new RegExp(`^<trace-data [0-9a-f]{16}>\\n${escape(expected[i])}\\n</trace-data [0-9a-f]{16}>$`)),
    );
    assert.ok(requests.every((r) => r.body.tool_choice === 'auto' && Array.isArray(r.body.tools)));

    // The tool rounds took no turn of the rate limit: one row for the one question.
    const { data } = await c.user.client.from('ai_turns').select('turn_id');
    assert.deepEqual(data, [{ turn_id: turnId }]);
    // Answered, the turn keeps neither its question nor the tools' results.
    const row = await c.user.client.from('ai_turns').select('question, tool_transcript, tool_step').eq('turn_id', turnId).single();
    assert.deepEqual(row.data, {
      question: null,
      tool_transcript: [
        { step: 1, calls: [] },
        { step: 2, calls: [] },
      ],
      tool_step: null,
    });
    // Results sent again after the answer ended (the desktop cannot know they arrived) are still taken as done.
    c.socket.send({ type: 'tool_results', turnId, step: 2, results: answerFor(second) });
    assert.deepEqual(await c.socket.next(), { type: 'waiting_for_model', turnId });
    assert.equal(requestsOf(prompt).length, 3, 'and no round runs again');
  });

  test('a model that calls tools forever still answers: round 11 is offered none', async () => {
    const c = await client('forever@example.com');
    const prompt = 'Keep looking';
    const script = (request: RecordedRequest) => (request.body.tool_choice === 'none' ? textResponse('Done looking.') : toolCalls('long_tasks'));
    for (let i = 0; i <= MAX_TOOL_STEPS; i++) stack.model.enqueue(script);
    const turnId = await ask(c, prompt);
    for (let step = 1; step <= MAX_TOOL_STEPS; step++) {
      const request = await toolRequest(c, turnId, step);
      c.socket.send({ type: 'tool_results', turnId, step, results: answerFor(request) });
      assert.deepEqual(await c.socket.next(), { type: 'waiting_for_model', turnId });
    }
    assert.equal((await turnFinished(c.results, turnId, 30_000)).type, 'model_response_end');
    assert.equal(turnText(c.results.turn(turnId)), 'Done looking.');
    const requests = requestsOf(prompt);
    assert.deepEqual(
      requests.map((r) => r.body.tool_choice),
      [...Array(MAX_TOOL_STEPS).fill('auto'), 'none'],
    );
  });

  test("hostile tool results: another user's, wrong ids, wrong step, oversized, expired; the owner's on a second socket, and again, count once", async () => {
    const owner = await client('owner@example.com');
    const other = await client('other@example.com');
    stack.model.enqueue(toolCalls('find_functions', 'markers'), textResponse('Answered after the hostile attempts.'));
    const turnId = await ask(owner, 'Hostile?');
    const request = await toolRequest(owner, turnId, 1);
    const good = answerFor(request);

    // Another user, on their socket and straight at the database with their token.
    other.socket.send({ type: 'tool_results', turnId, step: 1, results: good });
    assert.match((await socketError(other)).message, /not in your account/);
    const direct = await other.user.client.rpc('accept_tool_results', { p_turn_id: turnId, p_step: 1, p_results: good });
    assert.equal(direct.data, 'unknown_turn');
    // Recording what a turn awaits is process-ai-turn's alone: a user may not forge it, even for their own turn.
    const forged = await owner.user.client.rpc('record_tool_request', {
      p_user_id: owner.user.userId,
      p_turn_id: turnId,
      p_step: 1,
      p_calls: [{ callId: 'mine', name: 'markers', arguments: '{}' }],
      p_transcript: [],
      p_next_seq: 0,
      p_question: { traceId: owner.traceId, prompt: 'Forged', history: [] },
    });
    assert.match(String(forged.error?.message), /permission denied/);

    const attempts: [string, unknown[], number][] = [
      ['unknown id', [good[0], { callId: 'call_9', content: 'x' }], 1],
      ['missing id', [good[0]], 1],
      ['extra id', [...good, { callId: 'call_9', content: 'x' }], 1],
      ['duplicate id', [good[0], good[0]], 1],
      ['wrong step', good, 2],
    ];
    for (const [what, results, step] of attempts) {
      owner.socket.send({ type: 'tool_results', turnId, step, results });
      const error = await socketError(owner);
      assert.equal(error.turnId, turnId, what);
      assert.match(error.message, step === 1 ? /exactly the calls of their step/ : /not waiting for the tool results of step 2/, what);
    }
    owner.socket.send({
      type: 'tool_results',
      turnId,
      step: 1,
      results: [good[0], { callId: good[1].callId, content: 'x'.repeat(MAX_TOOL_RESULT_CHARS + 1) }],
    });
    const oversized = await socketError(owner);
    assert.match(oversized.message, /Invalid message: results\.1\.content/);
    assert.equal(oversized.turnId, turnId, 'a refused frame naming its turn ends only that turn');

    // None of that consumed the step: the right results are accepted, on any of the owner's sockets
    // (as after a reconnect), and sent again (the desktop cannot know whether they arrived before a
    // drop) they are acknowledged without running the next round twice.
    const second = openChatSocket(stack.standin.functionUrl('trace-analysis-socket'), owner.user.accessToken);
    assert.equal((await second.next(30_000)).type, 'connection_ack');
    second.send({ type: 'tool_results', turnId, step: 1, results: good });
    assert.deepEqual(await second.next(), { type: 'waiting_for_model', turnId });
    await second.close();
    owner.socket.send({ type: 'tool_results', turnId, step: 1, results: good });
    assert.deepEqual(await owner.socket.next(), { type: 'waiting_for_model', turnId });
    assert.equal((await turnFinished(owner.results, turnId)).type, 'model_response_end');
    assert.equal(turnText(owner.results.turn(turnId)), 'Answered after the hostile attempts.');
    assert.equal(requestsOf('Hostile?').length, 2, 'no attempt reached the model');

    // Results that come after the round waited ten minutes are refused.
    stack.model.enqueue(toolCalls('markers'));
    const late = await ask(owner, 'Late?');
    const lateRequest = await toolRequest(owner, late, 1);
    await stack.standin.db.query(`update public.ai_turns set tool_awaiting_since = now() - interval '11 minutes' where turn_id = $1`, [late]);
    owner.socket.send({ type: 'tool_results', turnId: late, step: 1, results: answerFor(lateRequest) });
    assert.match((await socketError(owner)).message, /waited too long/);
    assert.equal(requestsOf('Late?').length, 1);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
