// The browser and Electron suites, run by Playwright's own runner: the real
// renderer in Debian's Chromium (no Playwright browser download: CI and this
// machine use the system's), and the desktop app through Playwright's
// Electron driver where the Electron binary exists. `npm test` passes the
// files; `npx playwright test` alone gives filters, --ui and traces.
import { defineConfig } from '@playwright/test';
import { CHROMIUM_LAUNCH_OPTIONS } from './tests/e2e/chromium.ts';

/** The files this runner owns; vitest.config.ts leaves them out. */
export const BROWSER_SUITES = ['tests/e2e/**/*.test.ts', 'tests/electron-launch.test.ts'];

export default defineConfig({
  testDir: '.',
  testMatch: BROWSER_SUITES,
  // Each file starts its own host, model and cloud stand-in; on a 2-core
  // machine running them one at a time is faster than contending.
  workers: 1,
  // Whole cloud paths and real traces: well past Playwright's 30 s default.
  timeout: 120_000,
  outputDir: 'test-output/playwright',
  use: {
    browserName: 'chromium',
    // The suites share the worker's `browser` fixture (one Chromium per worker, not one per file).
    launchOptions: CHROMIUM_LAUNCH_OPTIONS,
  },
});
