// The chat store's rules for what arrives from the host: the events of a turn
// may come before the host's answer to the send, and still join the question;
// events name only their turn, yet land in their trace's chat; an answer that
// is over (ended, stopped, failed) is not reopened by late events; a failure
// is never left spinning. Events are in the contract's shapes, fed to the
// real store in the orders the host can send them.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { beforeEach, test } from 'vitest';
import { INITIAL_ANALYSIS_PROMPT, type ChatMessage, type ChatSnapshot, type ChatTurnEvent } from '../../electron/ipc-contract.ts';
import { UNNAMED_TURN, useChatStore, type TraceChat } from './chat-store.ts';

const initial = useChatStore.getState();
beforeEach(() => useChatStore.setState(initial, true));

const store = () => useChatStore.getState();
const chat = (traceId: string): TraceChat => store().chats[traceId];
const send = (event: ChatTurnEvent) => store().turnEventReceived(event);

function snapshot(traceId: string, messages: ChatMessage[] = [], initialAnalysisRequested = messages.length > 0): ChatSnapshot {
  return { traceId, mode: 'cloud', messages, initialAnalysisRequested, connection: { traceId, state: 'open' } };
}

function opened(traceId: string, messages: ChatMessage[] = []): void {
  store().chatOpening(traceId);
  store().snapshotReceived(snapshot(traceId, messages));
}

/** The events of one streamed answer, numbered as the host numbers them. */
function streamed(traceId: string, turnId: string, parts: string[]): ChatTurnEvent[] {
  return [
    { type: 'turn_accepted', traceId, turnId },
    { type: 'waiting_for_model', turnId },
    { type: 'model_chunk_start', turnId, seq: 0, model: 'gpt-test' },
    ...parts.map((text, i): ChatTurnEvent => ({ type: 'model_chunk_append', turnId, seq: i + 1, text })),
    { type: 'model_response_end', turnId, seq: parts.length + 1, finishReason: 'stop' },
  ];
}

const answerOf = (traceId: string, turnId: string) => chat(traceId).messages.find((m) => m.turnId === turnId && m.role === 'assistant');

test('a follow-up: the question shows at once, the answer streams into it, the turn ends', () => {
  const earlier: ChatMessage[] = [
    { turnId: randomUUID(), role: 'assistant', content: 'The main thread is busy.', status: 'complete', createdAt: '2025-01-01T00:00:00Z' },
  ];
  opened('a', earlier);
  store().questionSent('a', 'Why is parse slow?');
  assert.deepEqual(chat('a').inFlight, { turnId: null, phase: 'sending' });
  assert.equal(chat('a').messages.at(-1).content, 'Why is parse slow?');
  assert.equal(chat('a').messages.at(-1).turnId, UNNAMED_TURN);

  const turnId = randomUUID();
  store().questionNamed('a', turnId);
  assert.deepEqual(chat('a').inFlight, { turnId, phase: 'waiting' });
  const [accepted, waiting, start, ...rest] = streamed('a', turnId, ['`parse` takes ', '**40%**', ' of the time.']);
  send(accepted);
  send(waiting);
  assert.deepEqual(chat('a').inFlight, { turnId, phase: 'waiting' });
  send(start);
  assert.deepEqual(chat('a').inFlight, { turnId, phase: 'streaming' });
  send(rest[0]);
  assert.equal(answerOf('a', turnId)!.content, '`parse` takes ');
  assert.equal(answerOf('a', turnId)!.status, 'streaming');
  for (const event of rest.slice(1)) send(event);
  assert.equal(answerOf('a', turnId)!.content, '`parse` takes **40%** of the time.');
  assert.equal(answerOf('a', turnId)!.status, 'complete');
  assert.equal(chat('a').inFlight, null);
  assert.deepEqual(
    chat('a').messages.map((m) => [m.role, m.turnId]),
    [
      ['assistant', earlier[0].turnId],
      ['user', turnId],
      ['assistant', turnId],
    ],
  );
  assert.equal(chat('a').lastEvent, rest.at(-1));
});

test("the turn's events may come before the host's answer to the send: they join the question", () => {
  opened('a');
  store().questionSent('a', 'And the GC?');
  const turnId = randomUUID();
  const events = streamed('a', turnId, ['GC ', 'is 3%.']);
  for (const event of events.slice(0, 4)) send(event);
  assert.equal(chat('a').messages.find((m) => m.role === 'user')!.turnId, turnId, 'the question is named by its first event');
  assert.deepEqual(chat('a').inFlight, { turnId, phase: 'streaming' });
  store().questionNamed('a', turnId);
  assert.deepEqual(chat('a').inFlight, { turnId, phase: 'streaming' }, 'the late answer changes nothing');
  for (const event of events.slice(4)) send(event);
  assert.equal(answerOf('a', turnId)!.content, 'GC is 3%.');
  assert.equal(chat('a').messages.filter((m) => m.role === 'user').length, 1);
});

test('the initial analysis shows its prompt as the question, as the host keeps it; it streams like any answer', () => {
  opened('a');
  assert.equal(chat('a').initialAnalysisRequested, false);
  store().questionSent('a', null);
  assert.equal(chat('a').initialAnalysisRequested, true);
  const turnId = randomUUID();
  for (const event of streamed('a', turnId, ['## Overview\n', '- one'])) send(event);
  assert.deepEqual(
    chat('a').messages.map((m) => [m.role, m.turnId, m.content, m.status]),
    [
      ['user', turnId, INITIAL_ANALYSIS_PROMPT, 'complete'],
      ['assistant', turnId, '## Overview\n- one', 'complete'],
    ],
  );
});

test("a turn's events land in its trace's chat, even after the window has moved on to another trace", () => {
  opened('a');
  store().questionSent('a', 'What is slow?');
  const turnId = randomUUID();
  const [accepted, waiting, start, first, ...rest] = streamed('a', turnId, ['Layout ', 'is.']);
  for (const event of [accepted, waiting, start, first]) send(event);
  // Another trace opens; its chat connects while the first answer is still arriving.
  store().chatOpening('b');
  store().snapshotReceived(snapshot('b'));
  for (const event of rest) send(event);
  assert.equal(answerOf('a', turnId)!.content, 'Layout is.');
  assert.equal(answerOf('a', turnId)!.status, 'complete');
  assert.deepEqual(chat('b').messages, []);
  assert.equal(chat('b').lastEvent, null);
});

test('stop keeps the answer as far as the host got before stopping; chunks and the end that follow do not change it', () => {
  opened('a');
  store().questionSent('a', 'Explain');
  const turnId = randomUUID();
  const events = streamed('a', turnId, ['one ', 'two ', 'three']);
  for (const event of events.slice(0, 4)) send(event);
  store().stopRequested(turnId);
  assert.deepEqual(chat('a').inFlight, { turnId, phase: 'streaming', stopping: true });
  // What the host sent before it stopped still arrives, and is what it keeps.
  send(events[4]);
  store().turnStopped(turnId);
  assert.equal(chat('a').inFlight, null);
  for (const event of events.slice(5)) send(event);
  assert.equal(answerOf('a', turnId)!.content, 'one two ');
  assert.equal(answerOf('a', turnId)!.status, 'stopped');
});

test('an answer that ended is not reopened by a repeated or late event', () => {
  opened('a');
  store().questionSent('a', 'Q');
  const turnId = randomUUID();
  const events = streamed('a', turnId, ['done']);
  for (const event of events) send(event);
  send(events[2]); // chunk start again
  send({ type: 'model_chunk_append', turnId, seq: 2, text: 'more' });
  send({ type: 'interrupted', turnId, reason: 'Connection lost' });
  assert.equal(answerOf('a', turnId)!.content, 'done');
  assert.equal(answerOf('a', turnId)!.status, 'complete');
  assert.equal(chat('a').inFlight, null);
});

test('a model failing mid-stream: the answer so far stays, marked failed with the reason and when to try again', () => {
  opened('a');
  store().questionSent('a', 'Q');
  const turnId = randomUUID();
  for (const event of streamed('a', turnId, ['Half an ']).slice(0, 4)) send(event);
  send({ type: 'error', turnId, code: 'model_rate_limited', message: 'The model is busy. Try again in 20 s.', retryAfterSeconds: 20 });
  const answer = answerOf('a', turnId)!;
  assert.equal(answer.content, 'Half an ');
  assert.equal(answer.status, 'error');
  assert.deepEqual(answer.error, { code: 'model_rate_limited', message: 'The model is busy. Try again in 20 s.', retryAfterSeconds: 20 });
  assert.equal(chat('a').inFlight, null, 'not left spinning');
});

test('a drop before any text: the turn shows as interrupted with the reason, not as waiting', () => {
  opened('a');
  store().questionSent('a', 'Q');
  const turnId = randomUUID();
  store().questionNamed('a', turnId);
  send({ type: 'waiting_for_model', turnId });
  send({ type: 'interrupted', turnId, reason: 'The connection dropped (1006).' });
  const answer = answerOf('a', turnId)!;
  assert.equal(answer.status, 'interrupted');
  assert.deepEqual(answer.error, { code: 'interrupted', message: 'The connection dropped (1006).' });
  assert.equal(chat('a').inFlight, null);
});

test('retry asks the failed question again as a new turn; the failed one stays as it was', () => {
  opened('a');
  store().questionSent('a', 'Which task is longest?');
  const failedTurn = randomUUID();
  store().questionNamed('a', failedTurn);
  send({ type: 'error', turnId: failedTurn, code: 'model_unavailable', message: 'The model is unavailable.' });
  store().retrySent('a', failedTurn);
  assert.deepEqual(chat('a').inFlight, { turnId: null, phase: 'sending' });
  const retried = randomUUID();
  store().questionNamed('a', retried);
  for (const event of streamed('a', retried, ['Task 3.'])) send(event);
  assert.deepEqual(
    chat('a').messages.map((m) => [m.role, m.turnId, m.content, m.status]),
    [
      ['user', failedTurn, 'Which task is longest?', 'complete'],
      ['assistant', failedTurn, '', 'error'],
      ['user', retried, 'Which task is longest?', 'complete'],
      ['assistant', retried, 'Task 3.', 'complete'],
    ],
  );
});

test('a question the host refuses is taken back and the chat says why', () => {
  opened('a');
  store().questionSent('a', 'Q');
  store().questionFailed('a', 'You are signed out.');
  assert.deepEqual(chat('a').messages, []);
  assert.equal(chat('a').inFlight, null);
  assert.deepEqual(chat('a').error, { code: 'request_failed', message: 'You are signed out.' });
  assert.equal(chat('a').initialAnalysisRequested, false);
});

test('the initial analysis refused without a turn (the socket names only the trace): asked again once the user has seen why', () => {
  opened('a');
  store().questionSent('a', null);
  send({ type: 'error', turnId: null, code: 'summary_unavailable', message: 'The summary is not stored yet.' });
  assert.deepEqual(chat('a').messages, [], 'the question is taken back');
  assert.equal(chat('a').inFlight, null);
  assert.equal(chat('a').initialAnalysisRequested, false);
  assert.equal(chat('a').error!.message, 'The summary is not stored yet.');
  store().errorDismissed('a');
  assert.equal(chat('a').error, null);
});

test('connection states reach the chat they are about; a close keeps its code, reason and cleanliness', () => {
  opened('a');
  store().connectionChanged({ traceId: 'a', state: 'reconnecting', close: { code: 1006, reason: '', wasClean: false }, retry: { attempt: 2, delayMs: 800 } });
  assert.deepEqual(chat('a').connection, {
    traceId: 'a',
    state: 'reconnecting',
    close: { code: 1006, reason: '', wasClean: false },
    retry: { attempt: 2, delayMs: 800 },
  });
  store().connectionChanged({ traceId: null, state: 'closed', close: { code: 1008, reason: 'Invalid token', wasClean: true } });
  assert.equal(chat('a').connection.state, 'closed');
  assert.equal(chat('a').connection.close!.code, 1008);
  store().chatClosed();
  store().connectionChanged({ traceId: null, state: 'idle' });
  assert.equal(chat('a').connection.state, 'closed', 'with no chat open, an idle connection belongs to none');
});

test('a snapshot taken while an answer streams continues it; a new conversation replaces everything', () => {
  const turnId = randomUUID();
  const messages: ChatMessage[] = [
    { turnId, role: 'user', content: 'Q', status: 'complete', createdAt: '2025-01-01T00:00:00Z' },
    { turnId, role: 'assistant', content: 'Partly', status: 'streaming', createdAt: '2025-01-01T00:00:01Z' },
  ];
  opened('a', messages);
  assert.deepEqual(chat('a').inFlight, { turnId, phase: 'streaming' });
  send({ type: 'model_chunk_append', turnId, seq: 5, text: ' done' });
  send({ type: 'model_response_end', turnId, seq: 6, finishReason: 'stop' });
  assert.equal(answerOf('a', turnId)!.content, 'Partly done');
  send({ type: 'gap', turnId, expectedSeq: 3, receivedSeq: 5 });
  assert.deepEqual(chat('a').gappedTurns, [turnId]);

  store().snapshotReceived(snapshot('a', [], false));
  assert.deepEqual(chat('a').messages, []);
  assert.equal(chat('a').initialAnalysisRequested, false);
  assert.deepEqual(chat('a').gappedTurns, []);
});

/** A round of tool calls as main reports it, each call labelled for the user. */
function toolRequest(turnId: string, seq: number, step: number, names: string[]): Extract<ChatTurnEvent, { type: 'tool_request' }> {
  return {
    type: 'tool_request',
    turnId,
    seq,
    step,
    calls: names.map((name, i) => ({ callId: `call-${step}-${i}`, name, arguments: `{"threadId":"t${i}"}`, label: `Looking at ${name} ${i}` })),
  };
}

test('tool steps before any text: the answer shows each step with its calls running, then their results, then the text', () => {
  opened('a');
  store().questionSent('a', 'What is inside the task at 3.2 s?');
  const turnId = randomUUID();
  send({ type: 'turn_accepted', traceId: 'a', turnId });
  send({ type: 'waiting_for_model', turnId });
  send(toolRequest(turnId, 0, 1, ['long_tasks', 'call_tree']));
  assert.deepEqual(chat('a').inFlight, { turnId, phase: 'streaming' }, 'a step is the answer under way, not waiting');
  const answer = () => answerOf('a', turnId)!;
  assert.equal(answer().status, 'streaming');
  assert.equal(answer().content, '');
  assert.deepEqual(answer().steps, [
    {
      step: 1,
      calls: [
        { callId: 'call-1-0', name: 'long_tasks', arguments: '{"threadId":"t0"}', label: 'Looking at long_tasks 0' },
        { callId: 'call-1-1', name: 'call_tree', arguments: '{"threadId":"t1"}', label: 'Looking at call_tree 1' },
      ],
    },
  ]);

  send({ type: 'tool_result', turnId, step: 1, callId: 'call-1-1', result: 'Unknown thread "t1".', ok: false });
  send({ type: 'tool_result', turnId, step: 1, callId: 'call-1-0', result: '- [task:t0:12] at 3200 ms, 80 ms', ok: true });
  assert.deepEqual(
    answer().steps![0].calls.map((c) => [c.callId, c.result, c.ok]),
    [
      ['call-1-0', '- [task:t0:12] at 3200 ms, 80 ms', true],
      ['call-1-1', 'Unknown thread "t1".', false],
    ],
  );
  send(toolRequest(turnId, 1, 2, ['callers_and_callees']));
  send({ type: 'tool_result', turnId, step: 2, callId: 'call-2-0', result: 'Callers of [fn4]', ok: true });
  send({ type: 'model_chunk_start', turnId, seq: 2, model: 'gpt-test' });
  send({ type: 'model_chunk_append', turnId, seq: 3, text: 'It is [fn4].' });
  send({ type: 'model_response_end', turnId, seq: 4, finishReason: 'stop' });
  assert.equal(answer().status, 'complete');
  assert.equal(answer().content, 'It is [fn4].');
  assert.deepEqual(
    answer().steps!.map((s) => [s.step, s.calls.length]),
    [
      [1, 2],
      [2, 1],
    ],
  );
  assert.equal(chat('a').inFlight, null);
  assert.equal(chat('a').messages.filter((m) => m.role === 'assistant').length, 1, 'steps and text are one answer');
});

test('repeated, unknown and late tool events change nothing; a step after some text joins the same answer', () => {
  opened('a');
  store().questionSent('a', 'Who calls parse?');
  const turnId = randomUUID();
  store().questionNamed('a', turnId);
  send({ type: 'model_chunk_start', turnId, seq: 0, model: 'gpt-test' });
  send({ type: 'model_chunk_append', turnId, seq: 1, text: 'Let me look. ' });
  const request = toolRequest(turnId, 2, 1, ['find_functions']);
  send(request);
  send(request);
  send({ ...request, calls: [request.calls[0], { callId: 'call-1-9', name: 'markers', arguments: '{}', label: 'Reading the markers' }] });
  assert.deepEqual(
    answerOf('a', turnId)!.steps![0].calls.map((c) => c.callId),
    ['call-1-0', 'call-1-9'],
    'a call is shown once',
  );
  send({ type: 'tool_result', turnId, step: 1, callId: 'call-1-0', result: 'first', ok: true });
  send({ type: 'tool_result', turnId, step: 1, callId: 'call-1-0', result: 'again', ok: false });
  send({ type: 'tool_result', turnId, step: 3, callId: 'call-1-0', result: 'wrong step', ok: true });
  send({ type: 'tool_result', turnId, step: 1, callId: 'nope', result: 'unknown call', ok: true });
  const before = answerOf('a', turnId)!;
  assert.deepEqual(
    before.steps![0].calls.map((c) => [c.result, c.ok]),
    [
      ['first', true],
      [undefined, undefined],
    ],
  );
  assert.equal(before.content, 'Let me look. ');

  send({ type: 'model_response_end', turnId, seq: 3, finishReason: 'stop' });
  const ended = answerOf('a', turnId)!;
  send(toolRequest(turnId, 4, 2, ['long_tasks']));
  send({ type: 'tool_result', turnId, step: 1, callId: 'call-1-9', result: 'late', ok: true });
  assert.equal(answerOf('a', turnId), ended, 'an answer that ended is not reopened by tool events');
  assert.equal(chat('a').inFlight, null);
});

test('a reopened conversation keeps the steps main persisted on the answer', () => {
  const turnId = randomUUID();
  const steps = [{ step: 1, calls: [{ callId: 'c1', name: 'call_tree', arguments: '{}', label: 'Looking at the call tree', result: 'tree', ok: true }] }];
  opened('a', [
    { turnId, role: 'user', content: 'Q', status: 'complete', createdAt: '2025-01-01T00:00:00Z' },
    { turnId, role: 'assistant', content: 'A', status: 'complete', steps, createdAt: '2025-01-01T00:00:01Z' },
  ]);
  assert.deepEqual(answerOf('a', turnId)!.steps, steps);
});
