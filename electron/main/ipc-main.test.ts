import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'vitest';
import type { IpcMainInvokeEvent } from 'electron';
import { SAMPLE_TRACES } from '../../shared-importer/node/trace-fixtures.ts';
import { REQUEST_CHANNELS, type AppInfo, type HostTraceStateOnIpc } from '../ipc-contract.ts';
import { eventOnIpc, handlersOnIpc } from '../profile-transfer.ts';
import { startAppServices } from '../services/app-services.ts';
import { fileKeyEncryption } from '../services/file-key-encryption.ts';
import { IpcMainRouter, isTrustedSender } from './ipc-main.ts';
import { APP_ORIGIN } from './window-security.ts';

type Handler = (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>;

/** Stands in for Electron's ipcMain: keeps what is registered, like the real one. */
class RecordingIpcMain {
  readonly handlers = new Map<string, Handler>();
  handle(channel: string, handler: Handler) {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, handler);
  }
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  }
}

function senderEvent(options: { id?: number; url?: string; subframe?: boolean } = {}): IpcMainInvokeEvent {
  const mainFrame = { url: options.url ?? `${APP_ORIGIN}/index.html` };
  const sender = { id: options.id ?? 1, mainFrame };
  const senderFrame = options.subframe ? { url: mainFrame.url } : mainFrame;
  return { sender, senderFrame } as unknown as IpcMainInvokeEvent;
}

const appInfo: AppInfo = { name: 'Trace Analyser', version: '1.2.3', host: 'electron', platform: 'linux', versions: { node: '20' } };
const policy = { origins: [APP_ORIGIN], windowContentsIds: () => [1] };

async function routedServices(t: Pick<TestContext, 'onTestFinished'>) {
  const userDataDir = mkdtempSync(join(tmpdir(), 'ta-ipc-'));
  const services = await startAppServices({
    userDataDir,
    workerUrl: new URL('../services/import-worker.ts', import.meta.url),
    emit: () => {},
    adapters: { appInfo },
    encryption: await fileKeyEncryption(join(userDataDir, 'secrets.key')),
    env: {},
  });
  const ipcMain = new RecordingIpcMain();
  const router = new IpcMainRouter(ipcMain, policy);
  router.handleAll(handlersOnIpc(services.handlers));
  t.onTestFinished(async () => {
    router.dispose();
    await services.dispose();
  });
  return { ipcMain, router, services };
}

test('every request channel of the contract is routed, and disposing removes them', async (t) => {
  const { ipcMain, router } = await routedServices(t);
  assert.deepEqual([...ipcMain.handlers.keys()].sort(), [...REQUEST_CHANNELS].sort());
  router.dispose();
  assert.equal(ipcMain.handlers.size, 0);
});

test('a request from our window reaches the real handler', async (t) => {
  const { ipcMain } = await routedServices(t);
  assert.deepEqual(await ipcMain.handlers.get('app:info')!(senderEvent(), undefined), appInfo);
  assert.deepEqual(await ipcMain.handlers.get('recent:list')!(senderEvent(), undefined), []);
});

test('requests from other windows, other origins or subframes are refused', async (t) => {
  const { ipcMain } = await routedServices(t);
  const info = ipcMain.handlers.get('app:info')!;
  await assert.rejects(info(senderEvent({ id: 2 }), undefined), /not one of this app's windows/);
  await assert.rejects(info(senderEvent({ url: 'https://evil.example/' }), undefined), /not one of this app's windows/);
  await assert.rejects(info(senderEvent({ url: 'file:///tmp/x.html' }), undefined), /not one of this app's windows/);
  await assert.rejects(info(senderEvent({ subframe: true }), undefined), /not one of this app's windows/);
});

test('payloads that do not fit the contract are refused before any handler runs', async (t) => {
  const { ipcMain } = await routedServices(t);
  const openPath = ipcMain.handlers.get('trace:open-path')!;
  await assert.rejects(openPath(senderEvent(), { path: '' }), /Invalid payload for trace:open-path/);
  await assert.rejects(openPath(senderEvent(), { path: 42 }), /Invalid payload for trace:open-path/);
  await assert.rejects(openPath(senderEvent(), { path: '/x', extra: true }), /Invalid payload for trace:open-path/);
  await assert.rejects(openPath(senderEvent(), 'just a string'), /Invalid payload/);
  await assert.rejects(ipcMain.handlers.get('recent:list')!(senderEvent(), { sneaky: 1 }), /Invalid payload for recent:list/);
  await assert.rejects(ipcMain.handlers.get('shell:open-external')!(senderEvent(), { url: 'file:///etc/passwd' }), /only https links/);
});

test('isTrustedSender needs a frame', () => {
  const event = { sender: { id: 1, mainFrame: null }, senderFrame: null } as unknown as IpcMainInvokeEvent;
  assert.equal(isTrustedSender(event, policy), false);
});

test("what crosses IPC is the contract's wire form: a loaded trace without its bytes, everything else as it is", async (t) => {
  const { ipcMain, services } = await routedServices(t);
  await services.openPath(join(SAMPLE_TRACES, 'stackcollapse/simple.txt'));
  for (let i = 0; i < 500 && !services.imports.current; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  const loaded = services.imports.current!;

  const state = (await ipcMain.handlers.get('trace:get-state')!(senderEvent(), undefined)) as HostTraceStateOnIpc;
  assert.equal(state.loaded?.traceId, loaded.traceId);
  assert.equal('profile' in state.loaded, false, 'no profile bytes over IPC');
  assert.equal(state.loaded?.profileUrl, `${APP_ORIGIN}/__profile/${loaded.traceId}`);

  const event = eventOnIpc('trace:loaded', loaded);
  assert.equal('profile' in event, false);
  const { profileUrl, ...rest } = event;
  const { profile: _bytes, ...expected } = loaded;
  assert.deepEqual(rest, expected, 'every other field as it is');
  assert.equal(profileUrl, state.loaded?.profileUrl);
  const settings = await services.handlers['settings:get'](undefined);
  assert.equal(eventOnIpc('settings:changed', settings), settings, 'other events travel unchanged');
});

// Generated from the contract: a channel added later is covered without a new test.
test('every request channel refuses senders that are not our main frame, and payloads outside its schema', async (t) => {
  const { ipcMain } = await routedServices(t);
  const untrusted = [senderEvent({ id: 2 }), senderEvent({ url: 'https://evil.example/' }), senderEvent({ subframe: true })];
  for (const channel of REQUEST_CHANNELS) {
    const handler = ipcMain.handlers.get(channel)!;
    for (const event of untrusted) await assert.rejects(handler(event, undefined), /not one of this app's windows/, channel);
    for (const payload of [42, { unexpected: true }, ['array']]) {
      await assert.rejects(handler(senderEvent(), payload), new RegExp(`Invalid payload for ${channel}`), `${channel} ${JSON.stringify(payload)}`);
    }
  }
});
