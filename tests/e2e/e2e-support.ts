// Shared pieces of the end-to-end tests: the real Chromium, the page under
// test served by the browser host (or the in-page fixture), and user actions
// done the way a user does them (drop a file, pick one in the file input).
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { startBrowserHost } from '../../electron/browser-host/browser-host.ts';
import type { RendererMode } from '../../electron/browser-host/renderer-server.ts';
import type { Environment } from '../../electron/services/app-settings.ts';
import { CHROMIUM_LAUNCH_OPTIONS } from './chromium.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SCREENSHOTS = join(REPO_ROOT, 'test-output', 'screenshots');

/** Chromium for the benches, which run outside Playwright's runner; the suites take its `browser` fixture, launched alike. */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch(CHROMIUM_LAUNCH_OPTIONS);
}

export async function newPage(
  browser: Browser,
  url: string,
  options: {
    colorScheme?: 'light' | 'dark';
    width?: number;
    height?: number;
    deviceScaleFactor?: number;
    /** Runs before the page loads: permissions, routes. */
    prepare?: (context: BrowserContext) => Promise<void>;
  } = {},
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1440, height: options.height ?? 900 },
    colorScheme: options.colorScheme ?? 'light',
    deviceScaleFactor: options.deviceScaleFactor ?? 1,
  });
  await options.prepare?.(context);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(url);
  return { context, page, errors };
}

export interface PageHost {
  url: string;
  stop(): Promise<void>;
}

/**
 * The app's browser host (main-process services in Node behind loopback
 * HTTP + WebSocket) serving the real renderer; recent files, settings and
 * conversations go to a fresh temporary directory so tests never touch the
 * user's.
 */
export async function startHost(options: { file?: string; userDataDir?: string; renderer?: RendererMode; env?: Environment } = {}): Promise<PageHost> {
  const userDataDir = options.userDataDir ?? mkdtempSync(join(tmpdir(), 'ta-e2e-'));
  // Never the developer's own SUPABASE_URL or OPENAI_API_KEY: only what the test names.
  const host = await startBrowserHost({ file: options.file, userDataDir, renderer: options.renderer, env: options.env ?? {} });
  return { url: host.url, stop: () => host.stop() };
}

/** Drops a file on the window as the OS would: a drop event carrying a DataTransfer with the file. */
export async function dropFile(page: Page, path: string, fileName = basename(path)): Promise<void> {
  const bytes = readFileSync(path).toString('base64');
  const dataTransfer = await page.evaluateHandle(
    async ({ bytes, fileName }) => {
      const raw = Uint8Array.from(atob(bytes), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([raw], fileName));
      return dt;
    },
    { bytes, fileName },
  );
  await page.dispatchEvent('body', 'dragenter', { dataTransfer });
  await page.dispatchEvent('body', 'dragover', { dataTransfer });
  await page.dispatchEvent('body', 'drop', { dataTransfer });
}

/** Picks a file in the page's file input. */
export async function chooseFile(page: Page, path: string): Promise<void> {
  await page.setInputFiles('[data-testid="file-input"]', path);
}

/** Waits until a flame chart has drawn blocks for the trace named fileName. */
export async function waitForChart(page: Page, fileName: string, timeout = 60_000): Promise<void> {
  await page.waitForFunction(
    (name) => {
      const shown = document.querySelector('[data-testid="trace-file-name"]')?.textContent === name;
      const debug = (window as unknown as { __traceAnalyserDebug?: { lastDraw: { rects: number } | null } }).__traceAnalyserDebug;
      return shown && !!debug?.lastDraw && debug.lastDraw.rects > 0;
    },
    fileName,
    { timeout },
  );
}

/** Waits until the other threads of the open trace have followed the one drawn first. */
export async function waitForWholeProfile(page: Page, timeout = 60_000): Promise<void> {
  await page.waitForSelector('[data-testid="thread-picker"][aria-busy="false"]', { timeout });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}
