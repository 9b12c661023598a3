// The trace tools in local mode, through the app's real services: a real
// trace imported by the import worker, the scripted model asking for tools
// over HTTP, the calls run in the worker, the results back to the model,
// the steps in the conversation on disk.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, test, type TestContext } from 'vitest';
import { importTraceFile } from '../../shared-importer/node/node-host.ts';
import { SAMPLE_TRACES } from '../../shared-importer/node/trace-fixtures.ts';
import type { Profile } from '../../shared-importer/src/model/profile.ts';
import { runTraceTool } from '../../functions/_shared/trace-tools.ts';
import { DesktopApp } from '../../test-support/desktop-app.ts';
import { startScriptedModel, textResponse, type RecordedRequest, type ScriptedModelServer } from '../../test-support/scripted-model/scripted-model-server.ts';
import type { ChatMessage } from '../ipc-contract.ts';
import { CONVERSATIONS_DIR } from './conversations.ts';
import { TRACE_NOT_OPEN } from './import-service.ts';

const TRACE_FILE = join(SAMPLE_TRACES, 'Chrome/65/sucrase.cpuprofile');
const OTHER_TRACE_FILE = join(SAMPLE_TRACES, 'stackcollapse/recursion.txt');

let model: ScriptedModelServer;
let profile: Profile;
beforeAll(async () => {
  model = await startScriptedModel();
  profile = await importTraceFile(TRACE_FILE);
});
afterAll(() => model.stop());

async function startApp(t: TestContext, dir?: string): Promise<DesktopApp> {
  const app = await DesktopApp.start({ env: { OPENAI_BASE_URL: model.baseURL, OPENAI_API_KEY: 'k', AI_MODEL: 'scripted-model' }, dir });
  t.onTestFinished(() => app.stop());
  return app;
}

async function openChat(app: DesktopApp): Promise<string> {
  const { traceId } = await app.openTrace(TRACE_FILE);
  assert.equal((await app.request('chat:open', { traceId })).mode, 'local');
  return traceId;
}

/** The tool messages of a recorded request: the text inside each result's data block. */
function toolResultsRead(request: RecordedRequest): string[] {
  return request.body
    .messages!.filter((m) => m.role === 'tool')
    .map((m) => {
      const match = /^<trace-data ([0-9a-f]{16})>\n([\s\S]*)\n<\/trace-data \1>$/.exec(String(m.content));
      assert.ok(match, `a data block: ${String(m.content).slice(0, 80)}`);
      return match[2];
    });
}

test('local mode: the model calls call_tree and find_functions, the worker runs them on the open trace, the model reads exactly their results, the steps are kept', async (t) => {
  const app = await startApp(t);
  const traceId = await openChat(app);
  const threadId = profile.threads[0].id;
  const calls = [
    { name: 'call_tree', arguments: JSON.stringify({ threadId, maxDepth: 4 }) },
    { name: 'find_functions', arguments: '{"query":"parse"}' },
  ];
  model.enqueue({ kind: 'tool_calls', calls }, textResponse('Parsing is under [fn3].'));
  const { turnId } = await app.request('chat:send', { traceId, prompt: 'Who parses?' });
  assert.equal((await app.ended(turnId)).type, 'model_response_end');

  const expected = await Promise.all(calls.map((call) => runTraceTool(profile, undefined, call)));
  assert.match(expected[1], /^Functions matching "parse"/);
  assert.deepEqual(toolResultsRead(model.requests.at(-1)), expected, 'what the model read is what the tools give on the same file');

  const events = app.turn(turnId);
  assert.deepEqual(
    events.map((e) => e.type).filter((type) => type.startsWith('tool')),
    ['tool_request', 'tool_result', 'tool_result'],
  );
  const seqs = events.flatMap((e) => ('seq' in e ? [e.seq] : []));
  assert.deepEqual(
    seqs,
    seqs.map((_, i) => i),
    'the tool request numbered in the turn as the cloud numbers it',
  );
  const stepsExpected: ChatMessage['steps'] = [
    {
      step: 1,
      calls: [
        { callId: 'call_0', ...calls[0], label: `Looking at the call tree of thread ${threadId}`, result: expected[0], ok: true },
        { callId: 'call_1', ...calls[1], label: 'Searching functions for "parse"', result: expected[1], ok: true },
      ],
    },
  ];
  const { messages } = await app.request('chat:open', { traceId });
  assert.deepEqual(messages[1].steps, stepsExpected);
  assert.equal(messages[1].content, 'Parsing is under [fn3].');

  // On disk once the app has stopped (saves are debounced; stopping writes what is pending), and
  // read back after a restart; later turns' history is question and answer only.
  const dir = app.dir;
  await app.stop();
  const folder = join(dir, CONVERSATIONS_DIR);
  const [hash] = readdirSync(folder);
  const [file] = readdirSync(join(folder, hash));
  const saved = JSON.parse(readFileSync(join(folder, hash, file), 'utf8'));
  assert.deepEqual(saved.conversation.messages[1].steps, stepsExpected);
  const restarted = await startApp(t, dir);
  const again = await openChat(restarted);
  assert.deepEqual((await restarted.request('chat:open', { traceId: again })).messages[1].steps, stepsExpected);
  model.enqueue(textResponse('Next.'));
  const next = await restarted.request('chat:send', { traceId: again, prompt: 'And then?' });
  await restarted.ended(next.turnId);
  assert.deepEqual(
    model.requests
      .at(-1)
      .body.messages!.slice(1)
      .map((m) => [m.role, m.content]),
    [
      ['user', 'Who parses?'],
      ['assistant', 'Parsing is under [fn3].'],
      ['user', 'And then?'],
    ],
  );
});

test('local mode: a trace closed mid-turn answers the tool call with a sentence saying so, and the model still answers', async (t) => {
  const app = await startApp(t);
  const traceId = await openChat(app);
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  model.enqueue({ kind: 'tool_calls', calls: [{ name: 'markers', arguments: '{}' }], holdUntil: held }, (request) =>
    textResponse(`I could not look: ${toolResultsRead(request)[0]}`),
  );
  const { turnId } = await app.request('chat:send', { traceId, prompt: 'Any markers?' });
  await app.until(() => app.turn(turnId).some((e) => e.type === 'model_chunk_start'), 'the answer to start');
  // Another trace replaces this one while the model is still asking.
  await app.openTrace(OTHER_TRACE_FILE);
  release();
  assert.equal((await app.ended(turnId)).type, 'model_response_end');
  const result = app.turn(turnId).find((e) => e.type === 'tool_result');
  assert.deepEqual(result && { ok: result.ok, result: result.result }, { ok: false, result: TRACE_NOT_OPEN });
  assert.equal(app.streamedText(turnId), `I could not look: ${TRACE_NOT_OPEN}`);
});

test('local mode: Stop while the model asks for tools ends the turn there; no tool runs and no further round reaches the model', async (t) => {
  const app = await startApp(t);
  const traceId = await openChat(app);
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  model.enqueue({ kind: 'tool_calls', calls: [{ name: 'markers', arguments: '{}' }], holdUntil: held });
  const before = model.requests.length;
  const { turnId } = await app.request('chat:send', { traceId, prompt: 'Stop me' });
  await app.until(() => model.requests.length > before, 'the model to be asked');
  await app.request('chat:stop', { turnId });
  release();
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.equal(model.requests.length, before + 1, 'only the round that asked');
  assert.ok(!app.turn(turnId).some((e) => e.type === 'tool_request'), 'no tool ran');
  const { messages } = await app.request('chat:open', { traceId });
  assert.equal(messages.at(-1).status, 'stopped');
});
