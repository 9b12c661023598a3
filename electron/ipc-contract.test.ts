import assert from 'node:assert/strict';
import { test } from 'vitest';
import { createTraceAnalyserApi, type ApiTransport } from '../preload/api-from-transport.ts';
import { API_EVENT_METHODS, EVENT_CHANNELS, REQUEST_CHANNELS, isRequestChannel, parseRequestPayload, type TraceAnalyserApi } from './ipc-contract.ts';

test('request payloads are validated: void requests take nothing, path and url are bounded strings', () => {
  assert.equal(parseRequestPayload('recent:list', undefined), undefined);
  assert.throws(() => parseRequestPayload('recent:list', {}), /Invalid payload for recent:list/);
  assert.deepEqual(parseRequestPayload('trace:open-path', { path: '/t.json' }), { path: '/t.json' });
  assert.throws(() => parseRequestPayload('trace:open-path', { path: 'x'.repeat(5000) }), /Invalid payload/);
  assert.throws(() => parseRequestPayload('trace:open-path', { path: ['/t.json'] }), /Invalid payload/);
  assert.throws(() => parseRequestPayload('shell:open-external', { url: 'https://x', target: '_self' }), /Invalid payload/);
  assert.ok(isRequestChannel('app:info'));
  assert.ok(!isRequestChannel('toString'), 'prototype keys are not channels');
  assert.ok(!isRequestChannel('import:progress'), 'events are not requests');
});

test('the API built from a transport maps each method to its channel, the same in Electron and the browser', async () => {
  const invoked: [string, unknown][] = [];
  const subscribed: string[] = [];
  const transport: ApiTransport = {
    invoke: async (channel, payload) => {
      invoked.push([channel, payload]);
      return null as never;
    },
    subscribe: (channel) => {
      subscribed.push(channel);
      return () => {};
    },
    importFile: async (file) => ({ importId: 'i', fileName: file.name, totalBytes: file.size }),
  };
  const api: TraceAnalyserApi = createTraceAnalyserApi(transport);
  await api.openTraceDialog();
  await api.openRecent('/r.json');
  await api.getRecentFiles();
  await api.clearRecentFiles();
  await api.cancelImport();
  await api.getTraceState();
  await api.traceShown('trace-1');
  await api.getAppInfo();
  await api.openExternal('https://example.com');
  const turnId = '6f1c7d5e-8a9b-4c3d-9e2f-1a2b3c4d5e6f';
  await api.getSettings();
  await api.saveSettings({ model: 'm' });
  await api.getAccount();
  await api.signUp('a@example.com', 'secret-1');
  await api.signIn('a@example.com', 'secret-1');
  await api.sendSignInCode('a@example.com');
  await api.verifySignInCode('a@example.com', '123456');
  await api.signOut();
  await api.retrySync('trace-1');
  await api.cancelSync('trace-1');
  await api.openChat('trace-1');
  await api.closeChat();
  await api.sendChatMessage('trace-1', null);
  await api.stopChatTurn(turnId);
  await api.retryChatTurn(turnId);
  await api.newConversation('trace-1');
  await api.getUpdateState();
  await api.restartToUpdate();
  assert.deepEqual(invoked, [
    ['trace:open-dialog', undefined],
    ['trace:open-path', { path: '/r.json' }],
    ['recent:list', undefined],
    ['recent:clear', undefined],
    ['trace:cancel-import', undefined],
    ['trace:get-state', undefined],
    ['trace:shown', { traceId: 'trace-1' }],
    ['app:info', undefined],
    ['shell:open-external', { url: 'https://example.com' }],
    ['settings:get', undefined],
    ['settings:save', { model: 'm' }],
    ['account:get', undefined],
    ['account:sign-up', { email: 'a@example.com', password: 'secret-1' }],
    ['account:sign-in', { email: 'a@example.com', password: 'secret-1' }],
    ['account:send-code', { email: 'a@example.com' }],
    ['account:verify-code', { email: 'a@example.com', code: '123456' }],
    ['account:sign-out', undefined],
    ['sync:retry', { traceId: 'trace-1' }],
    ['sync:cancel', { traceId: 'trace-1' }],
    ['chat:open', { traceId: 'trace-1' }],
    ['chat:close', undefined],
    ['chat:send', { traceId: 'trace-1', prompt: null }],
    ['chat:stop', { turnId }],
    ['chat:retry', { turnId }],
    ['chat:new-conversation', { traceId: 'trace-1' }],
    ['update:get-state', undefined],
    ['update:restart', undefined],
  ]);
  // Each payload the API sends fits the contract's schema.
  for (const [channel, payload] of invoked) assert.doesNotThrow(() => parseRequestPayload(channel as never, payload), channel);
  // Every request channel is reachable from the API.
  assert.deepEqual(new Set(invoked.map(([c]) => c)), new Set(REQUEST_CHANNELS));

  for (const method of Object.keys(API_EVENT_METHODS) as (keyof typeof API_EVENT_METHODS)[]) api[method](() => {});
  assert.deepEqual(subscribed.sort(), [...EVENT_CHANNELS].sort());
  assert.throws(() => api.onTraceLoaded('not a function' as never), /must be a function/);

  const started = await api.importDroppedFile(new File([new Uint8Array(3)], 'drop.json'));
  assert.deepEqual(started, { importId: 'i', fileName: 'drop.json', totalBytes: 3 });
});
