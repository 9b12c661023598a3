// The sync status in real Chromium against the browser host whose services are
// signed in to the Supabase stand-in, at the smallest window the app supports:
// a dropped trace uploads and the summary panel says it is stored; a stalled
// upload shows its progress under the toolbar, again after a reload, and can be cancelled and retried;
// a Storage outage shows what failed, and Retry syncs once it is back.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { test } from '@playwright/test';
import type { Browser, Page } from '@playwright/test';
import { startBrowserHost, type BrowserHost } from '../../electron/browser-host/browser-host.ts';
import { CATAPULT_TRACES, REAL_TRACES } from '../../shared-importer/node/trace-fixtures.ts';
import { startSupabaseStandin, type SupabaseStandin } from '../../test-support/supabase-standin/index.ts';
import { createTestUser, type TestUser } from '../cloud/test-user.ts';
import { startStorageFaultProxy, type StorageFaultProxy } from '../cloud/storage-fault-proxy.ts';
import { dropFile, newPage, screenshot } from './e2e-support.ts';

const JSON_TRACE = join(CATAPULT_TRACES, 'multiple_input_latency.json');
const GZIP_TRACE = join(REAL_TRACES, 'lighthouse/artifacts-speedindex-1ms-trace.json.gz');
const OTHER_TRACE = join(REAL_TRACES, 'lighthouse/amp-m86.trace.json');

const line = (page: Page) => page.locator('[data-testid="sync-status"]');
const badge = (page: Page) => page.locator('[data-testid="sync-badge"]');
const sha256Of = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

test.describe('sync status in Chromium', () => {
  let standin: SupabaseStandin;
  let proxy: StorageFaultProxy;
  let session: TestUser;
  let host: BrowserHost;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  test.beforeAll(async ({ browser: shared }) => {
    browser = shared;
    standin = await startSupabaseStandin({ logFunctionOutput: false });
    proxy = await startStorageFaultProxy(standin.url);
    session = await createTestUser(standin, 'sync-ui@example.com');
    host = await startBrowserHost({
      userDataDir: mkdtempSync(join(tmpdir(), 'ta-e2e-sync-')),
      env: { SUPABASE_URL: proxy.url, SUPABASE_ANON_KEY: standin.anonKey },
    });
    // The smallest window the app supports: the status must fit beside the toolbar's controls.
    ({ page, errors } = await newPage(browser, host.url, { width: 1024, height: 700 }));
    await page.waitForSelector('[data-testid="empty-state"]');
    // Signed in through the page's API, as the settings' sign-in form does.
    const account = await page.evaluate(({ email, password }) => window.traceAnalyser.signIn(email, password), {
      email: session.email,
      password: session.password,
    });
    assert.equal(account.status, 'signed-in');
  });
  test.afterAll(async () => {
    await host?.stop();
    await proxy?.stop();
    await standin?.stop();
  });

  /** Drops a trace and waits until it is the open trace. */
  async function drop(path: string): Promise<void> {
    await dropFile(page, path);
    await page.waitForFunction((name) => document.querySelector('[data-testid="trace-file-name"]')?.textContent === name, basename(path));
  }

  const storedPath = async (path: string) => {
    const { rows } = await standin.db.query<{ blob_path: string | null }>('select blob_path from public.traces where content_sha256 = $1', [sha256Of(path)]);
    return rows[0]?.blob_path ?? null;
  };

  test('a dropped trace uploads; once stored, the line goes and the summary panel says so', async () => {
    await drop(JSON_TRACE);
    await page.waitForSelector('[data-testid="sync-badge"][data-status="synced"]', { timeout: 30_000 });
    assert.equal((await badge(page).innerText()).trim(), '✓ Stored in your Supabase project');
    assert.equal(await line(page).count(), 0);
    assert.equal(await storedPath(JSON_TRACE), `${session.id}/${sha256Of(JSON_TRACE)}.json.gz`);
    await screenshot(page, 'sync-synced');
  });

  test('a stalled upload shows its progress; Cancel stops it and Retry finishes it', async () => {
    const size = readFileSync(GZIP_TRACE).length;
    proxy.setMode({ kind: 'hold', afterBytes: Math.floor(size / 2) });
    try {
      await drop(GZIP_TRACE);
      await page.waitForSelector('[data-testid="sync-status"][data-status="uploading"]', { timeout: 30_000 });
      assert.match(await line(page).innerText(), /Uploading \d+%/);
      await screenshot(page, 'sync-uploading');
      // A reloaded window learns of the held upload from the host's state: no progress event comes while it is held.
      await page.reload();
      await page.waitForSelector('[data-testid="sync-status"][data-status="uploading"]', { timeout: 30_000 });
      await page.click('[data-testid="sync-cancel"]');
      await page.waitForSelector('[data-testid="sync-status"][data-status="cancelled"]');
      assert.equal(await storedPath(GZIP_TRACE), null);
    } finally {
      proxy.setMode({ kind: 'pass' });
    }
    await page.click('[data-testid="sync-retry"]');
    await page.waitForSelector('[data-testid="sync-badge"][data-status="synced"]', { timeout: 30_000 });
    assert.equal(await storedPath(GZIP_TRACE), `${session.id}/${sha256Of(GZIP_TRACE)}.json.gz`);
  });

  test('a Storage outage shows what failed; the trace is open regardless, and Retry syncs it', async () => {
    proxy.setMode({ kind: 'down', status: 503 });
    try {
      await drop(OTHER_TRACE);
      await page.waitForSelector('[data-testid="sync-status"][data-status="failed"]', { timeout: 30_000 });
      assert.match(await page.locator('[data-testid="sync-message"]').innerText(), /Storage is unavailable right now \(503/);
      await screenshot(page, 'sync-failed');
      // Dismissed, the line goes; the summary panel still says what failed, with a Retry.
      await page.click('[data-testid="sync-dismiss"]');
      assert.equal(await line(page).count(), 0);
      assert.match(await badge(page).innerText(), /^Not synced: Storage is unavailable/);
    } finally {
      proxy.setMode({ kind: 'pass' });
    }
    await badge(page).getByRole('button', { name: 'Retry' }).click();
    await page.waitForSelector('[data-testid="sync-badge"][data-status="synced"]', { timeout: 30_000 });
    assert.deepEqual(errors, []);
  });
});
