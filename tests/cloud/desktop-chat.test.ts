// The chat in cloud mode through the desktop's real services (as the browser
// host and Electron compose them: import worker, settings from the
// environment, account, chat bridge, conversations) against the Supabase
// stand-in with both functions in real Deno and the scripted model.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { afterAll, beforeAll, test, type TestContext } from 'vitest';
import { importTraceFile } from '../../shared-importer/node/node-host.ts';
import { SAMPLE_TRACES } from '../../shared-importer/node/trace-fixtures.ts';
import { runTraceTool } from '../../functions/_shared/trace-tools.ts';
import { DesktopApp } from '../../test-support/desktop-app.ts';
import { assertNamesOnlyInDataBlock, writeHostileTrace } from '../../test-support/hostile-trace.ts';
import { startFaultProxy, type FaultProxy } from '../../test-support/fault-proxy.ts';
import { textResponse, type RecordedRequest } from '../../test-support/scripted-model/scripted-model-server.ts';
import { INITIAL_ANALYSIS_PROMPT } from '../../electron/services/chat-service.ts';
import { startCloudStack, type CloudStack } from './cloud-harness.ts';

const TRACE_FILE = join(SAMPLE_TRACES, 'stackcollapse/perf-vertx-stacks-01-collapsed-all.txt');
const OTHER_TRACE_FILE = join(SAMPLE_TRACES, 'stackcollapse/recursion.txt');
/** A V8 CPU profile with a "parse" for find_functions to find. */
const TOOLS_TRACE_FILE = join(SAMPLE_TRACES, 'Chrome/65/sucrase.cpuprofile');
const PASSWORD = 'correct horse battery';

let stack: CloudStack;
let proxy: FaultProxy;

beforeAll(async () => {
  stack = await startCloudStack({ AI_TURNS_PER_MINUTE: '1000' });
  proxy = await startFaultProxy(stack.standin.url);
});
afterAll(async () => {
  await proxy.stop();
  await stack.stop();
});

const lastUserContent = (request: RecordedRequest) => String(request.body.messages?.at(-1)?.content);

/** An app pointed at the project from the environment, as `SUPABASE_URL=... npm run serve` would be. */
async function startApp(t: TestContext, dir?: string): Promise<DesktopApp> {
  const app = await DesktopApp.start({
    env: { SUPABASE_URL: proxy.url, SUPABASE_ANON_KEY: stack.standin.anonKey },
    dir,
    cloudChat: { backoff: { baseMs: 100, maxMs: 1000 } },
  });
  t.onTestFinished(() => app.stop());
  return app;
}

async function signedInApp(t: TestContext, email: string): Promise<DesktopApp> {
  await stack.standin.createUser(email, PASSWORD);
  const app = await startApp(t);
  const account = await app.request('account:sign-in', { email, password: PASSWORD });
  assert.equal(account.status, 'signed-in');
  return app;
}

async function openCloudChat(app: DesktopApp, file = TRACE_FILE): Promise<string> {
  const { traceId } = await app.openTrace(file);
  const snapshot = await app.request('chat:open', { traceId });
  assert.equal(snapshot.mode, 'cloud');
  await app.until(() => app.payloads('chat:connection').at(-1)?.state === 'open', 'the chat to connect');
  return traceId;
}

test('cloud mode: Stop keeps the answer so far, and the server stops the model too', async (t) => {
  const app = await signedInApp(t, 'stopper@example.com');
  const traceId = await openCloudChat(app);
  // About 40 s of answer: only a stop that reaches the server ends its call within the wait below.
  stack.model.enqueue(textResponse('word '.repeat(2_000), { chunkSize: 5, delayMs: 20 }));
  const { turnId } = await app.request('chat:send', { traceId, prompt: 'Go on and on' });
  await app.until(() => app.streamedText(turnId).length > 0, 'the answer to start');
  const request = stack.model.requests.at(-1);

  await app.request('chat:stop', { turnId });
  await app.until(() => request.closedBeforeEndAt, 'process-ai-turn to abort its model call', 15_000);
  const answer = (await app.request('chat:open', { traceId })).messages.at(-1);
  assert.equal(answer.status, 'stopped');
  assert.ok(answer.content.length > 0 && answer.content.length < 10_000, 'the part that arrived is kept');
});

test('cloud mode: the initial analysis streams through the whole path, a follow-up hears the history, and both survive a restart', async (t) => {
  const app = await signedInApp(t, 'ada@example.com');
  assert.deepEqual(app.payloads('account:changed').at(-1)?.status, 'signed-in');
  const traceId = await openCloudChat(app);

  stack.model.enqueue(textResponse('The kernel hypercall page dominates.'));
  stack.model.enqueue((request) => textResponse(`You asked "${lastUserContent(request)}" after ${request.body.messages!.length - 2} earlier messages.`));
  const first = await app.request('chat:send', { traceId, prompt: null });
  assert.equal((await app.ended(first.turnId, 60_000)).type, 'model_response_end');
  assert.equal(app.streamedText(first.turnId), 'The kernel hypercall page dominates.');
  assert.match(String(stack.model.requests.at(-1).body.messages![0].content), /hypercall_page/, 'the summary made on the desktop is what the model read');

  const followUp = await app.request('chat:send', { traceId, prompt: 'And then?' });
  await app.ended(followUp.turnId);
  assert.equal(app.streamedText(followUp.turnId), 'You asked "And then?" after 2 earlier messages.');
  assert.deepEqual(
    stack.model.requests
      .at(-1)
      .body.messages!.slice(1)
      .map((m) => m.content),
    [INITIAL_ANALYSIS_PROMPT, 'The kernel hypercall page dominates.', 'And then?'],
  );

  const dir = app.dir;
  await app.stop();
  const restarted = await startApp(t, dir);
  assert.equal((await restarted.request('account:get', undefined)).status, 'signed-in', 'the session was restored from the secret store');
  const again = await openCloudChat(restarted);
  const snapshot = await restarted.request('chat:open', { traceId: again });
  assert.deepEqual(
    snapshot.messages.map((m) => m.content),
    [INITIAL_ANALYSIS_PROMPT, 'The kernel hypercall page dominates.', 'And then?', 'You asked "And then?" after 2 earlier messages.'],
  );
  stack.model.enqueue((request) => textResponse(`Still ${request.body.messages!.length - 2} earlier messages.`));
  const afterRestart = await restarted.request('chat:send', { traceId: again, prompt: 'Still there?' });
  await restarted.ended(afterRestart.turnId);
  assert.equal(restarted.streamedText(afterRestart.turnId), 'Still 4 earlier messages.');
});

test('cloud mode: the model failing mid-stream, and Realtime dropping mid-turn, leave a turn with a retry, never spinning', async (t) => {
  const app = await signedInApp(t, 'grace@example.com');
  const traceId = await openCloudChat(app);

  stack.model.enqueue({ kind: 'fail_mid_stream', chunks: ['Half ', 'an answer'] });
  const cut = await app.request('chat:send', { traceId, prompt: 'Where does the time go?' });
  const failed = await app.ended(cut.turnId);
  assert.ok(failed.type === 'error' && failed.code === 'model_unavailable' && /cut off/.test(failed.message), JSON.stringify(failed));
  assert.equal(app.streamedText(cut.turnId), 'Half an answer');

  stack.model.enqueue({ kind: 'text', chunks: Array.from({ length: 40 }, (_, i) => `part${i} `), delayMs: 60 });
  const dropped = await app.request('chat:retry', { turnId: cut.turnId });
  await app.until(() => app.turn(dropped.turnId).some((e) => e.type === 'model_chunk_append'), 'the answer to start');
  assert.ok(proxy.connections().some((c) => c.path.startsWith('/realtime/')));
  proxy.drop('/realtime/');
  const interrupted = await app.ended(dropped.turnId);
  assert.equal(interrupted.type, 'interrupted');
  const { messages } = await app.request('chat:open', { traceId });
  assert.deepEqual(
    messages.map((m) => m.status),
    ['complete', 'error', 'complete', 'interrupted'],
  );

  await app.until(() => app.payloads('chat:connection').at(-1)?.state === 'open', 'the channel to come back');
  stack.model.enqueue(textResponse('Whole this time.'));
  const retried = await app.request('chat:retry', { turnId: dropped.turnId });
  assert.equal((await app.ended(retried.turnId)).type, 'model_response_end');
  assert.equal(app.streamedText(retried.turnId), 'Whole this time.');
});

test("two users signed in on two app instances never see each other's answers or traces", async (t) => {
  const [ada, bob] = await Promise.all([signedInApp(t, 'ada.lovelace@example.com'), signedInApp(t, 'bob.kahn@example.com')]);
  // The same trace file on both, and one more on Bob's.
  const [adaTrace, bobTrace] = await Promise.all([openCloudChat(ada), openCloudChat(bob)]);
  stack.model.setFallback((request) => textResponse(`Answer to: ${lastUserContent(request)}`, { delayMs: 5 }));
  t.onTestFinished(() => stack.model.setFallback(undefined));
  const [adaTurn, bobTurn] = await Promise.all([
    ada.request('chat:send', { traceId: adaTrace, prompt: 'question from ada' }),
    bob.request('chat:send', { traceId: bobTrace, prompt: 'question from bob' }),
  ]);
  await Promise.all([ada.ended(adaTurn.turnId), bob.ended(bobTurn.turnId)]);
  assert.equal(ada.streamedText(adaTurn.turnId), 'Answer to: question from ada');
  assert.equal(bob.streamedText(bobTurn.turnId), 'Answer to: question from bob');
  assert.ok(
    ada.payloads('chat:event').every((e) => e.turnId !== bobTurn.turnId),
    "Bob's events never reach Ada's app",
  );
  assert.ok(
    bob.payloads('chat:event').every((e) => e.turnId !== adaTurn.turnId),
    "Ada's events never reach Bob's app",
  );

  await bob.request('chat:close', undefined);
  const bobOther = await openCloudChat(bob, OTHER_TRACE_FILE);
  const extra = await bob.request('chat:send', { traceId: bobOther, prompt: 'and this one?' });
  await bob.ended(extra.turnId);
  // Each account sees its own rows only (RLS): Ada one, Bob two.
  const rows = async (app: DesktopApp) => (await app.services.account.client()!.from('traces').select('file_name')).data?.map((r) => r.file_name).sort();
  assert.deepEqual(await rows(ada), ['perf-vertx-stacks-01-collapsed-all.txt']);
  assert.deepEqual(await rows(bob), ['perf-vertx-stacks-01-collapsed-all.txt', 'recursion.txt']);
});

test("cloud mode: a trace's hostile names reach the model only inside the data block", async (t) => {
  const app = await signedInApp(t, 'mallory@example.com');
  const traceId = await openCloudChat(app, writeHostileTrace());
  stack.model.enqueue(textResponse('Those are function names.'));
  const turn = await app.request('chat:send', { traceId, prompt: 'What is the hottest function?' });
  assert.equal((await app.ended(turn.turnId)).type, 'model_response_end');
  assertNamesOnlyInDataBlock(stack.model.requests.at(-1).body.messages!);
});

test('signing out closes the cloud chat; signing in again reconnects it', async (t) => {
  const app = await signedInApp(t, 'katherine@example.com');
  const traceId = await openCloudChat(app);
  await app.request('account:sign-out', undefined);
  const closed = await app.until(() => app.payloads('chat:connection').findLast((e) => e.state === 'closed'), 'the chat to close');
  assert.match(closed.close!.reason, /Sign in/);
  await assert.rejects(app.request('chat:send', { traceId, prompt: 'still here?' }), /Sign in/);
  await app.request('account:sign-in', { email: 'katherine@example.com', password: PASSWORD });
  await app.until(() => app.payloads('chat:connection').at(-1)?.state === 'open', 'the chat to reconnect');
});

test("cloud mode: the model's tool calls run in the import worker on the open trace; the model reads exactly their results; the steps are kept", async (t) => {
  const app = await signedInApp(t, 'tools.desktop@example.com');
  const traceId = await openCloudChat(app, TOOLS_TRACE_FILE);
  const profile = await importTraceFile(TOOLS_TRACE_FILE);
  const threadId = profile.threads[0].id;
  const calls = [
    { name: 'call_tree', arguments: JSON.stringify({ threadId, maxDepth: 4 }) },
    { name: 'find_functions', arguments: '{"query":"parse"}' },
  ];
  stack.model.enqueue({ kind: 'tool_calls', calls }, textResponse('Parsing is under [fn3].'));
  const { turnId } = await app.request('chat:send', { traceId, prompt: 'Who parses, in the cloud?' });
  assert.equal((await app.ended(turnId, 60_000)).type, 'model_response_end');

  const expected = await Promise.all(calls.map((call) => runTraceTool(profile, undefined, call)));
  const read = stack.model.requests
    .at(-1)
    .body.messages!.filter((m) => m.role === 'tool')
    .map((m) => String(m.content).replace(/^<trace-data ([0-9a-f]{16})>\n([\s\S]*)\n<\/trace-data \1>$/, '$2'));
  assert.deepEqual(read, expected, 'what the model read is what the tools give on the same file');
  assert.equal(app.streamedText(turnId), 'Parsing is under [fn3].');
  const { messages } = await app.request('chat:open', { traceId });
  assert.deepEqual(
    messages[1].steps?.map((s) => ({ step: s.step, results: s.calls.map((c) => [c.name, c.result, c.ok]) })),
    [
      {
        step: 1,
        results: [
          ['call_tree', expected[0], true],
          ['find_functions', expected[1], true],
        ],
      },
    ],
  );
});
