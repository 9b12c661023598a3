import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'vitest';
import type { Session, WebContents } from 'electron';
import {
  APP_ORIGIN,
  contentSecurityPolicy,
  denyAllPermissions,
  handleWindowOpen,
  hardenWebContents,
  isTrustedUrl,
  mainWindowOptions,
  trustedOrigins,
} from './window-security.ts';

test('the window is isolated, sandboxed, without Node, with web security on', () => {
  const options = mainWindowOptions('/app/out/preload/index.cjs');
  const prefs = options.webPreferences!;
  assert.equal(prefs.preload, '/app/out/preload/index.cjs');
  assert.equal(prefs.contextIsolation, true);
  assert.equal(prefs.sandbox, true);
  assert.equal(prefs.nodeIntegration, false);
  assert.equal(prefs.nodeIntegrationInWorker, false);
  assert.equal(prefs.nodeIntegrationInSubFrames, false);
  assert.equal(prefs.webSecurity, true);
  assert.equal(prefs.allowRunningInsecureContent, false);
  assert.equal(prefs.webviewTag, false);
  assert.equal(prefs.experimentalFeatures, false);
  assert.equal(options.show, false, 'shown on ready-to-show, never as a blank window');
});

test('the CSP allows only our own scripts and connections: no eval, no inline script, no plugins, no framing', () => {
  const csp = contentSecurityPolicy();
  const directives = new Map(csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
  assert.deepEqual(directives.get('script-src'), ["'self'"]);
  assert.doesNotMatch(csp, /unsafe-eval/);
  assert.deepEqual(directives.get('object-src'), ["'none'"]);
  assert.deepEqual(directives.get('frame-ancestors'), ["'none'"]);
  assert.deepEqual(directives.get('connect-src'), ["'self'"], 'the cloud is reached from the main process only');
  assert.equal(directives.get('default-src')?.[0], "'self'");
});

/** Records what hardenWebContents attaches, like Electron's WebContents would. */
class RecordingContents extends EventEmitter {
  windowOpenHandler?: (details: { url: string }) => { action: string };
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
    this.windowOpenHandler = handler;
  }
}

test('navigation, redirects and webviews are prevented; window.open is denied, https links go to the browser', () => {
  const contents = new RecordingContents();
  const opened: string[] = [];
  hardenWebContents(contents as unknown as WebContents, (url) => opened.push(url));

  for (const event of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
    let prevented = false;
    contents.emit(event, { preventDefault: () => (prevented = true) }, 'https://evil.example/');
    assert.ok(prevented, `${event} is prevented`);
  }

  assert.deepEqual(contents.windowOpenHandler!({ url: 'https://docs.example.com/a?b=c' }), { action: 'deny' });
  assert.deepEqual(contents.windowOpenHandler!({ url: 'file:///etc/passwd' }), { action: 'deny' });
  assert.deepEqual(contents.windowOpenHandler!({ url: 'javascript:alert(1)' }), { action: 'deny' });
  assert.deepEqual(
    handleWindowOpen('smb://share/x', (url) => opened.push(url)),
    { action: 'deny' },
  );
  assert.deepEqual(
    handleWindowOpen('https://user:pw@example.com/', (url) => opened.push(url)),
    { action: 'deny' },
  );
  assert.deepEqual(opened, ['https://docs.example.com/a?b=c'], 'only the https link without credentials was opened');
});

test('every permission request and check is denied', () => {
  const handlers: Record<string, (...args: unknown[]) => unknown> = {};
  const session = {
    setPermissionRequestHandler: (h: (...args: unknown[]) => unknown) => (handlers.request = h),
    setPermissionCheckHandler: (h: (...args: unknown[]) => unknown) => (handlers.check = h),
    setDevicePermissionHandler: (h: (...args: unknown[]) => unknown) => (handlers.device = h),
  };
  denyAllPermissions(session as unknown as Session);
  for (const permission of ['media', 'notifications', 'geolocation', 'clipboard-read', 'openExternal']) {
    let granted: boolean | undefined;
    handlers.request({}, permission, (answer: boolean) => (granted = answer), {});
    assert.equal(granted, false, permission);
    assert.equal(handlers.check({}, permission, APP_ORIGIN, {}), false, permission);
  }
  assert.equal(handlers.device({ deviceType: 'usb', origin: APP_ORIGIN }), false);
});

test('trusted URLs are our app:// origin (and the dev server in development), nothing else', () => {
  const packaged = trustedOrigins();
  assert.ok(isTrustedUrl(`${APP_ORIGIN}/index.html`, packaged));
  assert.ok(!isTrustedUrl('app://other-host/index.html', packaged));
  assert.ok(!isTrustedUrl('file:///index.html', packaged));
  assert.ok(!isTrustedUrl('http://localhost:5173/', packaged));
  assert.ok(!isTrustedUrl('not a url', packaged));
  const dev = trustedOrigins('http://localhost:5173/');
  assert.ok(isTrustedUrl('http://localhost:5173/index.html', dev));
  assert.ok(!isTrustedUrl('http://localhost:5174/', dev));
});
