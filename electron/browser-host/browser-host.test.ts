// The browser host end to end in Node: the real HTTP server, the real
// WebSocket, the real page bridge (preload/browser-bridge.ts) over the `ws`
// client, the real import worker and real traces.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { WebSocket as NodeWebSocket } from 'ws';
import { decodeProfile } from '../../shared-importer/src/model/profile-codec.ts';
import { installBrowserBridge } from '../../preload/browser-bridge.ts';
import type { EventChannel, MainEvents, TraceAnalyserApi } from '../ipc-contract.ts';
import { startBrowserHost, type BrowserHost } from './browser-host.ts';
import { WS_PATH } from './ws-protocol.ts';
import { SAMPLE_TRACES } from '../../shared-importer/node/trace-fixtures.ts';

const TRACES = SAMPLE_TRACES;
const SPEEDSCOPE = join(TRACES, 'speedscope/0.6.0/two-sampled.speedscope.json');
const CPUPROFILE = join(TRACES, 'Chrome/65/simple.cpuprofile');

let host: BrowserHost;
const userDataDir = mkdtempSync(join(tmpdir(), 'ta-host-'));

before(async () => {
  host = await startBrowserHost({ userDataDir });
});
after(() => host.stop());

/** The page's bridge, running in Node: `ws` stands in for the browser's WebSocket (sending the page's Origin). */
function connectPage(url = host.url): TraceAnalyserApi & { received: { channel: EventChannel; payload: unknown }[] } {
  const origin = new URL(url).origin;
  class PageWebSocket extends NodeWebSocket {
    constructor(address: string) {
      super(address, { origin });
    }
  }
  (globalThis as { WebSocket?: unknown }).WebSocket = PageWebSocket;
  const page = { location: { href: url }, open: () => null } as unknown as Window;
  installBrowserBridge(page);
  const api = page.traceAnalyser;
  const received: { channel: EventChannel; payload: unknown }[] = [];
  api.onImportProgress((p) => received.push({ channel: 'import:progress', payload: p }));
  api.onImportFailed((p) => received.push({ channel: 'import:failed', payload: p }));
  api.onTraceLoaded((p) => received.push({ channel: 'trace:loaded', payload: p }));
  return Object.assign(Object.create(api) as TraceAnalyserApi, { received });
}

function nextEvent<C extends 'trace:loaded' | 'import:failed' | 'import:progress'>(
  api: TraceAnalyserApi,
  channel: C,
): Promise<MainEvents[C]> {
  const subscribe = {
    'trace:loaded': api.onTraceLoaded,
    'import:failed': api.onImportFailed,
    'import:progress': api.onImportProgress,
  }[channel] as (cb: (payload: MainEvents[C]) => void) => () => void;
  return new Promise((resolve) => {
    const off = subscribe((payload) => {
      off();
      resolve(payload);
    });
  });
}

function httpGet(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, path, headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

function wsOutcome(url: string, origin?: string): Promise<'open' | number> {
  return new Promise((resolve) => {
    const ws = new NodeWebSocket(url, origin ? { origin } : {});
    ws.on('open', () => {
      ws.close();
      resolve('open');
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => {});
  });
}

test('the printed URL is on 127.0.0.1 with a token; the page needs it', async () => {
  assert.match(host.url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{20,}$/);
  assert.equal((await httpGet('/')).status, 403);
  assert.equal((await httpGet('/?token=wrong')).status, 403);
  const page = await httpGet(`/?token=${host.token}`);
  assert.equal(page.status, 200);
  assert.match(page.body, /browser-bridge\.ts/, 'the bridge is injected');
  assert.ok(page.body.indexOf('browser-bridge.ts') < page.body.indexOf('main.tsx'), 'before the renderer script');
  const cookie = String(page.headers['set-cookie']).split(';')[0];
  // Modules the page loads afterwards carry the cookie instead of the query token.
  assert.equal((await httpGet('/main.tsx', { cookie })).status, 200);
  assert.equal((await httpGet('/main.tsx')).status, 403);
  // DNS rebinding: a page on another name that resolves to 127.0.0.1 is refused.
  assert.equal((await httpGet(`/?token=${host.token}`, { host: `evil.example:${host.port}` })).status, 421);
});

test('the WebSocket needs the token and our origin', async () => {
  const origin = `http://127.0.0.1:${host.port}`;
  const base = `ws://127.0.0.1:${host.port}${WS_PATH}`;
  assert.equal(await wsOutcome(`${base}?token=wrong`, origin), 403);
  assert.equal(await wsOutcome(base, origin), 403);
  assert.equal(await wsOutcome(`${base}?token=${host.token}`, 'http://evil.example'), 403);
  assert.equal(await wsOutcome(`${base}?token=${host.token}`), 403, 'no Origin: not a page of ours');
  assert.equal(await wsOutcome(`${base}?token=${host.token}`, origin), 'open');
});

test('open by path: progress, then the loaded trace with a decodable profile; it joins the recent files', async () => {
  const api = connectPage();
  const info = await api.getAppInfo();
  assert.equal(info.host, 'browser');
  const loaded = nextEvent(api, 'trace:loaded');
  const started = await api.openRecent(CPUPROFILE);
  const event = await loaded;
  assert.equal(event.importId, started.importId);
  assert.equal(event.format, 'chrome-cpuprofile');
  assert.ok(event.profile instanceof Uint8Array);
  const profile = decodeProfile(event.profile);
  assert.ok(profile.threads[0].count > 0);
  assert.equal(event.summary.format, 'chrome-cpuprofile');
  assert.ok(api.received.some((e) => e.channel === 'import:progress'), 'progress reached the page');
  assert.equal((await api.getCurrentTrace())?.traceId, event.traceId);
  // The recent list is written after the load; poll briefly for it.
  for (let i = 0; i < 50 && (await api.getRecentFiles()).length === 0; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal((await api.getRecentFiles())[0]?.path, CPUPROFILE);
});

test('a dropped file streams its bytes over the socket and imports', async () => {
  const api = connectPage();
  const bytes = readFileSync(SPEEDSCOPE);
  const loaded = nextEvent(api, 'trace:loaded');
  const started = await api.importDroppedFile(new File([bytes], 'dropped.speedscope.json'));
  assert.equal(started.totalBytes, bytes.length);
  const event = await loaded;
  assert.equal(event.importId, started.importId);
  assert.equal(event.fileName, 'dropped.speedscope.json');
  assert.equal(event.path, null);
  assert.equal(event.sizeBytes, bytes.length);
  assert.deepEqual(
    decodeProfile(event.profile).threads.map((t) => t.name),
    ['one', 'two'],
  );
});

test('cancel stops a running upload; a garbage file fails and the previous trace stays', async () => {
  const api = connectPage();
  const first = nextEvent(api, 'trace:loaded');
  await api.openRecent(SPEEDSCOPE);
  const previous = await first;

  // A file that is slow to read (a network drive): its second chunk never arrives.
  const head = new TextEncoder().encode('{"traceEvents":[');
  const slowFile = {
    name: 'slow.json',
    size: 64 * 1024 * 1024,
    slice: (start: number) => ({
      arrayBuffer: () => (start === 0 ? Promise.resolve(head.buffer) : new Promise<ArrayBuffer>(() => {})),
    }),
  } as unknown as File;
  const aborted = nextEvent(api, 'import:failed');
  const slow = await api.importDroppedFile(slowFile);
  assert.equal(await api.cancelImport(), true);
  const cancelled = await aborted;
  assert.equal(cancelled.importId, slow.importId);
  assert.equal(cancelled.code, 'aborted');
  assert.equal(await api.cancelImport(), false, 'nothing left to cancel');

  const garbage = join(mkdtempSync(join(tmpdir(), 'ta-garbage-')), 'garbage.bin');
  writeFileSync(garbage, Buffer.from('this is not a trace at all\u0000\u0001\u0002'.repeat(100)));
  const failedEvent = nextEvent(api, 'import:failed');
  const started = await api.openRecent(garbage);
  const failed = await failedEvent;
  assert.equal(failed.importId, started.importId);
  assert.notEqual(failed.code, 'aborted');
  assert.ok(failed.message.length > 0);
  assert.equal((await api.getCurrentTrace())?.traceId, previous.traceId, 'the previous trace is still the current one');
});

test('bad requests are answered with errors, not crashes', async () => {
  const api = connectPage();
  await assert.rejects(api.openRecent(''), /Invalid payload for trace:open-path/);
  await assert.rejects(api.openExternal('javascript:alert(1)'), /only https links/);
  assert.equal((await api.getAppInfo()).name, 'Trace Analyser');
});

test('a host started with a file has it loaded for the page that connects', async (t) => {
  const withFile = await startBrowserHost({ file: SPEEDSCOPE, userDataDir });
  t.after(() => withFile.stop());
  const api = connectPage(withFile.url);
  // Subscribed before asking, so a load finishing in between is not missed.
  const loaded = nextEvent(api, 'trace:loaded');
  const current = (await api.getCurrentTrace()) ?? (await loaded);
  assert.equal(current.fileName, 'two-sampled.speedscope.json');
  assert.equal(current.path, SPEEDSCOPE);
});

test('production mode serves the built renderer, with the bridge bundled in, under the app CSP', async (t) => {
  const built = await startBrowserHost({ renderer: 'production', userDataDir });
  t.after(() => built.stop());
  const get = (path: string, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; body: string; headers: Record<string, unknown> }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: built.port, path, headers }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
      });
      req.on('error', reject);
      req.end();
    });
  assert.equal((await get('/')).status, 403);
  const page = await get(`/?token=${built.token}`);
  assert.equal(page.status, 200);
  assert.match(String(page.headers['content-security-policy']), /script-src 'self'/);
  const script = page.body.match(/<script type="module"[^>]*src="([^"]+)"/)?.[1];
  assert.ok(script, 'one bundled module script');
  const cookie = String(page.headers['set-cookie']).split(';')[0];
  const bundle = await get(script, { cookie });
  assert.equal(bundle.status, 200);
  assert.match(bundle.body, /__trace-analyser\/ws/, 'the page bridge is in the bundle');
  assert.doesNotMatch(bundle.body, /\beval\(/);
});
