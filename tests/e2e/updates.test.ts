// Updates in real Chromium against the browser host: Settings opens from the
// keyboard (Ctrl+, as File > Settings… in the desktop app), and its Updates
// part says why this host does not update, with the opt-out unavailable.
import assert from 'node:assert/strict';
import { test } from '@playwright/test';
import type { Browser } from '@playwright/test';
import { newPage, screenshot, startHost, type PageHost } from './e2e-support.ts';

let host: PageHost;
let browser: Browser;
test.beforeAll(async ({ browser: shared }) => {
  browser = shared;
  host = await startHost();
});
test.afterAll(async () => {
  await host?.stop();
});

for (const colorScheme of ['light', 'dark'] as const) {
  test(`Ctrl+, opens Settings; Updates are off in the browser host, and say so (${colorScheme})`, async () => {
    const { context, page, errors } = await newPage(browser, host.url, { colorScheme, width: 1024, height: 768 });
    await page.waitForSelector('.empty-state');
    await page.keyboard.press('Control+Comma');
    const dialog = page.locator('[data-testid="settings-dialog"]');
    await dialog.waitFor();
    assert.equal(await dialog.locator('[data-testid="update-status"]').textContent(), 'Updates are off: browser host (npm run serve).');
    const checkbox = dialog.locator('[data-testid="settings-autoUpdate"]');
    assert.equal(await checkbox.isDisabled(), true);
    assert.equal(await checkbox.isChecked(), false);
    await dialog.locator('[data-testid="update-status"]').scrollIntoViewIfNeeded();
    await screenshot(page, `settings-updates-${colorScheme}`);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.deepEqual(errors, []);
    await context.close();
  });
}
