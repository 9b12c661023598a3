// The desktop's chat bridge (electron/services/cloud-chat.ts) against the
// real cloud path: the Supabase stand-in with our migrations, both functions
// in real Deno, the scripted model, supabase-js Realtime; a TCP proxy in front
// of the project cuts connections as a network does.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test, type TestContext } from 'vitest';
import { AI_RESPONSE_EVENT, chatResultsChannel } from '../../functions/_shared/chat-messages.ts';
import { SAMPLE_TRACES } from '../../shared-importer/node/trace-fixtures.ts';
import type { ChatConnectionEvent } from '../../electron/ipc-contract.ts';
import type { AccountService } from '../../electron/services/account-service.ts';
import { CloudChat } from '../../electron/services/cloud-chat.ts';
import type { TraceToolRunner, TransportTurnEvent } from '../../electron/services/chat-transport.ts';
import { startFaultProxy, type FaultProxy } from '../../test-support/fault-proxy.ts';
import { splitIntoChunks, textResponse } from '../../test-support/scripted-model/scripted-model-server.ts';
import { startCloudStack, type CloudStack } from './cloud-harness.ts';
import { newTraceId, rowStorage, startDesktopAccount, summariseFile, type LocalSummary } from './desktop-harness.ts';

const TRACE_FILE = join(SAMPLE_TRACES, 'stackcollapse/perf-vertx-stacks-01-collapsed-all.txt');
const SOCKET_PATH = '/functions/v1/trace-analysis-socket';
const REALTIME_PATH = '/realtime/v1/websocket';

let stack: CloudStack;
let proxy: FaultProxy;
let local: LocalSummary;

beforeAll(async () => {
  stack = await startCloudStack({ AI_TURNS_PER_MINUTE: '1000' });
  proxy = await startFaultProxy(stack.standin.url);
  local = await summariseFile(TRACE_FILE);
});
afterAll(async () => {
  await proxy.stop();
  await stack.stop();
});

/** What a chat window would receive, in order. */
class Recorder {
  readonly events: TransportTurnEvent[] = [];
  readonly states: Omit<ChatConnectionEvent, 'traceId'>[] = [];
  private wake: (() => void)[] = [];
  readonly listener = {
    onTurnEvent: (event: TransportTurnEvent) => this.push(() => this.events.push(event)),
    onConnection: (event: Omit<ChatConnectionEvent, 'traceId'>) => this.push(() => this.states.push(event)),
  };
  private push(record: () => void): void {
    record();
    for (const wake of this.wake.splice(0)) wake();
  }
  turn(turnId: string): TransportTurnEvent[] {
    return this.events.filter((e) => e.turnId === turnId);
  }
  text(turnId: string): string {
    return this.turn(turnId)
      .flatMap((e) => (e.type === 'model_chunk_append' ? [e.text] : []))
      .join('');
  }
  async until<T>(find: () => T | undefined, what: string, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = find();
      if (found !== undefined && found !== false) return found;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; events ${JSON.stringify(this.events)} states ${JSON.stringify(this.states)}`);
      await new Promise<void>((resolve) => {
        this.wake.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }
  ended(turnId: string, timeoutMs?: number): Promise<TransportTurnEvent> {
    return this.until(() => this.turn(turnId).find((e) => ['model_response_end', 'error', 'interrupted'].includes(e.type)), `the end of ${turnId}`, timeoutMs);
  }
  open(after = 0): Promise<unknown> {
    return this.until(() => this.states.slice(after).some((s) => s.state === 'open') || undefined, 'state open');
  }
}

/** A signed-in app's account; signed out when the test ends (so a proxy drop cuts only this test's connections). */
async function signedIn(t: TestContext, email: string, project = { stack, proxy }): Promise<AccountService> {
  await project.stack.standin.createUser(email, 'correct horse battery');
  const { account } = await startDesktopAccount({ SUPABASE_URL: project.proxy.url, SUPABASE_ANON_KEY: project.stack.standin.anonKey });
  t.onTestFinished(() => account.dispose());
  await account.signIn(email, 'correct horse battery');
  return account;
}

async function openChat(t: TestContext, account: AccountService, options: { stallTimeoutMs?: number; projectUrl?: string; runTool?: TraceToolRunner } = {}) {
  const traceId = newTraceId();
  const chat = new CloudChat({
    account,
    traceStorage: rowStorage(account, new Map([[traceId, local]])),
    projectUrl: options.projectUrl ?? proxy.url,
    backoff: { baseMs: 100, maxMs: 1000 },
    stallTimeoutMs: options.stallTimeoutMs,
    runTool: options.runTool ?? (async () => ({ ok: false, text: 'These tests open no trace to run tools on.' })),
  });
  t.onTestFinished(() => chat.close());
  const recorder = new Recorder();
  await chat.open({ traceId, fileName: local.fileName }, recorder.listener);
  await recorder.open();
  return { chat, recorder, traceId };
}

const slowAnswer = (text: string) => ({ kind: 'text' as const, chunks: splitIntoChunks(text, 4), delayMs: 60 });

describe('the chat bridge over the cloud path', () => {
  test('a question streams its answer in order; history reaches the model', async (t) => {
    const account = await signedIn(t, 'ada@example.com');
    const { chat, recorder } = await openChat(t, account);
    assert.deepEqual(
      recorder.states.map((s) => s.state),
      ['connecting', 'open'],
    );
    stack.model.enqueue(textResponse('The hot path is in Rhino slot lookups.'));
    const turnId = randomUUID();
    const history = [
      { role: 'user' as const, content: 'What format is this?' },
      { role: 'assistant' as const, content: 'Collapsed stacks.' },
    ];
    await chat.send({ turnId, prompt: 'Where does the time go?', history });
    assert.equal((await recorder.ended(turnId)).type, 'model_response_end');
    const types = recorder.turn(turnId).map((e) => e.type);
    assert.deepEqual(types.slice(0, 2), ['waiting_for_model', 'model_chunk_start']);
    assert.equal(recorder.text(turnId), 'The hot path is in Rhino slot lookups.');
    const request = stack.model.requests.at(-1);
    assert.deepEqual(
      request.body.messages!.slice(1).map((m) => m.content),
      ['What format is this?', 'Collapsed stacks.', 'Where does the time go?'],
    );
  });

  test('the socket dropped mid-turn: the acknowledged answer still arrives on the channel, the socket reconnects, the next turn works', async (t) => {
    const account = await signedIn(t, 'grace@example.com');
    const { chat, recorder } = await openChat(t, account);
    const answer = 'An answer long enough to still be streaming when the socket drops.';
    stack.model.enqueue(slowAnswer(answer));
    const turnId = randomUUID();
    await chat.send({ turnId, prompt: 'Tell me slowly.', history: [] });
    await recorder.until(() => recorder.turn(turnId).find((e) => e.type === 'model_chunk_append'), 'the first chunk');
    const statesBefore = recorder.states.length;
    assert.equal(proxy.drop(SOCKET_PATH), 1);

    const reconnecting = await recorder.until(() => recorder.states.slice(statesBefore).find((s) => s.state === 'reconnecting'), 'reconnecting');
    assert.equal(reconnecting.close?.code, 1006);
    assert.equal(reconnecting.close?.wasClean, false);
    assert.equal(reconnecting.retry?.attempt, 1);
    assert.equal((await recorder.ended(turnId)).type, 'model_response_end');
    assert.equal(recorder.text(turnId), answer, 'nothing lost, nothing doubled');
    await recorder.open(statesBefore);

    stack.model.enqueue(textResponse('Second answer.'));
    const next = randomUUID();
    await chat.send({ turnId: next, prompt: 'And now?', history: [] });
    assert.equal((await recorder.ended(next)).type, 'model_response_end');
    assert.equal(recorder.text(next), 'Second answer.');
  });

  test('Realtime dropped mid-turn: the turn is interrupted (not left streaming), the channel comes back, the next turn works', async (t) => {
    const account = await signedIn(t, 'hopper@example.com');
    const { chat, recorder } = await openChat(t, account);
    stack.model.enqueue(slowAnswer('This answer will be cut off by a Realtime drop, far before its end.'));
    const turnId = randomUUID();
    await chat.send({ turnId, prompt: 'Tell me slowly.', history: [] });
    await recorder.until(() => recorder.turn(turnId).find((e) => e.type === 'model_chunk_append'), 'the first chunk');
    const statesBefore = recorder.states.length;
    assert.equal(proxy.drop(REALTIME_PATH), 1);

    const end = await recorder.ended(turnId);
    assert.equal(end.type, 'interrupted', JSON.stringify(end));
    const reconnecting = await recorder.until(() => recorder.states.slice(statesBefore).find((s) => s.state === 'reconnecting'), 'reconnecting');
    assert.match(reconnecting.close?.reason ?? '', /CHANNEL_ERROR|TIMED_OUT|CLOSED/);
    await recorder.open(statesBefore);
    const eventsAfterEnd = recorder.turn(turnId).length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(recorder.turn(turnId).length, eventsAfterEnd, 'nothing of the interrupted turn arrives after it ended');

    stack.model.enqueue(textResponse('Back again.'));
    const next = randomUUID();
    await chat.send({ turnId: next, prompt: 'Still there?', history: [] });
    assert.equal((await recorder.ended(next)).type, 'model_response_end');
    assert.equal(recorder.text(next), 'Back again.');
  });

  test('a duplicate event is dropped and a gap is reported', async (t) => {
    const account = await signedIn(t, 'lovelace@example.com');
    const { chat, recorder } = await openChat(t, account);
    // The model answers late, so the events published below are the turn's.
    stack.model.enqueue({ kind: 'text', chunks: ['late'], firstChunkDelayMs: 3000 });
    const turnId = randomUUID();
    await chat.send({ turnId, prompt: 'q', history: [] });
    // The function publishes model_chunk_start before it calls the model.
    await recorder.until(() => recorder.turn(turnId).find((e) => e.type === 'model_chunk_start'), 'the start of the answer');
    const traceId = randomUUID();
    const publish = (payload: Record<string, unknown>) => ({
      topic: chatResultsChannel(account.userId()!),
      event: AI_RESPONSE_EVENT,
      payload: { turnId, ...payload },
      private: true,
    });
    const response = await fetch(`${stack.standin.url}/realtime/v1/api/broadcast`, {
      method: 'POST',
      headers: { apikey: stack.standin.serviceRoleKey, authorization: `Bearer ${stack.standin.serviceRoleKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        messages: [
          publish({ type: 'model_chunk_start', seq: 0, traceId, model: 'm' }),
          publish({ type: 'model_chunk_append', seq: 1, text: 'a' }),
          publish({ type: 'model_chunk_append', seq: 1, text: 'a' }),
          publish({ type: 'model_chunk_append', seq: 3, text: 'c' }),
          publish({ type: 'model_response_end', seq: 4, usage: null, finishReason: 'stop', droppedHistoryMessages: 0 }),
        ],
      }),
    });
    assert.equal(response.status, 202);
    await recorder.ended(turnId);
    assert.deepEqual(
      recorder
        .turn(turnId)
        .filter((e) => e.type !== 'waiting_for_model')
        .map((e) => ('seq' in e ? `${e.type}:${e.seq}` : e.type === 'gap' ? `gap:${e.expectedSeq}-${e.receivedSeq}` : e.type)),
      ['model_chunk_start:0', 'model_chunk_append:1', 'gap:2-3', 'model_chunk_append:3', 'model_response_end:4'],
    );
    assert.equal(recorder.text(turnId), 'ac');
  });

  test('a turn nothing answers is interrupted after the stall timeout, never left spinning', async (t) => {
    const account = await signedIn(t, 'turing@example.com');
    const { chat, recorder } = await openChat(t, account, { stallTimeoutMs: 1500 });
    stack.model.enqueue({ kind: 'text', chunks: ['too late'], firstChunkDelayMs: 4000 });
    const turnId = randomUUID();
    await chat.send({ turnId, prompt: 'q', history: [] });
    const end = await recorder.ended(turnId);
    assert.ok(end.type === 'interrupted' && /No answer arrived for 2 s/.test(end.reason), JSON.stringify(end));
  });

  test('tools that run longer than the stall timeout do not interrupt the turn; their results reach the model', async (t) => {
    const account = await signedIn(t, 'slowtools@example.com');
    const slowRunner: TraceToolRunner = async (_traceId, call) => {
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      return { ok: true, text: `slow result of ${call.name}` };
    };
    const { chat, recorder } = await openChat(t, account, { stallTimeoutMs: 1_000, runTool: slowRunner });
    stack.model.enqueue({ kind: 'tool_calls', calls: [{ name: 'markers', arguments: '{}' }] }, textResponse('Waited for it.'));
    const turnId = randomUUID();
    await chat.send({ turnId, prompt: 'Slow tools?', history: [] });
    assert.equal((await recorder.ended(turnId, 30_000)).type, 'model_response_end');
    assert.equal(recorder.text(turnId), 'Waited for it.');
    const request = recorder.turn(turnId).find((e) => e.type === 'tool_request');
    assert.deepEqual(request?.type === 'tool_request' && request.calls.map((c) => c.label), ['Looking at markers']);
    const toolMessage = stack.model.requests.at(-1).body.messages!.find((m) => m.role === 'tool');
    assert.match(String(toolMessage?.content), /\nslow result of markers\n/);
  });

  test('a socket drop after the answer began, before the socket acknowledged the question, costs the answer nothing', async (t) => {
    const account = await signedIn(t, 'lateack@example.com');
    const { chat, recorder } = await openChat(t, account);
    const text = 'The answer arrives whole despite the drop.';
    stack.model.enqueue(slowAnswer(text));
    // The socket's replies are held back (its waiting_for_model with them) while the answer streams on Realtime.
    assert.ok(proxy.stall(SOCKET_PATH) > 0);
    const turnId = randomUUID();
    await chat.send({ turnId, prompt: 'Late acknowledgement', history: [] });
    await recorder.until(() => recorder.text(turnId).length > 0, 'the answer to start');
    assert.ok(proxy.drop(SOCKET_PATH) > 0);
    const ended = await recorder.ended(turnId);
    assert.equal(ended.type, 'model_response_end', JSON.stringify(ended));
    assert.equal(recorder.text(turnId), text);
  });

  test('Stop made while the socket is down reaches the server once it is back: the model call is aborted', async (t) => {
    const account = await signedIn(t, 'stopdown@example.com');
    const { chat, recorder } = await openChat(t, account);
    // About 40 s of answer: only a stop that reaches the server ends its call within the wait below.
    stack.model.enqueue(textResponse('word '.repeat(2_000), { chunkSize: 5, delayMs: 20 }));
    const turnId = randomUUID();
    await chat.send({ turnId, prompt: 'Go on and on', history: [] });
    await recorder.until(() => recorder.text(turnId).length > 0, 'the answer to start');
    const request = stack.model.requests.at(-1);
    const before = recorder.states.length;
    assert.ok(proxy.drop(SOCKET_PATH) > 0);
    // Stopped the moment the bridge knows the socket is gone, before its reconnect (at least 80 ms of backoff).
    await recorder.until(() => recorder.states.slice(before).some((s) => s.state === 'reconnecting') || undefined, 'the drop to be seen');
    chat.stop(turnId);
    await recorder.until(() => request.closedBeforeEndAt, 'process-ai-turn to abort its model call', 15_000);
    assert.ok(recorder.text(turnId).length < 10_000, 'the answer was cut short');
  });

  test('a socket drop while the tools run: their results go on the reconnected socket, and the answer arrives whole', async (t) => {
    const account = await signedIn(t, 'droptools@example.com');
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const heldRunner: TraceToolRunner = async () => {
      started();
      await held;
      return { ok: true, text: 'held result' };
    };
    const { chat, recorder } = await openChat(t, account, { runTool: heldRunner });
    stack.model.enqueue({ kind: 'tool_calls', calls: [{ name: 'markers', arguments: '{}' }] }, textResponse('Answered after the drop.'));
    const turnId = randomUUID();
    await chat.send({ turnId, prompt: 'Drop me', history: [] });
    await running;
    // The socket's acknowledgement of the question may trail the channel's events: let it arrive, so
    // the drop finds an acknowledged turn whose tools are running.
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.ok(proxy.drop(SOCKET_PATH) > 0);
    release();
    const ended = await recorder.ended(turnId, 30_000);
    assert.equal(ended.type, 'model_response_end', JSON.stringify(ended));
    assert.equal(recorder.text(turnId), 'Answered after the drop.');
    const toolMessage = stack.model.requests.at(-1).body.messages!.find((m) => m.role === 'tool');
    assert.match(String(toolMessage?.content), /\nheld result\n/, 'the model read the results sent on the new socket');
  });
});

describe('an expired token', () => {
  let shortLived: CloudStack;
  let shortProxy: FaultProxy;
  beforeAll(async () => {
    shortLived = await startCloudStack({ AI_TURNS_PER_MINUTE: '1000' }, { jwtExpirySeconds: 5 });
    shortProxy = await startFaultProxy(shortLived.standin.url);
  });
  afterAll(async () => {
    await shortProxy.stop();
    await shortLived.stop();
  });

  test('is refreshed and the socket reopened when the server closes it for expiry', async (t) => {
    const account = await signedIn(t, 'expiry@example.com', { stack: shortLived, proxy: shortProxy });
    const { chat, recorder } = await openChat(t, account, { projectUrl: shortProxy.url });
    const statesBefore = recorder.states.length;
    const expired = await recorder.until(
      () => recorder.states.slice(statesBefore).find((s) => s.state === 'reconnecting' && s.close?.code === 1008),
      'the expiry close',
      15_000,
    );
    assert.match(expired.close!.reason, /expired/);
    await recorder.open(statesBefore);
    shortLived.model.enqueue(textResponse('Fresh token, fresh answer.'));
    const turnId = randomUUID();
    await chat.send({ turnId, prompt: 'still signed in?', history: [] });
    assert.equal((await recorder.ended(turnId)).type, 'model_response_end');
    assert.equal(recorder.text(turnId), 'Fresh token, fresh answer.');
  });
});
