// The update service over electron-updater's real AppImageUpdater reading a
// feed served by the test (test-support/update-feed.ts): its generic provider,
// its download and sha512 check, its cache. quitAndInstall is the boundary.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'vitest';
import { ARTIFACT, CURRENT_VERSION, FEED_FILE, downloadedFiles, startUpdateFeed, type FeedOptions } from '../../test-support/update-feed.ts';
import type { UpdateState } from '../ipc-contract.ts';
import { AppSettings } from './app-settings.ts';
import { fileKeyEncryption } from './file-key-encryption.ts';
import { SecretStore } from './secret-store.ts';
import { UPDATES_OFF, UpdateService, desktopUpdateSource, describeUpdateError, releaseNotesText, type PlatformUpdater } from './update-service.ts';

const FAST = { firstCheckDelayMs: 10, checkIntervalMs: 60 * 60 * 1000, busyPollMs: 10 };

async function openSettings(dir: string) {
  const secrets = new SecretStore(join(dir, 'secrets.json'), await fileKeyEncryption(join(dir, 'secrets.key')));
  return AppSettings.open({ userDataDir: dir, secrets, env: {} });
}

interface Setup extends FeedOptions {
  autoUpdate?: boolean;
  firstCheckDelayMs?: number;
  checkIntervalMs?: number;
}

/** A packaged app at 0.1.0 whose app-update.yml points at a feed served by the test, and the service over it. */
async function updateSetup(t: Pick<TestContext, 'onTestFinished'>, setup: Setup = {}) {
  const { dir, updater, feed, artifact } = await startUpdateFeed(t, setup);
  const settings = await openSettings(dir);
  if (setup.autoUpdate === false) await settings.save({ autoUpdate: false });
  const busy = { answer: false, import: false };
  const states: UpdateState[] = [];
  const warnings: string[] = [];
  let updatersMade = 0;
  const service = new UpdateService({
    source: { createUpdater: () => (updatersMade++, updater) },
    settings,
    isAnswering: () => busy.answer,
    isImporting: () => busy.import,
    onState: (state) => states.push(state),
    log: { warn: (message: string) => warnings.push(message) },
    ...FAST,
    ...(setup.firstCheckDelayMs && { firstCheckDelayMs: setup.firstCheckDelayMs }),
    ...(setup.checkIntervalMs && { checkIntervalMs: setup.checkIntervalMs }),
  });
  t.onTestFinished(() => service.dispose());
  return { dir, updater, settings, service, busy, states, warnings, feed, artifact, updatersMade: () => updatersMade };
}

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('finds 0.2.0 on the feed, downloads and verifies it in the background, asks the window, and installs only when the user accepts', async (t) => {
  const { dir, updater, service, states, feed, artifact } = await updateSetup(t, { releaseNotes: '<h2>Faster imports</h2><ul><li>Zip &amp; gzip</li></ul>' });
  service.start();
  await until(() => service.current.status === 'ready', 'the update to be ready');

  assert.deepEqual(service.current, { status: 'ready', version: '0.2.0', releaseNotes: 'Faster imports\nZip & gzip', restartWaitsFor: null });
  assert.deepEqual(
    states.map((s) => s.status).filter((s, i, all) => s !== all[i - 1]),
    ['checking', 'downloading', 'ready'],
  );
  assert.deepEqual(feed.requests, [`/${FEED_FILE}`, `/${ARTIFACT('0.2.0')}`], 'the feed, then the artifact');
  const pending = downloadedFiles(dir).filter((f) => f.endsWith('.AppImage'));
  assert.deepEqual(pending, [ARTIFACT('0.2.0')]);
  assert.deepEqual(readFileSync(join(dir, 'cache', 'trace-analyser-updater', 'pending', pending[0])), artifact, 'the bytes the feed published');

  await sleep(50);
  assert.equal(updater.installs, 0, 'nothing installs before the user accepts');
  const answer = await service.restart();
  assert.equal(answer.status, 'ready');
  assert.equal(updater.installs, 1);
});

test('while an answer streams the restart waits, then an import holds it; it happens once both are done', async (t) => {
  const { updater, service, busy, states, feed } = await updateSetup(t, { checkIntervalMs: 40 });
  service.start();
  await until(() => service.current.status === 'ready', 'the update to be ready');

  busy.answer = true;
  assert.deepEqual(await service.restart(), { status: 'ready', version: '0.2.0', releaseNotes: null, restartWaitsFor: 'answer' });
  // Scheduled checks go on meanwhile; finding the same version again does not forget the wait.
  const checks = feed.requests.length;
  const sinceRestart = states.length;
  await until(() => feed.requests.length >= checks + 2, 'two more checks');
  await sleep(20);
  assert.deepEqual(
    states.slice(sinceRestart).filter((s) => !(s.status === 'ready' && s.restartWaitsFor === 'answer')),
    [],
    'every state since says the restart waits for the answer',
  );
  assert.equal(updater.installs, 0, 'never while the answer streams');

  busy.answer = false;
  busy.import = true;
  await until(() => service.current.status === 'ready' && service.current.restartWaitsFor === 'import', 'the wait to name the import');
  await sleep(60);
  assert.equal(updater.installs, 0, 'never while an import runs');

  busy.import = false;
  await until(() => updater.installs > 0, 'the install once idle');
  await sleep(60);
  assert.equal(updater.installs, 1, 'once');
  assert.ok(
    states.some((s) => s.status === 'ready' && s.restartWaitsFor === 'answer'),
    'the window was told what it waits for',
  );
});

test('a download whose sha512 does not match the feed fails quietly: reported, logged, nothing kept to install', async (t) => {
  const { dir, updater, service, warnings, feed } = await updateSetup(t, { wrongSha512: true });
  service.start();
  await until(() => service.current.status === 'failed', 'the failure');

  const state = service.current as Extract<UpdateState, { status: 'failed' }>;
  assert.equal(state.message, 'the downloaded update did not match its checksum and was discarded');
  assert.match(warnings.join('\n'), /sha512 checksum mismatch/);
  assert.deepEqual(
    downloadedFiles(dir).filter((f) => f.endsWith('.AppImage')),
    [],
    'the bad download is deleted',
  );
  await assert.rejects(service.restart(), /No update has been downloaded/);
  assert.equal(updater.installs, 0);
  await sleep(100);
  assert.equal(feed.requests.length, 2, 'no retry loop: the next try is the next scheduled check');
});

test('a missing feed and an unreachable server are quiet failures too', async (t) => {
  const missing = await updateSetup(t, { publishVersion: null });
  missing.service.start();
  await until(() => missing.service.current.status === 'failed', 'the 404');
  assert.equal((missing.service.current as { message: string }).message, 'the update feed was not found');

  const offline = await updateSetup(t);
  await new Promise((resolve) => offline.feed.server.close(resolve));
  offline.service.start();
  await until(() => offline.service.current.status === 'failed', 'the refused connection');
  assert.equal((offline.service.current as { message: string }).message, 'the update server could not be reached');
});

test('when the feed offers the running version, nothing is downloaded and nothing asked', async (t) => {
  const { dir, service, states, feed, updater } = await updateSetup(t, { publishVersion: CURRENT_VERSION });
  service.start();
  await until(() => service.current.status === 'idle' && service.current.checkedAt !== null, 'the check');
  assert.deepEqual(feed.requests, [`/${FEED_FILE}`]);
  assert.deepEqual(downloadedFiles(dir), []);
  assert.ok(!states.some((s) => s.status === 'ready' || s.status === 'downloading'));
  assert.equal(updater.installs, 0);
});

test('turned off in Settings: no request reaches the feed; turned on again, it checks', async (t) => {
  const { service, settings, feed } = await updateSetup(t, { autoUpdate: false });
  service.start();
  await sleep(150);
  assert.deepEqual(feed.requests, []);
  assert.deepEqual(service.current, { status: 'off', reason: UPDATES_OFF.setting, bySetting: true });

  await settings.save({ autoUpdate: true });
  await until(() => service.current.status === 'ready', 'the update after turning it on');
  assert.ok(feed.requests.length > 0);
});

test('turning updates off while a restart waits drops it; turned on again, the cached update is offered and a new restart waits as before', async (t) => {
  const { updater, service, settings, busy, feed } = await updateSetup(t);
  service.start();
  await until(() => service.current.status === 'ready', 'the update to be ready');
  busy.answer = true;
  await service.restart();
  await settings.save({ autoUpdate: false });
  assert.deepEqual(service.current, { status: 'off', reason: UPDATES_OFF.setting, bySetting: true });
  busy.answer = false;
  await sleep(60);
  assert.equal(updater.installs, 0, 'the restart asked for before turning updates off does not happen');
  assert.equal(updater.autoInstallOnAppQuit, false, 'nor an install on quit');

  await settings.save({ autoUpdate: true });
  await until(() => service.current.status === 'ready', 'the update again');
  assert.equal(feed.requests.filter((path) => path.endsWith('.AppImage')).length, 1, 'from the cache: downloaded once');
  await sleep(60);
  assert.equal(updater.installs, 0, 'offered again, not installed: the user has not accepted since');
  busy.import = true;
  assert.equal((await service.restart()).status, 'ready');
  await sleep(40);
  assert.equal(updater.installs, 0);
  busy.import = false;
  await until(() => updater.installs === 1, 'the install once the import ends');
});

test('development builds, builds without a feed and the browser host never check', async (t) => {
  const { updater, feed, settings } = await updateSetup(t);
  let created = 0;
  const factory = () => (created++, updater as PlatformUpdater);
  for (const build of [
    { isPackaged: false, hasFeed: true, reason: UPDATES_OFF.development },
    { isPackaged: true, hasFeed: false, reason: UPDATES_OFF.noFeed },
  ]) {
    const source = desktopUpdateSource(build, factory);
    const service = new UpdateService({ source, settings, isAnswering: () => false, isImporting: () => false, onState: () => {}, ...FAST });
    service.start();
    t.onTestFinished(() => service.dispose());
    assert.deepEqual(service.current, { status: 'off', reason: build.reason, bySetting: false });
  }
  await sleep(150);
  assert.equal(created, 0, 'no updater is created');
  assert.deepEqual(feed.requests, []);
  // The packaged app with a feed is the one that gets the updater.
  assert.deepEqual(desktopUpdateSource({ isPackaged: true, hasFeed: true }, factory), { createUpdater: factory });
});

test('start-up does not load the updater: it is made at the first check, once', async (t) => {
  const { service, feed, updatersMade } = await updateSetup(t, { firstCheckDelayMs: 150, checkIntervalMs: 40 });
  service.start();
  await sleep(50);
  assert.equal(updatersMade(), 0);
  assert.deepEqual(feed.requests, []);
  await until(() => feed.requests.length >= 4, 'the first check and a few scheduled ones');
  assert.equal(updatersMade(), 1);
});

test('release notes reach the window as text, whatever markup the feed has; failures are named in words', () => {
  assert.equal(releaseNotesText('<p>Fixes <b>&lt;script&gt;</b> handling</p><p>Second</p>'), 'Fixes <script> handling\nSecond');
  assert.equal(
    releaseNotesText([
      { version: '0.2.0', note: 'One' },
      { version: '0.1.5', note: 'Two' },
    ]),
    'One\n\nTwo',
  );
  assert.equal(releaseNotesText(null), null);
  assert.equal(releaseNotesText('<p></p>'), null);
  assert.equal(
    describeUpdateError(Object.assign(new Error('getaddrinfo ENOTFOUND github.com'), { code: 'ENOTFOUND' })),
    'the update server could not be reached',
  );
  assert.equal(describeUpdateError(new Error('net::ERR_INTERNET_DISCONNECTED')), 'the update server could not be reached');
  // NsisUpdater's check of the installer's Authenticode signature (PowerShell: Windows only).
  const unsigned = Object.assign(new Error('New version 0.2.0 is not signed by the application owner: publisherNames: Acme'), {
    code: 'ERR_UPDATER_INVALID_SIGNATURE',
  });
  assert.equal(describeUpdateError(unsigned), 'the downloaded update was not signed by the publisher and was discarded');
});
