// The updater as the app composes it (startAppServices): its busy checks are
// the real chat's streaming answer (local mode, the scripted model) and the
// real import worker's running import, and the windows hear it on update:state.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'vitest';
import { REAL_TRACES, SAMPLE_TRACES } from '../../shared-importer/node/trace-fixtures.ts';
import { DesktopApp } from '../../test-support/desktop-app.ts';
import { startScriptedModel, textResponse } from '../../test-support/scripted-model/scripted-model-server.ts';
import { startUpdateFeed } from '../../test-support/update-feed.ts';

const SMALL_TRACE = join(SAMPLE_TRACES, 'stackcollapse/perf-vertx-stacks-01-collapsed-all.txt');
// 3.7 MB: its import runs long enough to ask for a restart during it.
const LARGE_TRACE = join(REAL_TRACES, 'lighthouse/amp-m86.trace.json');

test('a restart asked for during a streaming answer, then during an import, happens only once each has finished', async (t) => {
  const model = await startScriptedModel();
  t.onTestFinished(() => model.stop());
  const { updater } = await startUpdateFeed(t);
  const app = await DesktopApp.start({
    env: { OPENAI_BASE_URL: model.baseURL, OPENAI_API_KEY: 'local-key', AI_MODEL: 'scripted-model' },
    updates: { source: { createUpdater: () => updater }, updateTiming: { firstCheckDelayMs: 10, busyPollMs: 10 } },
  });
  t.onTestFinished(() => app.stop());
  // What was running each time the app would have quit into the update.
  const busyAtInstall: { answering: boolean; importing: boolean }[] = [];
  updater.quitAndInstall = () => void busyAtInstall.push({ answering: app.services.chat.isAnswering, importing: app.services.imports.isRunning });
  await app.until(() => app.payloads('update:state').find((s) => s.status === 'ready'), 'the update to be ready');

  const { traceId } = await app.openTrace(SMALL_TRACE);
  await app.request('chat:open', { traceId });
  model.enqueue(textResponse('An answer that takes a while to stream.', { chunkSize: 4, delayMs: 25 }));
  const { turnId } = await app.request('chat:send', { traceId, prompt: null });
  assert.equal(app.services.chat.isAnswering, true);
  const whileAnswering = await app.request('update:restart', undefined);
  assert.equal(whileAnswering.status === 'ready' && whileAnswering.restartWaitsFor, 'answer');
  assert.equal((await app.ended(turnId)).type, 'model_response_end');
  await app.until(() => busyAtInstall.length === 1 || undefined, 'the install after the answer');
  assert.deepEqual(busyAtInstall, [{ answering: false, importing: false }]);

  await app.request('trace:open-path', { path: LARGE_TRACE });
  const whileImporting = await app.request('update:restart', undefined);
  assert.equal(whileImporting.status === 'ready' && whileImporting.restartWaitsFor, 'import');
  await app.until(() => busyAtInstall.length === 2 || undefined, 'the install after the import', 60_000);
  assert.deepEqual(busyAtInstall[1], { answering: false, importing: false });
  assert.ok(
    app.payloads('trace:loaded').some((e) => e.path === LARGE_TRACE),
    'the import finished first',
  );
  assert.ok(
    app.payloads('update:state').some((s) => s.status === 'ready' && s.restartWaitsFor === 'import'),
    'the windows were told the restart waits for the import',
  );
});
