// The browser host end to end in Node: the real HTTP server, the real
// WebSocket, the real page bridge (preload/browser-bridge.ts) over the `ws`
// client and Node's fetch, the real import worker and real traces.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, test } from 'vitest';
import { WebSocket as NodeWebSocket } from 'ws';
import { TraceImportError } from '../../shared-importer/src/errors.ts';
import { importTraceFile } from '../../shared-importer/node/node-host.ts';
import { decodeProfile } from '../../shared-importer/src/model/profile-codec.ts';
import { installBrowserBridge } from '../../preload/browser-bridge.ts';
import type { EventChannel, ImportFailedEvent, MainEvents, TraceAnalyserApi } from '../ipc-contract.ts';
import { startBrowserHost, type BrowserHost } from './browser-host.ts';
import { UPLOAD_PATH, WS_PATH, type UploadStartResult } from './ws-protocol.ts';
import { SAMPLE_TRACES } from '../../shared-importer/node/trace-fixtures.ts';

const SPEEDSCOPE = join(SAMPLE_TRACES, 'speedscope/0.6.0/two-sampled.speedscope.json');
const CPUPROFILE = join(SAMPLE_TRACES, 'Chrome/65/simple.cpuprofile');

let host: BrowserHost;
const userDataDir = mkdtempSync(join(tmpdir(), 'ta-host-'));

beforeAll(async () => {
  host = await startBrowserHost({ userDataDir });
});
afterAll(() => host.stop());

/**
 * The page's bridge, running in Node: `ws` and Node's fetch stand in for the
 * browser's WebSocket and fetch, sending the page's Origin as a browser does.
 * `uploadBody` replaces what the page's fetch sends for a file (a slow disk).
 */
function connectPage(
  url = host.url,
  uploadBody?: (file: File) => ReadableStream<Uint8Array>,
): TraceAnalyserApi & { received: { channel: EventChannel; payload: unknown }[]; uploads: Promise<Response>[] } {
  const origin = new URL(url).origin;
  class PageWebSocket extends NodeWebSocket {
    constructor(address: string) {
      super(address, { origin });
    }
  }
  (globalThis as { WebSocket?: unknown }).WebSocket = PageWebSocket;
  const uploads: Promise<Response>[] = [];
  const pageFetch = (input: string, init: RequestInit) => {
    const body = uploadBody && init.body instanceof File ? uploadBody(init.body) : init.body;
    const sent = fetch(input, { ...init, body, duplex: 'half', headers: { ...(init.headers as Record<string, string>), origin } } as RequestInit);
    uploads.push(sent);
    return sent;
  };
  const page = { location: { href: url }, open: () => null, fetch: pageFetch } as unknown as Window;
  installBrowserBridge(page);
  const api = page.traceAnalyser;
  const received: { channel: EventChannel; payload: unknown }[] = [];
  api.onImportProgress((p) => received.push({ channel: 'import:progress', payload: p }));
  api.onImportFailed((p) => received.push({ channel: 'import:failed', payload: p }));
  api.onTraceLoaded((p) => received.push({ channel: 'trace:loaded', payload: p }));
  api.onTraceSummary((p) => received.push({ channel: 'trace:summary', payload: p }));
  return Object.assign(Object.create(api) as TraceAnalyserApi, { received, uploads });
}

function nextEvent<C extends 'trace:loaded' | 'trace:profile' | 'trace:summary' | 'import:failed' | 'import:progress'>(
  api: TraceAnalyserApi,
  channel: C,
): Promise<MainEvents[C]> {
  const subscribe = {
    'trace:loaded': api.onTraceLoaded,
    'trace:profile': api.onTraceProfile,
    'trace:summary': api.onTraceSummary,
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

test("with hot reload off, Vite's dev client opens no socket of its own", async () => {
  const page = await httpGet(`/?token=${host.token}`);
  const cookie = String(page.headers['set-cookie']).split(';')[0];
  const client = await httpGet('/@vite/client', { cookie });
  assert.equal(client.status, 200);
  assert.match(client.body, /export function updateStyle/, 'CSS modules still get their style helpers');
  assert.doesNotMatch(client.body, /WebSocket/);
  // Nothing but the bridge's socket is upgraded.
  const origin = `http://127.0.0.1:${host.port}`;
  assert.equal(await wsOutcome(`ws://127.0.0.1:${host.port}/?token=${host.token}`, origin), 403);
});

test('open by path: progress, then the loaded trace with a decodable profile, then its summary; it joins the recent files', async () => {
  const api = connectPage();
  const info = await api.getAppInfo();
  assert.equal(info.host, 'browser');
  const loaded = nextEvent(api, 'trace:loaded');
  const summarized = nextEvent(api, 'trace:summary');
  const started = await api.openRecent(CPUPROFILE);
  const event = await loaded;
  assert.equal(event.importId, started.importId);
  assert.equal(event.format, 'chrome-cpuprofile');
  assert.ok(event.profile instanceof Uint8Array);
  const profile = decodeProfile(event.profile);
  assert.ok(profile.threads[0].count > 0);
  // As the renderer does once it has drawn the trace: the host summarises it then.
  await api.traceShown(event.traceId);
  const summary = await summarized;
  assert.equal(summary.traceId, event.traceId);
  assert.ok(summary.status === 'ready' && summary.summary.format === 'chrome-cpuprofile');
  assert.ok(
    api.received.some((e) => e.channel === 'import:progress'),
    'progress reached the page',
  );
  const state = await api.getTraceState();
  assert.equal(state.loaded?.traceId, event.traceId);
  assert.deepEqual(
    decodeProfile(state.loaded.profile).threads.map((t) => t.count),
    profile.threads.map((t) => t.count),
  );
  assert.deepEqual(state.summary, summary);
  // The recent list is written after the load; poll briefly for it.
  for (let i = 0; i < 50 && (await api.getRecentFiles()).length === 0; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal((await api.getRecentFiles())[0]?.path, CPUPROFILE);
});

test('a dropped file streams its bytes in one POST and imports', async () => {
  const api = connectPage();
  const bytes = readFileSync(SPEEDSCOPE);
  const loaded = nextEvent(api, 'trace:loaded');
  const whole = nextEvent(api, 'trace:profile');
  const started = await api.importDroppedFile(new File([bytes], 'dropped.speedscope.json'));
  assert.equal(started.totalBytes, bytes.length);
  const event = await loaded;
  assert.equal(event.importId, started.importId);
  assert.equal(event.fileName, 'dropped.speedscope.json');
  assert.equal(event.path, null);
  assert.equal(event.sizeBytes, bytes.length);
  // Two threads: the one drawn first comes alone; the rest once the page says it has drawn it.
  assert.equal(event.complete, false);
  assert.equal(decodeProfile(event.profile).threads.length, 1);
  await api.traceShown(event.traceId);
  const rest = await whole;
  assert.equal(rest.traceId, event.traceId);
  assert.deepEqual(
    decodeProfile(rest.profile).threads.map((t) => t.name),
    ['one', 'two'],
  );
  assert.equal(api.uploads.length, 1, 'one request for the whole file');
  assert.equal((await api.uploads[0]).status, 204);
});

/** A file body that sends its first bytes, then `afterAll()` decides: hang (slow disk) or fail (disk gone). */
function stalledBody(after: 'hang' | 'fail') {
  return (file: File) => {
    let sentHead = false;
    return new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (!sentHead) {
          sentHead = true;
          controller.enqueue(new Uint8Array(await file.slice(0, 16).arrayBuffer()));
          return;
        }
        if (after === 'fail') controller.error(new Error('The disk went away.'));
        else await new Promise(() => {});
      },
    });
  };
}

test('cancel stops a running upload; a garbage file fails and the previous trace stays', async () => {
  const api = connectPage(host.url, stalledBody('hang'));
  const first = nextEvent(api, 'trace:loaded');
  await api.openRecent(SPEEDSCOPE);
  const previous = await first;

  // A file that is slow to read (a network drive): after its first bytes nothing more arrives.
  const slowFile = new File([new TextEncoder().encode('{"traceEvents":['), new Uint8Array(8 * 1024 * 1024)], 'slow.json');
  const aborted = nextEvent(api, 'import:failed');
  const slow = await api.importDroppedFile(slowFile);
  assert.equal(await api.cancelImport(), true);
  const cancelled = await aborted;
  assert.equal(cancelled.importId, slow.importId);
  assert.equal(cancelled.code, 'aborted');
  assert.equal(await api.cancelImport(), false, 'nothing left to cancel');
  await assert.rejects(api.uploads[0], { name: 'AbortError' }, 'the page stopped sending the file');

  const garbage = join(mkdtempSync(join(tmpdir(), 'ta-garbage-')), 'garbage.bin');
  writeFileSync(garbage, Buffer.from('this is not a trace at all\u0000\u0001\u0002'.repeat(100)));
  const failedEvent = nextEvent(api, 'import:failed');
  const started = await api.openRecent(garbage);
  const failed = await failedEvent;
  assert.equal(failed.importId, started.importId);
  assert.notEqual(failed.code, 'aborted');
  assert.ok(failed.message.length > 0);
  const state = await api.getTraceState();
  assert.equal(state.loaded?.traceId, previous.traceId, 'the previous trace is still the current one');
  assert.deepEqual(state.failure, failed, 'and the failure is kept for a page that connects later');
});

test('an upload that breaks off cancels its import', async () => {
  const api = connectPage(host.url, stalledBody('fail'));
  const failedEvent = nextEvent(api, 'import:failed');
  const started = await api.importDroppedFile(new File([readFileSync(SPEEDSCOPE)], 'broken.speedscope.json'));
  const failed = await failedEvent;
  assert.equal(failed.importId, started.importId);
  assert.equal(failed.code, 'aborted');
  assert.equal(host.services.imports.isRunning, false);
});

/** A page's socket that announces uploads itself, so the test sends (or withholds) the POST. */
async function announcer() {
  const origin = `http://127.0.0.1:${host.port}`;
  const ws = new NodeWebSocket(`ws://127.0.0.1:${host.port}${WS_PATH}?token=${host.token}`, { origin });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const messages: { type: string; id?: number; result?: unknown; channel?: string; payload?: { importId?: string } }[] = [];
  ws.on('message', (data, isBinary) => {
    if (!isBinary) messages.push(JSON.parse(String(data)));
  });
  let nextId = 1;
  const until = async <T>(find: () => T | undefined): Promise<T> => {
    for (;;) {
      const found = find();
      if (found !== undefined) return found;
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  return {
    ws,
    async announce(totalBytes: number): Promise<UploadStartResult> {
      const id = nextId++;
      ws.send(JSON.stringify({ type: 'upload-start', id, fileName: 'x.json', totalBytes }));
      return until(() => messages.find((m) => m.type === 'response' && m.id === id)?.result as UploadStartResult | undefined);
    },
    failedFor: (importId: string) => until(() => messages.find((m) => m.type === 'event' && m.channel === 'import:failed' && m.payload?.importId === importId)),
  };
}

function post(path: string, headers: Record<string, string>, body: string, method = 'POST'): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, path, method, headers }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('uploads need the token, our origin, POST, a live id and the announced size', async () => {
  const page = await announcer();
  const origin = `http://127.0.0.1:${host.port}`;
  const { uploadId, started } = await page.announce(5);
  const path = (id: string, token = host.token) => `${UPLOAD_PATH}?token=${token}&id=${id}`;
  assert.equal(await post(path(uploadId, 'wrong'), { origin }, '12345'), 403);
  assert.equal(await post(path(uploadId), {}, '12345'), 403, 'no Origin: not our page');
  assert.equal(await post(path(uploadId), { origin: 'http://evil.example' }, '12345'), 403);
  assert.equal(await post(path(uploadId), { origin }, '', 'GET'), 405);
  assert.equal(await post(path('nope'), { origin }, '12345'), 404);
  // Refusals above left the upload waiting; a body larger than announced fails it.
  assert.equal(await post(path(uploadId), { origin }, '1234567890'), 413);
  const failed = await page.failedFor(started.importId);
  assert.ok(failed);
  assert.equal(await post(path(uploadId), { origin }, '12345'), 404, 'an upload id is used once');

  // A page that goes away before sending what it announced: its import is cancelled.
  const orphan = await page.announce(100);
  assert.equal(host.services.imports.isRunning, true);
  page.ws.close();
  await new Promise((r) => page.ws.once('close', r));
  for (let i = 0; i < 100 && host.services.imports.isRunning; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(host.services.imports.isRunning, false, `import ${orphan.started.importId} was cancelled`);
});

test('bad requests are answered with errors, not crashes', async () => {
  const api = connectPage();
  await assert.rejects(api.openRecent(''), /Invalid payload for trace:open-path/);
  await assert.rejects(api.openExternal('javascript:alert(1)'), /only https links/);
  assert.equal((await api.getAppInfo()).name, 'Trace Analyser');
});

test('the browser host never updates itself, and says so', async () => {
  const api = connectPage();
  assert.deepEqual(await api.getUpdateState(), { status: 'off', reason: 'browser host (npm run serve)', bySetting: false });
  await assert.rejects(api.restartToUpdate(), /No update has been downloaded/);
});

test('a host started with a file has it loaded for the page that connects', async (t) => {
  const withFile = await startBrowserHost({ file: SPEEDSCOPE, userDataDir });
  t.onTestFinished(() => withFile.stop());
  const api = connectPage(withFile.url);
  // Subscribed before asking, so a load finishing in between is not missed.
  const loaded = nextEvent(api, 'trace:loaded');
  const current = (await api.getTraceState()).loaded ?? (await loaded);
  assert.equal(current.fileName, 'two-sampled.speedscope.json');
  assert.equal(current.path, SPEEDSCOPE);
});

test('a host started with a file it cannot open tells the page that connects later why', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ta-start-'));
  const notes = join(dir, 'notes.json');
  writeFileSync(notes, JSON.stringify({ hello: 'world' }));
  const expected = await importTraceFile(notes).then(
    () => assert.fail('notes.json imported'),
    (error: unknown) => error,
  );
  assert.ok(expected instanceof TraceImportError);
  for (const [file, matches] of [
    [notes, (failure: ImportFailedEvent) => failure.message === expected.message],
    [join(dir, 'missing.json'), (failure: ImportFailedEvent) => failure.code === 'io-error' && failure.message.includes(join(dir, 'missing.json'))],
  ] as const) {
    const started = await startBrowserHost({ file, userDataDir });
    t.onTestFinished(() => started.stop());
    // The import fails before any page listens.
    for (let i = 0; i < 200 && !started.services.imports.state.failure; i++) await new Promise((r) => setTimeout(r, 10));
    const { loaded, failure } = await connectPage(started.url).getTraceState();
    assert.equal(loaded, null);
    assert.ok(failure && matches(failure), JSON.stringify(failure));
    assert.equal(failure.fileName, basename(file));
  }
});

test('production mode serves the built renderer, with the bridge bundled in, under the app CSP', async (t) => {
  const built = await startBrowserHost({ renderer: 'production', userDataDir });
  t.onTestFinished(() => built.stop());
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
