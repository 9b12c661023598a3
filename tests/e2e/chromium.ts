// How the browser suites start Chromium: Debian's, never a Playwright
// download (this machine and CI cannot fetch one), with the flags for running
// as root without a GPU or background traffic.
import type { LaunchOptions } from '@playwright/test';

export const CHROMIUM_LAUNCH_OPTIONS: LaunchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
};
