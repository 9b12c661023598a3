// Sync to Storage through the app's real services (import worker, TraceSync,
// the sync request handlers, signed in through the account service) against
// the Supabase stand-in. A proxy in front of the stand-in drops, stalls or refuses
// Storage traffic the way networks do, and shows what the client sent.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test, type TestContext } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { CATAPULT_TRACES, REAL_TRACES } from '../../shared-importer/node/trace-fixtures.ts';
import type { EventChannel, MainEvents, SyncState, TraceLoadedEvent } from '../../electron/ipc-contract.ts';
import { startAppServices, type AppServices } from '../../electron/services/app-services.ts';
import { fileKeyEncryption } from '../../electron/services/file-key-encryption.ts';
import { startSupabaseStandin, type SupabaseStandin } from '../../test-support/supabase-standin/index.ts';
import { createTestUser, type TestUser } from './test-user.ts';
import { startStorageFaultProxy, type StorageFaultProxy } from './storage-fault-proxy.ts';

const WORKER = new URL('../../electron/services/import-worker.ts', import.meta.url);
const JSON_TRACE = join(CATAPULT_TRACES, 'multiple_input_latency.json');
/** 3.1 MB, already gzipped: uploaded as it is, so its upload is large enough to cut in the middle. */
const GZIP_TRACE = join(REAL_TRACES, 'lighthouse/artifacts-speedindex-1ms-trace.json.gz');

let standin: SupabaseStandin;
let proxy: StorageFaultProxy;
beforeAll(async () => {
  standin = await startSupabaseStandin({ logFunctionOutput: false });
  proxy = await startStorageFaultProxy(standin.url);
});
afterAll(async () => {
  await proxy?.stop();
  await standin?.stop();
});

const sha256Of = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

let users = 0;
const newUser = () => createTestUser(standin, `sync-${++users}@example.com`);

/**
 * The app's services in a data folder, pointed at the stand-in through the
 * proxy and signed in as `user` when given, with a window that draws each
 * trace at once and records events.
 */
async function startApp(userDataDir: string, user: TestUser | undefined) {
  const events: { channel: EventChannel; payload: unknown }[] = [];
  let wake = () => {};
  const services: AppServices = await startAppServices({
    userDataDir,
    workerUrl: WORKER,
    adapters: { appInfo: { name: 'test', version: '0', host: 'browser', platform: process.platform, versions: { node: process.version } } },
    encryption: await fileKeyEncryption(join(userDataDir, 'secrets.key')),
    env: { SUPABASE_URL: proxy.url, SUPABASE_ANON_KEY: standin.anonKey },
    emit(channel, payload) {
      events.push({ channel, payload });
      if (channel === 'trace:loaded') services.imports.traceShown((payload as TraceLoadedEvent).traceId);
      wake();
    },
  });
  /** The first event on `channel` (from the `from`th on) that matches. */
  async function event<C extends EventChannel>(
    channel: C,
    matches: (payload: MainEvents[C]) => boolean = () => true,
    timeoutMs = 30_000,
  ): Promise<MainEvents[C]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = events.find((e) => e.channel === channel && matches(e.payload as MainEvents[C]));
      if (found) return found.payload as MainEvents[C];
      if (Date.now() > deadline) throw new Error(`no ${channel} event; got ${JSON.stringify(events.filter((e) => e.channel === 'sync:progress'))}`);
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 200);
      });
    }
  }
  const syncStates = (traceId: string) =>
    events.filter((e) => e.channel === 'sync:progress' && (e.payload as SyncState).traceId === traceId).map((e) => e.payload as SyncState);
  /** Opens a file and resolves with its traceId once it has loaded. */
  async function open(path: string): Promise<string> {
    const { importId } = await services.openPath(path);
    return (await event('trace:loaded', (e) => e.importId === importId)).traceId;
  }
  const synced = (traceId: string, status: SyncState['status'] = 'synced') => event('sync:progress', (s) => s.traceId === traceId && s.status === status);
  const signIn = (as: TestUser) => services.handlers['account:sign-in']({ email: as.email, password: as.password });
  const signOut = () => services.handlers['account:sign-out'](undefined);
  if (user) await signIn(user);
  return { services, events, event, syncStates, open, synced, signIn, signOut };
}

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'trace-sync-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function rowsOf(userId: string) {
  const { rows } = await standin.db.query<Record<string, unknown>>('select * from public.traces where user_id = $1', [userId]);
  return rows;
}

async function waitUntil(what: string, condition: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const uploadRequestsFrom = (start: number) => proxy.requests.slice(start);
const GZIP_SIZE = readFileSync(GZIP_TRACE).length;
const HALF = Math.floor(GZIP_SIZE / 2);
/** Waits until a PATCH sent since request `seen` has passed half the gzipped trace to the server. */
const halfForwarded = (seen: number) =>
  waitUntil('half the file reached the server', () => uploadRequestsFrom(seen).some((r) => r.method === 'PATCH' && r.forwarded === HALF));

/** A new user signed in, and the app's services for them in a fresh data folder, disposed after the test. */
async function signedInApp(t: TestContext) {
  const session = await newUser();
  const app = await startApp(dataDir(), session);
  t.onTestFinished(() => app.services.dispose());
  return { session, app };
}

describe('sync to Storage', () => {
  test('a trace opened while signed in is stored gzipped under <user>/<sha256>.json.gz, with its row', async (t) => {
    const { session, app } = await signedInApp(t);
    const traceId = await app.open(JSON_TRACE);
    const summary = await app.event('trace:summary', (s) => s.traceId === traceId);
    const synced = await app.synced(traceId);

    const sha256 = sha256Of(JSON_TRACE);
    const objectName = `${session.id}/${sha256}.json.gz`;
    const { data, error } = await session.supabase.storage.from('traces').download(objectName);
    assert.equal(error, null);
    const stored = Buffer.from(await data.arrayBuffer());
    assert.deepEqual(gunzipSync(stored), readFileSync(JSON_TRACE));
    assert.deepEqual(synced, { traceId, status: 'synced', bytesSent: stored.length, totalBytes: stored.length });
    assert.deepEqual((await app.services.handlers['trace:get-state'](undefined)).sync, synced, 'a window opened now learns it from the host state');
    assert.deepEqual([...new Set(app.syncStates(traceId).map((s) => s.status))], ['compressing', 'uploading', 'synced']);

    const [row] = await rowsOf(session.id);
    assert.equal(row.content_sha256, sha256);
    assert.equal(row.blob_path, objectName);
    assert.equal(row.file_name, 'multiple_input_latency.json');
    assert.equal(Number(row.size_bytes), readFileSync(JSON_TRACE).length);
    assert.equal(row.format, 'chrome-trace-event');
    assert.equal(summary.status, 'ready');
    if (summary.status === 'ready') {
      assert.equal(row.summary_text, summary.summaryText);
      assert.deepEqual(row.summary, JSON.parse(JSON.stringify(summary.summary)));
    }
    // What the chat is given.
    assert.equal(await app.services.sync.contentHash(traceId), sha256);
    assert.deepEqual(await app.services.sync.whenStored(traceId), { cloudTraceId: row.id, sha256 });
    // The compressed copy is deleted once stored.
    assert.deepEqual(
      readdirSync(app.services.sync['options'].folder.path).filter((f) => f.endsWith('.archive')),
      [],
    );
  });

  test('content already stored is not uploaded again, and a trace opened twice is one row', async (t) => {
    const { session, app } = await signedInApp(t);
    await app.synced(await app.open(JSON_TRACE));
    const [first] = await rowsOf(session.id);
    const seen = proxy.requests.length;

    const again = await app.open(JSON_TRACE);
    await app.synced(again);
    assert.deepEqual(uploadRequestsFrom(seen), [], 'nothing was sent to the resumable endpoint');
    const rows = await rowsOf(session.id);
    assert.equal(rows.length, 1);
    assert.equal((await app.services.sync.whenStored(again)).cloudTraceId, first.id);
  });

  test('an upload cut at about half resumes from what the server stored, without resending it', async (t) => {
    const { session, app } = await signedInApp(t);
    const seen = proxy.requests.length;
    proxy.setMode({ kind: 'cut', afterBytes: HALF });
    const traceId = await app.open(GZIP_TRACE);
    await app.synced(traceId);

    const patches = uploadRequestsFrom(seen).filter((r) => r.method === 'PATCH');
    const heads = uploadRequestsFrom(seen).filter((r) => r.method === 'HEAD');
    assert.equal(patches.length, 2, JSON.stringify(uploadRequestsFrom(seen)));
    assert.deepEqual([patches[0].offset, patches[0].forwarded, patches[0].status], [0, HALF, null], 'the first PATCH was cut');
    const storedBeforeResume = heads.at(-1).offset!;
    assert.ok(storedBeforeResume > GZIP_SIZE * 0.4, `the server kept ${storedBeforeResume} of ${GZIP_SIZE} bytes`);
    assert.equal(patches[1].offset, storedBeforeResume, 'the resumed PATCH starts where the server is');
    assert.equal(patches[1].forwarded, GZIP_SIZE - storedBeforeResume, 'and sends only the rest');
    const { data } = await session.supabase.storage.from('traces').download(`${session.id}/${sha256Of(GZIP_TRACE)}.json.gz`);
    assert.deepEqual(Buffer.from(await data!.arrayBuffer()), readFileSync(GZIP_TRACE));
  });

  test('the app quitting mid-upload: the next start resumes the upload where the server stopped', async () => {
    const session = await newUser();
    const dir = dataDir();
    const first = await startApp(dir, session);
    let seen = proxy.requests.length;
    proxy.takeForwarded();
    proxy.setMode({ kind: 'hold', afterBytes: HALF });
    const traceId = await first.open(GZIP_TRACE);
    await first.event('trace:summary', (s) => s.traceId === traceId);
    await halfForwarded(seen);
    await first.services.dispose();
    await waitUntil('the quit reached the proxy', () => uploadRequestsFrom(seen).every((r) => r.closed));
    proxy.setMode({ kind: 'pass' });
    assert.equal((await rowsOf(session.id))[0]?.blob_path ?? null, null, 'not stored yet');

    seen = proxy.requests.length;
    proxy.takeForwarded();
    const second = await startApp(dir, session);
    try {
      // The copy and its manifest go last, once the object is stored and the row names it.
      await waitUntil('the copy is deleted', () => readdirSync(join(dir, 'trace-sync')).every((f) => f.startsWith('upload-urls')));
    } finally {
      await second.services.dispose();
    }
    const resumed = uploadRequestsFrom(seen);
    const head = resumed.find((r) => r.method === 'HEAD')!;
    assert.ok(head.offset! > 0 && head.offset! <= GZIP_SIZE / 2, `the server had ${head.offset} bytes`);
    assert.deepEqual(
      resumed.filter((r) => r.method !== 'HEAD').map((r) => [r.method, r.offset]),
      [['PATCH', head.offset]],
      'no new upload was created: the stored URL was resumed',
    );
    assert.equal(proxy.takeForwarded(), GZIP_SIZE - head.offset!, 'only the bytes the server lacked were sent');
    const [row] = await rowsOf(session.id);
    assert.equal(row.blob_path, `${session.id}/${sha256Of(GZIP_TRACE)}.json.gz`);
    assert.ok(typeof row.summary_text === 'string' && row.summary_text.length > 0, 'the summary made before the quit is in the row');
  });

  test('Storage down: the trace loads and is summarised all the same, the failure is shown, retry syncs it', async (t) => {
    const { session, app } = await signedInApp(t);
    proxy.setMode({ kind: 'down', status: 503 });
    let traceId: string;
    try {
      traceId = await app.open(JSON_TRACE);
      assert.equal((await app.event('trace:summary', (s) => s.traceId === traceId)).status, 'ready');
      const failed = await app.synced(traceId, 'failed');
      assert.match(failed.message ?? '', /\S/);
    } finally {
      proxy.setMode({ kind: 'pass' });
    }
    await app.services.handlers['sync:retry']({ traceId });
    await app.synced(traceId);
    assert.equal((await rowsOf(session.id))[0].blob_path, `${session.id}/${sha256Of(JSON_TRACE)}.json.gz`);
  });

  test('cancel stops the upload; retry resumes it without resending what the server has', async (t) => {
    const { app } = await signedInApp(t);
    const seen = proxy.requests.length;
    proxy.takeForwarded();
    proxy.setMode({ kind: 'hold', afterBytes: HALF });
    const traceId = await app.open(GZIP_TRACE);
    await halfForwarded(seen);
    await app.services.handlers['sync:cancel']({ traceId });
    const cancelled = await app.synced(traceId, 'cancelled');
    assert.equal(cancelled.totalBytes, GZIP_SIZE);
    assert.ok(cancelled.bytesSent > 0, 'progress had been reported');
    await waitUntil('the cancel reached the proxy', () => uploadRequestsFrom(seen).every((r) => r.closed));
    proxy.setMode({ kind: 'pass' });

    const retried = proxy.requests.length;
    proxy.takeForwarded();
    await app.services.handlers['sync:retry']({ traceId });
    await app.synced(traceId);
    const head = uploadRequestsFrom(retried).find((r) => r.method === 'HEAD')!;
    const patches = uploadRequestsFrom(retried).filter((r) => r.method === 'PATCH');
    assert.ok(head.offset! > 0, `the server kept ${head.offset} bytes`);
    assert.deepEqual(
      patches.map((r) => r.offset),
      [head.offset],
      'the retry resumed where the server was',
    );
    assert.equal(proxy.takeForwarded(), GZIP_SIZE - head.offset!, 'and sent only the rest');
  });

  test('signing out stops the upload and says why; signing in again resumes it', async (t) => {
    const { session, app } = await signedInApp(t);
    const seen = proxy.requests.length;
    proxy.setMode({ kind: 'hold', afterBytes: HALF });
    const traceId = await app.open(GZIP_TRACE);
    await halfForwarded(seen);
    await app.signOut();
    assert.equal((await app.synced(traceId, 'failed')).message, 'Signed out before the upload finished.');
    await waitUntil('the sign-out reached the proxy', () => uploadRequestsFrom(seen).every((r) => r.closed));
    proxy.setMode({ kind: 'pass' });

    const failedAt = app.events.length;
    await app.signIn(session);
    await app.event('sync:progress', (s) => s.traceId === traceId && s.status === 'synced' && app.events.findIndex((e) => e.payload === s) > failedAt);
    const patches = uploadRequestsFrom(seen).filter((r) => r.method === 'PATCH');
    assert.ok(patches.at(-1).offset! > 0, 'the upload resumed');
  });

  test('a trace opened signed out syncs once the user signs in (the chat asks for a sign-in with the trace open)', async (t) => {
    const session = await newUser();
    const app = await startApp(dataDir(), undefined);
    t.onTestFinished(() => app.services.dispose());
    const traceId = await app.open(JSON_TRACE);
    await app.services.sync.contentHash(traceId);
    assert.deepEqual(app.syncStates(traceId), [], 'nothing syncs while signed out');
    await app.signIn(session);
    await app.synced(traceId);
    const [row] = await rowsOf(session.id);
    assert.equal(row.blob_path, `${session.id}/${sha256Of(JSON_TRACE)}.json.gz`);
  });

  test('signed out: nothing is uploaded; the copy of the trace on screen waits locally and goes once another trace replaces it', async (t) => {
    const dir = dataDir();
    const session = await newUser();
    const app = await startApp(dir, undefined);
    t.onTestFinished(() => app.services.dispose());
    const first = await app.open(JSON_TRACE);
    assert.equal(await app.services.sync.contentHash(first), sha256Of(JSON_TRACE));
    await assert.rejects(app.services.sync.whenStored(first), /sign in/);
    assert.deepEqual(app.syncStates(first), []);
    assert.equal(readdirSync(join(dir, 'trace-sync')).length, 1, 'one copy, of the trace on screen');

    const second = await app.open(GZIP_TRACE);
    await app.services.sync.contentHash(second);
    await waitUntil('the first copy is deleted', () => readdirSync(join(dir, 'trace-sync')).length === 1);
    await app.signIn(session);
    await app.synced(second);
    assert.deepEqual(app.syncStates(first), [], 'the trace no longer on screen is not synced');
    assert.deepEqual(
      (await rowsOf(session.id)).map((r) => r.content_sha256),
      [sha256Of(GZIP_TRACE)],
    );
    assert.deepEqual(
      readdirSync(join(dir, 'trace-sync')).filter((n) => !n.startsWith('upload-urls')),
      [],
    );
  });
});
