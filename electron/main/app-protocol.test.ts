import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'vitest';
import { APP_SCHEME_PRIVILEGES, createAppProtocolHandler, resolveAppPath } from './app-protocol.ts';
import { fromWire, stateFromWire, stateToWire, toWire } from '../profile-transfer.ts';
import { APP_ORIGIN } from './window-security.ts';

function rendererDir(): string {
  const root = mkdtempSync(join(tmpdir(), 'ta-protocol-'));
  const dir = join(root, 'renderer');
  mkdirSync(join(dir, 'assets'), { recursive: true });
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Trace Analyser</title>');
  writeFileSync(join(dir, 'assets', 'index.js'), 'console.log(1)');
  writeFileSync(join(root, 'secret.txt'), 'outside the renderer');
  return dir;
}

test('the scheme is registered standard and secure, so it has a real origin', () => {
  assert.equal(APP_SCHEME_PRIVILEGES.scheme, 'app');
  assert.equal(APP_SCHEME_PRIVILEGES.privileges?.standard, true);
  assert.equal(APP_SCHEME_PRIVILEGES.privileges?.secure, true);
});

test('app:// serves the built renderer with the CSP header', async () => {
  const handler = createAppProtocolHandler(rendererDir());
  const page = await handler(new Request(`${APP_ORIGIN}/`));
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<title>Trace Analyser<\/title>/);
  assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.match(page.headers.get('content-security-policy')!, /script-src 'self'/);
  assert.equal(page.headers.get('x-content-type-options'), 'nosniff');

  const script = await handler(new Request(`${APP_ORIGIN}/assets/index.js`));
  assert.equal(script.status, 200);
  assert.equal(script.headers.get('content-type'), 'text/javascript; charset=utf-8');
  assert.equal((await handler(new Request(`${APP_ORIGIN}/missing.js`))).status, 404);
});

test('requests cannot escape the renderer folder or reach other hosts', async () => {
  const dir = rendererDir();
  const handler = createAppProtocolHandler(dir);
  for (const url of [
    `${APP_ORIGIN}/../secret.txt`,
    `${APP_ORIGIN}/%2e%2e/secret.txt`,
    `${APP_ORIGIN}/assets/%2e%2e%2f%2e%2e%2fsecret.txt`,
    `${APP_ORIGIN}/..%5csecret.txt`,
    'app://another-host/index.html',
  ]) {
    const response = await handler(new Request(url));
    assert.equal(response.status, 404, url);
  }
  assert.equal(resolveAppPath(`${APP_ORIGIN}/assets/index.js`, dir), join(dir, 'assets', 'index.js'));
  assert.equal(resolveAppPath(`${APP_ORIGIN}/%00index.html`, dir), null);
  assert.equal(resolveAppPath('https://trace-analyser/index.html', dir), null);
});

test('a loaded profile is served at its app:// URL (too large for IPC) and fetched back whole', async () => {
  const bytes = new Uint8Array(3 * 1024 * 1024 + 5).map((_, i) => i % 251);
  const handler = createAppProtocolHandler(rendererDir(), {
    profileOf: (traceId) => (traceId === 'trace-1' ? bytes : null),
    corsOrigins: ['http://localhost:5173'],
  });
  const event = {
    importId: 'i',
    traceId: 'trace-1',
    fileName: 'big.json',
    path: null,
    sizeBytes: 1,
    format: 'chrome-trace-event' as const,
    profile: bytes,
    complete: true,
    importMs: 1,
  };
  const wire = toWire(event);
  assert.equal('profile' in wire, false, 'no bytes on the IPC message');
  assert.equal(wire.profileUrl, `${APP_ORIGIN}/__profile/trace-1`);
  const back = await fromWire(wire, (url) => handler(new Request(url)));
  assert.deepEqual(back.profile, bytes);
  assert.equal(back.fileName, 'big.json');

  assert.equal((await handler(new Request(`${APP_ORIGIN}/__profile/other-trace`))).status, 404);
  const dev = await handler(new Request(wire.profileUrl, { headers: { origin: 'http://localhost:5173' } }));
  assert.equal(dev.headers.get('access-control-allow-origin'), 'http://localhost:5173');
  const foreign = await handler(new Request(wire.profileUrl, { headers: { origin: 'https://evil.example' } }));
  assert.equal(foreign.headers.get('access-control-allow-origin'), null);
  await assert.rejects(
    fromWire({ ...wire, profileUrl: `${APP_ORIGIN}/__profile/gone` }, (url) => handler(new Request(url))),
    /Could not fetch the profile of trace trace-1 \(404\)/,
  );

  // The host's trace state carries the loaded trace the same way; the summary, the failure and the sync state travel as they are.
  const failure = { importId: 'j', fileName: 'bad.json', code: 'unknown-format' as const, message: 'Could not recognise "bad.json".' };
  const sync = { traceId: 'trace-1', status: 'uploading' as const, bytesSent: 10, totalBytes: 20 };
  const stateWire = stateToWire({ loaded: event, summary: { traceId: 'trace-1', status: 'failed', message: 'm' }, failure, sync });
  assert.equal('profile' in stateWire.loaded!, false, 'no bytes in the state either');
  const state = await stateFromWire(structuredClone(stateWire), (url) => handler(new Request(url)));
  assert.deepEqual(state.loaded?.profile, bytes);
  assert.deepEqual(state.summary, { traceId: 'trace-1', status: 'failed', message: 'm' });
  assert.deepEqual(state.failure, failure);
  assert.deepEqual(state.sync, sync);
  assert.deepEqual(await stateFromWire(stateToWire({ loaded: null, summary: null, failure, sync: null })), {
    loaded: null,
    summary: null,
    failure,
    sync: null,
  });
});
