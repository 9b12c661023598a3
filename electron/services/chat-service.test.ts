// The chat in local mode, through the app's real services (import worker,
// settings, conversations on disk) and the scripted OpenAI-compatible model
// over HTTP: the same requests and events a window uses.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, test, type TestContext } from 'vitest';
import { SAMPLE_TRACES } from '../../shared-importer/node/trace-fixtures.ts';
import { DesktopApp } from '../../test-support/desktop-app.ts';
import { assertNamesOnlyInDataBlock, writeHostileTrace } from '../../test-support/hostile-trace.ts';
import { startScriptedModel, textResponse, type RecordedRequest, type ScriptedModelServer } from '../../test-support/scripted-model/scripted-model-server.ts';
import { CONVERSATIONS_DIR } from './conversations.ts';
import { INITIAL_ANALYSIS_PROMPT } from './chat-service.ts';

const TRACE_FILE = join(SAMPLE_TRACES, 'stackcollapse/perf-vertx-stacks-01-collapsed-all.txt');

let model: ScriptedModelServer;
beforeAll(async () => {
  model = await startScriptedModel();
});
afterAll(() => model.stop());

const localEnv = () => ({ OPENAI_BASE_URL: model.baseURL, OPENAI_API_KEY: 'local-key', AI_MODEL: 'scripted-model' });

async function startApp(t: TestContext, dir?: string): Promise<DesktopApp> {
  const app = await DesktopApp.start({ env: localEnv(), dir });
  t.onTestFinished(() => app.stop());
  return app;
}

/** Opens the trace and its chat; resolves with the trace id. */
async function openChat(app: DesktopApp, file = TRACE_FILE): Promise<string> {
  const { traceId } = await app.openTrace(file);
  const snapshot = await app.request('chat:open', { traceId });
  assert.equal(snapshot.mode, 'local');
  return traceId;
}

const lastUserContent = (request: RecordedRequest) => String(request.body.messages?.at(-1)?.content);

test('local mode: the initial analysis streams, and a follow-up is answered with the conversation as history', async (t) => {
  const app = await startApp(t);
  const traceId = await openChat(app);
  assert.deepEqual(app.payloads('chat:connection').at(-1), { traceId, state: 'open' });

  model.enqueue(textResponse('Most time is in the kernel hypercall page.'));
  // The answer names what it was asked and what it heard before, so the history can be checked in the text.
  model.enqueue((request) => textResponse(`You asked "${lastUserContent(request)}" after ${request.body.messages!.length - 2} earlier messages.`));
  const first = await app.request('chat:send', { traceId, prompt: null });
  assert.equal((await app.ended(first.turnId)).type, 'model_response_end');
  assert.deepEqual(
    app
      .turn(first.turnId)
      .map((e) => e.type)
      .filter((type, i, all) => all.indexOf(type) === i),
    ['turn_accepted', 'waiting_for_model', 'model_chunk_start', 'model_chunk_append', 'model_response_end'],
  );
  assert.equal(app.streamedText(first.turnId), 'Most time is in the kernel hypercall page.');
  const seqs = app.turn(first.turnId).flatMap((e) => ('seq' in e ? [e.seq] : []));
  assert.deepEqual(
    seqs,
    seqs.map((_, i) => i),
    'numbered from 0 as the cloud numbers them',
  );

  const followUp = await app.request('chat:send', { traceId, prompt: 'And the second hottest?' });
  assert.equal((await app.ended(followUp.turnId)).type, 'model_response_end');
  assert.equal(app.streamedText(followUp.turnId), 'You asked "And the second hottest?" after 2 earlier messages.');
  const request = model.requests.at(-1);
  assert.equal(request.authorization, 'Bearer local-key');
  assert.equal(request.body.model, 'scripted-model');
  assert.deepEqual(
    request.body.messages!.slice(1).map((m) => [m.role, m.content]),
    [
      ['user', INITIAL_ANALYSIS_PROMPT],
      ['assistant', 'Most time is in the kernel hypercall page.'],
      ['user', 'And the second hottest?'],
    ],
  );
  assert.match(String(request.body.messages![0].content), /hypercall_page/, 'the summary made by the import worker is in the prompt');
  await assert.rejects(app.request('chat:send', { traceId, prompt: null }), /already asked/);
});

test('local mode: a model failing mid-stream keeps what arrived, says it was cut off, and the retry is a new turn', async (t) => {
  const app = await startApp(t);
  const traceId = await openChat(app);
  model.enqueue({ kind: 'fail_mid_stream', chunks: ['Half ', 'an answer'] });
  const cut = await app.request('chat:send', { traceId, prompt: 'Where is the time going?' });
  const end = await app.ended(cut.turnId);
  assert.ok(end.type === 'error' && end.code === 'model_unavailable', JSON.stringify(end));
  assert.match(end.message, /cut off/);
  assert.equal(app.streamedText(cut.turnId), 'Half an answer');

  model.enqueue(textResponse('A whole answer.'));
  const retried = await app.request('chat:retry', { turnId: cut.turnId });
  assert.notEqual(retried.turnId, cut.turnId);
  assert.equal((await app.ended(retried.turnId)).type, 'model_response_end');
  assert.equal(lastUserContent(model.requests.at(-1)), 'Where is the time going?');
  assert.equal(model.requests.at(-1).body.messages!.length, 2, 'the failed turn is not history');

  const { messages } = await app.request('chat:open', { traceId });
  assert.deepEqual(
    messages.map((m) => [m.role, m.status, m.content]),
    [
      ['user', 'complete', 'Where is the time going?'],
      ['assistant', 'error', 'Half an answer'],
      ['user', 'complete', 'Where is the time going?'],
      ['assistant', 'complete', 'A whole answer.'],
    ],
  );
  assert.match(messages[1].error!.message, /cut off/);
});

test("local mode: stop keeps the answer so far; nothing of it arrives after; a wrong key is the user's to fix", async (t) => {
  const app = await startApp(t);
  const traceId = await openChat(app);
  model.enqueue({ kind: 'text', chunks: Array.from({ length: 40 }, (_, i) => `word${i} `), delayMs: 40 });
  const turn = await app.request('chat:send', { traceId, prompt: 'Talk slowly.' });
  await app.until(() => app.turn(turn.turnId).filter((e) => e.type === 'model_chunk_append').length >= 2, 'two chunks');
  await app.request('chat:stop', { turnId: turn.turnId });
  const stoppedAt = app.turn(turn.turnId).length;
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(app.turn(turn.turnId).length, stoppedAt, 'no event after stop');
  const { messages } = await app.request('chat:open', { traceId });
  assert.equal(messages[1].status, 'stopped');
  assert.ok(messages[1].content.startsWith('word0 word1 '));

  model.enqueue({ kind: 'http_error', status: 401, message: 'Incorrect API key provided' });
  const refused = await app.request('chat:send', { traceId, prompt: 'Again?' });
  const end = await app.ended(refused.turnId);
  assert.ok(end.type === 'error' && end.message === 'The AI provider refused the API key; check the API key in Settings.', JSON.stringify(end));
  assert.deepEqual(
    model.requests
      .at(-1)
      .body.messages!.slice(1, 3)
      .map((m) => m.content),
    ['Talk slowly.', messages[1].content],
    'the stopped answer, as far as it got, is history',
  );
});

test('services restart: the conversation comes back for the same trace, an answer cut by a crash is interrupted, history continues', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ta-restart-'));
  const first = await startApp(t, dir);
  const traceId = await openChat(first);
  model.enqueue(textResponse('First answer.'));
  const answered = await first.request('chat:send', { traceId, prompt: null });
  await first.ended(answered.turnId);
  model.enqueue({ kind: 'text', chunks: Array.from({ length: 60 }, () => 'slow '), delayMs: 50 });
  await first.request('chat:send', { traceId, prompt: 'A long one, please.' });
  // A crash leaves what is on disk: copy the data folder once the streaming answer has been saved part-way.
  const conversationFile = () => {
    const folder = join(dir, CONVERSATIONS_DIR);
    const [hash] = readdirSync(folder);
    return join(folder, hash, readdirSync(join(folder, hash))[0]);
  };
  await first.until(() => /"content":"slow [^"]*","status":"streaming"/.test(readFileSync(conversationFile(), 'utf8')), 'a save mid-stream', 10_000);
  const crashed = mkdtempSync(join(tmpdir(), 'ta-crashed-'));
  cpSync(dir, crashed, { recursive: true });

  const second = await startApp(t, crashed);
  const { traceId: reopened } = await second.openTrace(TRACE_FILE);
  assert.notEqual(reopened, traceId, 'a new load of the same file');
  const snapshot = await second.request('chat:open', { traceId: reopened });
  assert.equal(snapshot.initialAnalysisRequested, true);
  assert.deepEqual(
    snapshot.messages.map((m) => [m.role, m.status]),
    [
      ['user', 'complete'],
      ['assistant', 'complete'],
      ['user', 'complete'],
      ['assistant', 'interrupted'],
    ],
  );
  assert.equal(snapshot.messages[1].content, 'First answer.');
  assert.match(snapshot.messages[3].content, /^slow /, 'what arrived before the crash is kept');

  model.enqueue(textResponse('Continuing.'));
  const next = await second.request('chat:send', { traceId: reopened, prompt: 'Go on.' });
  await second.ended(next.turnId);
  assert.deepEqual(
    model.requests
      .at(-1)
      .body.messages!.slice(1)
      .map((m) => m.content),
    [INITIAL_ANALYSIS_PROMPT, 'First answer.', 'Go on.'],
  );

  const fresh = await second.request('chat:new-conversation', { traceId: reopened });
  assert.deepEqual(fresh.messages, []);
  assert.equal(fresh.initialAnalysisRequested, false);
  const hashes = readdirSync(join(crashed, CONVERSATIONS_DIR));
  assert.equal(hashes.length, 1, 'one folder per trace content');
  assert.equal(readdirSync(join(crashed, CONVERSATIONS_DIR, hashes[0])).length, 2, 'the old conversation is kept beside the new one');
  await second.stop();
  const third = await startApp(t, crashed);
  const { traceId: again } = await third.openTrace(TRACE_FILE);
  assert.deepEqual((await third.request('chat:open', { traceId: again })).messages, [], 'the new conversation is the one that opens');
});

test('a trace whose names carry HTML, Markdown and prompt-injection text: in the model request they are only inside the data block', async (t) => {
  const app = await startApp(t);
  const traceId = await openChat(app, writeHostileTrace());
  model.enqueue(textResponse('Those are function names.'));
  const turn = await app.request('chat:send', { traceId, prompt: 'What is the hottest function?' });
  await app.ended(turn.turnId);
  assertNamesOnlyInDataBlock(model.requests.at(-1).body.messages!);
});

test("two app instances in local mode never see each other's answers", async (t) => {
  const [ada, bob] = await Promise.all([startApp(t), startApp(t)]);
  const [adaTrace, bobTrace] = await Promise.all([openChat(ada), openChat(bob)]);
  model.setFallback((request) => textResponse(`Answer to: ${lastUserContent(request)}`, { delayMs: 5 }));
  t.onTestFinished(() => model.setFallback(undefined));
  const [adaTurn, bobTurn] = await Promise.all([
    ada.request('chat:send', { traceId: adaTrace, prompt: 'question from ada' }),
    bob.request('chat:send', { traceId: bobTrace, prompt: 'question from bob' }),
  ]);
  await Promise.all([ada.ended(adaTurn.turnId), bob.ended(bobTurn.turnId)]);
  assert.equal(ada.streamedText(adaTurn.turnId), 'Answer to: question from ada');
  assert.equal(bob.streamedText(bobTurn.turnId), 'Answer to: question from bob');
  assert.ok(ada.payloads('chat:event').every((e) => e.turnId !== bobTurn.turnId));
  assert.ok(bob.payloads('chat:event').every((e) => e.turnId !== adaTurn.turnId));
});

test('with neither a project nor a usable endpoint the chat says what to set up', async (t) => {
  const app = await DesktopApp.start({ env: {} });
  t.onTestFinished(() => app.stop());
  const { traceId } = await app.openTrace(TRACE_FILE);
  const snapshot = await app.request('chat:open', { traceId });
  assert.equal(snapshot.mode, null);
  assert.equal(snapshot.connection.state, 'closed');
  assert.match(snapshot.connection.close!.reason, /model endpoint for local mode/);
  await assert.rejects(app.request('chat:send', { traceId, prompt: 'hello?' }), /Set up a Supabase project/);

  // Setting an endpoint in the app connects the open chat.
  await app.request('settings:save', { modelBaseUrl: model.baseURL, model: 'scripted-model' });
  await app.until(() => app.payloads('chat:connection').at(-1)?.state === 'open', 'the chat to connect');
});
