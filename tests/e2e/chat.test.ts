// The chat end to end in real Chromium on the browser host: the Supabase
// stand-in (real Postgres, Auth, Realtime, our functions in real Deno), the
// scripted OpenAI-compatible model, a real trace from ../shared/traces. The
// user signs in and asks; answers stream through the whole path and render.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { SAMPLE_TRACES } from '../../shared-importer/node/trace-fixtures.ts';
import { startCloudStack, type CloudStack } from '../cloud/cloud-harness.ts';
import { dropFile, launchChromium, newPage, screenshot, startHost, waitForChart, type PageHost } from './e2e-support.ts';

const SUCRASE = join(SAMPLE_TRACES, 'Chrome/65/sucrase.cpuprofile');
const EMAIL = 'ada@example.com';
const PASSWORD = 'correct horse battery';

describe('the chat with a Supabase project', () => {
  let stack: CloudStack;
  let host: PageHost;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  before(async () => {
    stack = await startCloudStack();
    await stack.standin.createUser(EMAIL, PASSWORD);
    [host, browser] = await Promise.all([
      startHost({ env: { SUPABASE_URL: stack.standin.url, SUPABASE_ANON_KEY: stack.standin.anonKey } }),
      launchChromium(),
    ]);
    ({ context, page } = await newPage(browser, host.url, { width: 1024, height: 700 }));
    await dropFile(page, SUCRASE);
    await waitForChart(page, 'sucrase.cpuprofile');
  });

  after(async () => {
    await context?.close();
    await browser?.close();
    await host?.stop();
    await stack?.stop();
  });

  test('the chat button opens the chat beside the chart, which asks the user to sign in first', async () => {
    await page.waitForSelector('[data-testid="chat-button"]');
    await assertControlsReachable(page);
    await screenshot(page, 'chat-closed');
    await page.click('[data-testid="chat-button"]');
    await page.waitForSelector('[data-testid="chat-setup"][data-step="sign-in"]');
    assert.match((await page.textContent('[data-testid="sign-in-form"]'))!, new RegExp(`Sign in to ${new URL(stack.standin.url).host}`));
    await assertNothingCovered(page);
  });

  test('a wrong password is refused with the project\'s reason; the right one signs in', async () => {
    await page.fill('[data-testid="sign-in-email"]', EMAIL);
    await page.fill('[data-testid="sign-in-password"]', 'not the password');
    await page.click('[data-testid="sign-in-submit"]');
    await page.waitForSelector('[data-testid="sign-in-error"]');
    assert.match((await page.textContent('[data-testid="sign-in-error"]'))!, /invalid/i);
    await page.fill('[data-testid="sign-in-password"]', PASSWORD);
    await page.press('[data-testid="sign-in-password"]', 'Enter');
    await page.waitForSelector('[data-testid="chat-setup"]', { state: 'detached' });
    await page.click('[data-testid="chat-settings"]');
    await page.waitForSelector('[data-testid="account-signed-in"]');
    assert.equal(await page.textContent('[data-testid="account-signed-in"]'), `Signed in as ${EMAIL}`);
  });

  test('settings show where each value comes from; the API key is write-only', async () => {
    const dialog = page.locator('[data-testid="settings-dialog"]');
    assert.equal(await page.inputValue('[data-testid="settings-supabaseUrl"]'), stack.standin.url);
    assert.match((await dialog.textContent())!, /From the environment; a value saved here wins\./);
    assert.equal(await page.getAttribute('[data-testid="settings-apiKey"]', 'type'), 'password');
    await page.fill('[data-testid="settings-apiKey"]', 'sk-test-secret');
    await screenshot(page, 'chat-settings');
    await page.click('[data-testid="settings-save"]');
    await page.waitForSelector('[data-testid="settings-dialog"]', { state: 'detached' });
    await page.click('[data-testid="chat-settings"]');
    // The stored key is never sent back: the field is empty and says one is stored.
    assert.equal(await page.inputValue('[data-testid="settings-apiKey"]'), '');
    assert.equal(await page.getAttribute('[data-testid="settings-apiKey"]', 'placeholder'), 'A key is stored: type to replace it');
    assert.equal(await page.evaluate(() => document.body.innerHTML.includes('sk-test-secret')), false);
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid="settings-dialog"]', { state: 'detached' });
    assert.ok(await page.locator('[data-testid="chat-window"]').isVisible(), 'Escape closes the dialog, not the chat');
  });

  test('signed out, the chat asks to sign in again; a one-time code sent by email signs in', async () => {
    await page.click('[data-testid="chat-settings"]');
    await page.click('[data-testid="sign-out"]');
    await page.waitForSelector('[data-testid="settings-dialog"] [data-testid="sign-in-form"]');
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid="chat-setup"][data-step="sign-in"]');
    await page.click('text=Use a code sent by email');
    await page.fill('[data-testid="sign-in-email"]', EMAIL);
    const sent = stack.standin.mailbox.length;
    await page.click('[data-testid="sign-in-submit"]');
    await page.waitForSelector('[data-testid="sign-in-code"]');
    const email = stack.standin.mailbox[sent];
    assert.equal(email?.to, EMAIL);
    await page.fill('[data-testid="sign-in-code"]', email.code);
    await page.press('[data-testid="sign-in-code"]', 'Enter');
    await page.waitForSelector('[data-testid="chat-setup"]', { state: 'detached' });
  });
});

/** The chat takes its own column: nothing of the chart or its controls lies under it. */
async function assertNothingCovered(page: Page): Promise<void> {
  const chat = (await page.locator('[data-testid="chat-window"]').boundingBox())!;
  for (const selector of ['[data-testid="toolbar"]', '.chart-area', '[data-testid="details-panel"]']) {
    const box = (await page.locator(selector).boundingBox())!;
    const overlaps = box.x < chat.x + chat.width && chat.x < box.x + box.width && box.y < chat.y + chat.height && chat.y < box.y + box.height;
    assert.ok(!overlaps, `${selector} is not under the chat`);
  }
  await assertControlsReachable(page);
}

/** Every control of the toolbar and the chart area (the floating button too) is what the pointer reaches, in its middle and at its edges. */
async function assertControlsReachable(page: Page): Promise<void> {
  const hidden = await page.evaluate(() =>
    [...document.querySelectorAll('[data-testid="toolbar"] :is(button, select, input), .chart-area :is(button, canvas, p, dd, h3), [data-testid="chat-button"]')]
      .filter((e) => {
        const r = e.getBoundingClientRect();
        if (r.width === 0) return false;
        const [cx, cy] = [r.x + r.width / 2, r.y + r.height / 2];
        // The centre and each edge's middle, just inside (round buttons have no corners).
        const points = [
          [cx, cy],
          [r.x + 2, cy],
          [r.right - 2, cy],
          [cx, r.y + 2],
          [cx, r.bottom - 2],
        ];
        return points.some(([x, y]) => {
          const top = document.elementFromPoint(x, y);
          return !(top === e || e.contains(top));
        });
      })
      .map((e) => e.outerHTML.slice(0, 80)),
  );
  assert.deepEqual(hidden, []);
}
