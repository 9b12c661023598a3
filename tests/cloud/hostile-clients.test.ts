// What a hostile or careless client tries against the cloud side, through the
// real pieces (stand-in Auth and Postgres, both functions in real Deno, the
// scripted model): oversized frames measured in bytes, a turn replayed on a
// second socket or by another user, a token used after its session signed
// out, a stored summary of another shape, and one turn built to cost as much
// CPU as a frame allows while another user's answer streams.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { CLOSE_POLICY_VIOLATION, MAX_HISTORY_MESSAGE_CHARS, MAX_PROMPT_CHARS, type HistoryMessage } from '../../functions/_shared/chat-messages.ts';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../../functions/_shared/limits.ts';
import { utf8ByteLength } from '../../functions/_shared/utf8-bytes.ts';
import { textResponse } from '../../test-support/scripted-model/scripted-model-server.ts';
import {
  insertTrace,
  listenForResults,
  openChatSocket,
  SAMPLE_TRACE_FILE,
  signUpUser,
  startCloudStack,
  turnFinished,
  turnText,
  uploadedSummaryOf,
  type ChatSocket,
  type CloudStack,
  type SignedInUser,
} from './cloud-harness.ts';

/** AI_MAX_MESSAGE_BYTES is left unset here. */
const MAX_FRAME_BYTES = DEFAULT_MAX_MESSAGE_BYTES;

let stack: CloudStack;
let socketUrl: string;
let uploaded: Awaited<ReturnType<typeof uploadedSummaryOf>>;

beforeAll(async () => {
  stack = await startCloudStack();
  uploaded = await uploadedSummaryOf(SAMPLE_TRACE_FILE);
  socketUrl = stack.standin.functionUrl('trace-analysis-socket');
  // Answers name the question, so each test can find its own model requests.
  stack.model.setFallback((request) => textResponse(`Answer to: ${String(request.body.messages?.at(-1)?.content).slice(0, 40)}`));
});
afterAll(() => stack.stop());

async function connected(user: SignedInUser): Promise<ChatSocket> {
  const socket = openChatSocket(socketUrl, user.accessToken);
  const ack = await socket.next(30_000); // the first call starts the function's Deno process
  assert.equal(ack.type, 'connection_ack', JSON.stringify(ack));
  return socket;
}

async function userWithTrace(email: string): Promise<{ user: SignedInUser; traceId: string }> {
  const user = await signUpUser(stack.standin, email);
  const traceId = await insertTrace(user, { file_name: 'perf-vertx-stacks.txt', ...uploaded });
  return { user, traceId };
}

const modelCallsFor = (prompt: string) => stack.model.requests.filter((r) => r.body.messages?.at(-1)?.content === prompt).length;

describe('hostile clients', () => {
  test('a frame is measured in bytes: 1.9 million € (5.7 MB) is refused under the 2 MiB limit and starts no turn', async () => {
    const { user, traceId } = await userWithTrace('frames@example.com');
    const socket = await connected(user);
    // Valid by every other rule: 60 history messages at the length cap, a short prompt.
    const history: HistoryMessage[] = Array.from({ length: 60 }, (_, i) => ({
      role: i % 2 ? 'assistant' : 'user',
      content: '€'.repeat(MAX_HISTORY_MESSAGE_CHARS),
    }));
    const prompt = 'is this too much?';
    const frame = JSON.stringify({ type: 'user_prompt', traceId, turnId: randomUUID(), prompt, history });
    assert.ok(frame.length < MAX_FRAME_BYTES && utf8ByteLength(frame) > 2.5 * MAX_FRAME_BYTES, `${frame.length} chars`);
    socket.send(frame);
    const refused = await socket.next(30_000);
    assert.ok(refused.type === 'error' && refused.code === 'invalid_message', JSON.stringify(refused));
    assert.match(refused.message, /too large/);
    // Still usable, and nothing reached the model.
    socket.send({ type: 'start_analysis', traceId });
    assert.equal((await socket.next()).type, 'analysis_started');
    assert.equal(modelCallsFor(prompt), 0);
    await socket.close();
  });

  test('a turn id runs once: sent again on a second socket, or by another user, it is refused', async () => {
    const { user: alice, traceId } = await userWithTrace('replay-alice@example.com');
    const listener = await listenForResults(alice);
    const [first, second] = [await connected(alice), await connected(alice)];
    const turnId = randomUUID();
    const prompt = 'Which function is hottest? (replayed)';
    // Both at once, as two app windows (or two function instances) would.
    for (const socket of [first, second]) socket.send({ type: 'user_prompt', traceId, turnId, prompt, history: [] });
    const replies = [await first.next(), await second.next()];
    assert.equal(replies.filter((r) => r.type === 'waiting_for_model').length, 1, JSON.stringify(replies));
    const refused = replies.find((r) => r.type === 'error');
    assert.ok(refused?.type === 'error' && refused.code === 'invalid_message' && refused.turnId === turnId, JSON.stringify(replies));
    assert.match(refused.message, /already submitted/);

    const end = await turnFinished(listener, turnId, 30_000);
    assert.equal(end.type, 'model_response_end', JSON.stringify(end));
    assert.equal(turnText(listener.turn(turnId)), `Answer to: ${prompt.slice(0, 40)}`, 'one event sequence, numbered from 0 without repeats');

    // Another user naming the same turn id (their own trace) is refused too.
    const { user: bob, traceId: bobsTrace } = await userWithTrace('replay-bob@example.com');
    const bobsSocket = await connected(bob);
    bobsSocket.send({ type: 'user_prompt', traceId: bobsTrace, turnId, prompt, history: [] });
    const bobRefused = await bobsSocket.next();
    assert.ok(bobRefused.type === 'error' && /already submitted/.test(bobRefused.message), JSON.stringify(bobRefused));

    await new Promise((resolve) => setTimeout(resolve, 300)); // let a wrongly started second run show up
    assert.equal(modelCallsFor(prompt), 1);
    assert.equal(listener.turn(turnId).filter((e) => e.type === 'model_chunk_start').length, 1);
    for (const socket of [first, second, bobsSocket]) await socket.close();
    await alice.client.removeAllChannels();
  });

  test('after a global sign-out the old access token no longer opens the socket', async () => {
    const { user } = await userWithTrace('signout@example.com');
    const stillOpen = await connected(user);
    const { error } = await user.client.auth.signOut(); // scope 'global', supabase-js's default
    assert.equal(error, null);

    const afterSignOut = openChatSocket(socketUrl, user.accessToken);
    const closed = await Promise.race([afterSignOut.closed, afterSignOut.next().then((m) => ({ code: 0, reason: `opened: ${JSON.stringify(m)}` }))]);
    assert.equal(closed.code, CLOSE_POLICY_VIOLATION, closed.reason);
    assert.match(closed.reason, /signed out/);
    assert.equal(afterSignOut.messages.length, 0);
    // The documented window: a socket opened before the sign-out lives until its token expires.
    assert.equal(stillOpen.socket.readyState, stillOpen.socket.OPEN);
    await stillOpen.close();

    const again = await stack.standin.signIn('signout@example.com', 'correct horse battery');
    const fresh = openChatSocket(socketUrl, again.session.access_token);
    assert.equal((await fresh.next()).type, 'connection_ack', 'a new sign-in works');
    await fresh.close();
  });

  test('a summary stored in another shape is refused with the reason, and nothing reaches the model', async () => {
    const user = await signUpUser(stack.standin, 'shapes@example.com');
    const listener = await listenForResults(user);
    const socket = await connected(user);
    const { summary } = uploaded;
    for (const [stored, reason] of [
      [{ threads: 'many', format: 'chrome-trace-event' }, /not one the app writes \(fileName/],
      [{ ...summary, threads: [{ ...summary.threads[0], topFunctions: [{ name: 'x' }] }] }, /threads\.0\.topFunctions\.0/],
    ] as const) {
      // No summary_text: the function renders the text from the stored JSON.
      const traceId = await insertTrace(user, { file_name: 'odd.json', summary: stored });
      const turnId = randomUUID();
      const prompt = `what is in ${traceId}?`;
      socket.send({ type: 'user_prompt', traceId, turnId, prompt, history: [] });
      const end = await turnFinished(listener, turnId, 30_000);
      assert.ok(end.type === 'error' && end.code === 'summary_unavailable', JSON.stringify(end));
      assert.match(end.message, reason);
      assert.equal(modelCallsFor(prompt), 0);
    }
    await socket.close();
    await user.client.removeAllChannels();
  });

  // A hang check with generous bounds, not a timing assertion: on one core's worth of a
  // shared machine a healthy run takes a few seconds.
  test("a maximal frame of the worst content for token counting does not hold up another user's streaming answer", { timeout: 180_000 }, async () => {
    const { user: dave, traceId: davesTrace } = await userWithTrace('streaming-dave@example.com');
    const { user: erin, traceId: erinsTrace } = await userWithTrace('costly-erin@example.com');
    const daves = await listenForResults(dave);
    const erins = await listenForResults(erin);
    const [daveSocket, erinSocket] = [await connected(dave), await connected(erin)];
    try {
      // Dave's answer streams for about three seconds.
      const davesPrompt = 'What should I fix first? (streaming)';
      stack.model.enqueue({ kind: 'text', chunks: Array.from({ length: 30 }, (_, i) => `part ${i}. `), delayMs: 100 });
      const daveTurn = randomUUID();
      daveSocket.send({ type: 'user_prompt', traceId: davesTrace, turnId: daveTurn, prompt: davesPrompt, history: [] });
      await daves.waitFor((e) => e.turnId === daveTurn && e.type === 'model_chunk_append', 30_000);

      // Erin's frame: as much text as the limit allows, in long runs without spaces (the inputs
      // that make byte-pair encoding slowest: a three-byte character, one repeated letter).
      const frame = worstCaseFrame(erinsTrace);
      assert.ok(utf8ByteLength(frame.text) <= MAX_FRAME_BYTES && utf8ByteLength(frame.text) > 0.98 * MAX_FRAME_BYTES);
      const sentAt = Date.now();
      erinSocket.send(frame.text);

      const daveEnd = await turnFinished(daves, daveTurn, 30_000);
      assert.equal(daveEnd.type, 'model_response_end', JSON.stringify(daveEnd));
      assert.equal(turnText(daves.turn(daveTurn)), Array.from({ length: 30 }, (_, i) => `part ${i}. `).join(''));
      const daveWaited = Date.now() - sentAt;

      // Erin is answered or refused, within a bound.
      const reply = await erinSocket.next(60_000);
      if (reply.type === 'waiting_for_model') {
        const erinEnd = await turnFinished(erins, frame.turnId, 120_000);
        assert.ok(erinEnd.type === 'model_response_end' || erinEnd.type === 'error', JSON.stringify(erinEnd));
      } else {
        assert.equal(reply.type, 'error', JSON.stringify(reply));
      }
      assert.ok(daveWaited < 30_000, `dave's answer ended ${daveWaited} ms after erin's frame`);
    } finally {
      for (const socket of [daveSocket, erinSocket]) await socket.close();
      await dave.client.removeAllChannels();
      await erin.client.removeAllChannels();
    }
  });
});

/** A valid user_prompt frame just under the byte limit, every message a run without spaces. */
function worstCaseFrame(traceId: string): { text: string; turnId: string } {
  const turnId = randomUUID();
  const runs = ['€', 'x'];
  const history: HistoryMessage[] = [];
  const frameOf = (messages: HistoryMessage[]) =>
    JSON.stringify({ type: 'user_prompt', traceId, turnId, prompt: '€'.repeat(MAX_PROMPT_CHARS), history: messages });
  for (let i = 0; ; i++) {
    const room = MAX_FRAME_BYTES - utf8ByteLength(frameOf(history)) - 40; // 40: the new message's JSON
    if (room <= 0) break;
    const unit = runs[i % runs.length];
    const chars = Math.min(MAX_HISTORY_MESSAGE_CHARS, Math.floor(room / utf8ByteLength(unit)));
    if (chars === 0) break;
    history.push({ role: i % 2 ? 'assistant' : 'user', content: unit.repeat(chars) });
  }
  return { text: frameOf(history), turnId };
}
