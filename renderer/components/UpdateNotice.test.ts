// The update notice and the Settings "Updates" part, rendered by React from
// the states the host reports (electron/services/update-service.ts).
import assert from 'node:assert/strict';
import { test } from 'vitest';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import type { UpdateState } from '../../electron/ipc-contract.ts';
import { UpdatesSectionView } from '../settings/UpdatesSection.tsx';
import { ReadyNotice, readyToShow } from './UpdateNotice.tsx';

type Ready = Extract<UpdateState, { status: 'ready' }>;

const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
const notice = (ready: Ready) => renderToStaticMarkup(createElement(ReadyNotice, { ready }));
const section = (state: UpdateState, checked = true) => renderToStaticMarkup(createElement(UpdatesSectionView, { state, checked, onChange: () => {} }));
const ready = (restartWaitsFor: Ready['restartWaitsFor'] = null): Ready => ({
  status: 'ready',
  version: '0.2.0',
  releaseNotes: 'Zip <b> imports',
  restartWaitsFor,
});

test('a ready update shows "Version X is ready" with Restart now and Later as buttons, and its notes as text', () => {
  const html = notice(ready());
  assert.equal(text(html), "Version 0.2.0 is ready What's new Zip &lt;b&gt; imports Later Restart now");
  assert.match(html, /role="status"/);
  assert.match(html, /<button type="button" data-testid="update-later">Later<\/button>/);
  assert.match(html, /<button type="button" class="primary" data-testid="update-restart">Restart now<\/button>/, 'enabled, reachable by Tab');
});

test('while the host waits for an answer or an import, the notice says so and Restart is not offered again', () => {
  assert.match(text(notice(ready('answer'))), /Will restart when the answer finishes\./);
  assert.match(notice(ready('answer')), /class="primary" disabled="" data-testid="update-restart"/);
  assert.match(text(notice(ready('import'))), /Will restart when the import finishes\./);
});

test('Later puts off that version only; nothing shows before an update is ready', () => {
  assert.equal(readyToShow({ status: 'downloading', version: '0.2.0', percent: 40 }, null), null);
  assert.equal(readyToShow(null, null), null);
  assert.equal(readyToShow(ready(), '0.2.0'), null);
  assert.equal(readyToShow({ ...ready(), version: '0.3.0' }, '0.2.0')?.version, '0.3.0');
});

test('Settings: the opt-out, with why updates are off; a host that cannot update disables it', () => {
  let html = section({ status: 'off', reason: 'development build', bySetting: false });
  assert.equal(text(html), 'Updates Check for updates automatically Updates are off: development build.');
  assert.match(html, /type="checkbox" disabled=""/);
  assert.doesNotMatch(html, /checked=""/);

  html = section({ status: 'off', reason: 'turned off in Settings', bySetting: true }, false);
  assert.match(text(html), /Updates are off: turned off in Settings\./);
  assert.doesNotMatch(html, /disabled=""/, 'the user can turn them back on');

  assert.match(section({ status: 'idle', checkedAt: null }), /type="checkbox" data-testid="settings-autoUpdate" checked=""/);
  const failed = section({ status: 'failed', message: 'the update feed was not found', checkedAt: '2026-12-03T10:00:00.000Z' });
  assert.match(text(failed), /The last check failed: the update feed was not found\. The next check tries again\./);
  assert.match(text(section({ status: 'downloading', version: '0.2.0', percent: 40 })), /Downloading version 0\.2\.0 \(40%\)…/);
});
