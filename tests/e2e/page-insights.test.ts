// Web page insights end to end: real Lighthouse traces dropped on the real
// renderer in Chromium at 1024x700. Where things are and what they say comes
// from shared-importer run here on the same file (its page insights, the
// thread the app opens on), never from constants.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from '@playwright/test';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { importTraceFile } from '../../shared-importer/node/node-host.ts';
import { REAL_TRACES, SAMPLE_TRACES } from '../../shared-importer/node/trace-fixtures.ts';
import type { Profile } from '../../shared-importer/src/model/profile.ts';
import type { PageInsights } from '../../shared-importer/src/page/page-types.ts';
import { rankThreads } from '../../shared-importer/src/summary/thread-ranking.ts';
import { formatMilliseconds } from '../../renderer/format/units.ts';
import { requestEnd } from '../../renderer/page-track/page-items.ts';
import { buildPageTrackLayout, MILESTONE_BAND_PX, REQUEST_ROW_PX, requestRowTop } from '../../renderer/page-track/page-track-layout.ts';
import { threadViews } from '../../renderer/profile-views/thread-views.ts';
import { startScriptedModel, textResponse, type ScriptedModelServer } from '../../test-support/scripted-model/scripted-model-server.ts';
import { dropFile, newPage, screenshot, startHost, waitForChart, waitForWholeProfile, type PageHost } from './e2e-support.ts';

const LCP_M78 = join(REAL_TRACES, 'lighthouse/lcp-m78.json');
/** 112 requests: the waterfall has more rows than the track may take. */
const PID_CHANGE = join(REAL_TRACES, 'lighthouse/pid-change.json');
const SUCRASE = join(SAMPLE_TRACES, 'Chrome/65/sucrase.cpuprofile');
const SIZE = { width: 1024, height: 700 };

interface Window {
  x0: number;
  x1: number;
}

/** The time window the app's time order chart shows: its stored zoom, else the whole span of the thread it opened on. */
async function chartWindow(page: Page, profile: Profile): Promise<Window> {
  const zoom = await page.evaluate(() => {
    const debug = (window as unknown as { __traceAnalyserDebug: { viewports: Record<string, Window> } }).__traceAnalyserDebug;
    return Object.entries(debug.viewports).find(([id]) => id.endsWith('/time-order'))?.[1] ?? null;
  });
  if (zoom) return zoom;
  const layout = threadViews(rankThreads(profile)[0].timeline, profile.frames.length).timeOrder();
  return { x0: layout.min, x1: layout.max };
}

async function trackBox(page: Page) {
  const box = await page.locator('[data-testid="page-track-canvas"]').boundingBox();
  assert.ok(box, 'the page track is on screen');
  return box;
}

const overlap = (a: { x: number; y: number; width: number; height: number }, b: typeof a) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

test.describe('page insights in Chromium against the browser host', () => {
  let host: PageHost;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let lcp: Profile;
  let insights: PageInsights;

  test.beforeAll(async ({ browser: shared }) => {
    browser = shared;
    [host, lcp] = await Promise.all([startHost(), importTraceFile(LCP_M78)]);
    assert.ok(lcp.page, 'the importer reads page insights from lcp-m78.json');
    insights = lcp.page;
    ({ context, page, errors } = await newPage(browser, host.url, SIZE));
    await dropFile(page, LCP_M78);
    await waitForChart(page, 'lcp-m78.json');
    await waitForWholeProfile(page);
    await page.waitForSelector('[data-testid="page-track-canvas"]');
  });

  test.afterAll(async () => {
    await context?.close();
    await host?.stop();
  });

  test('the page track shows the milestones: hovering FCP names it with its value and rating', async () => {
    const nav = insights.navigations[0];
    assert.ok(nav.fcp, 'the trace has an FCP');
    const box = await trackBox(page);
    const view = await chartWindow(page, lcp);
    const xOf = (t: number) => box.x + ((t - view.x0) / (view.x1 - view.x0)) * box.width;
    const others = [nav.start, nav.lcp?.at, nav.dcl?.at, nav.load?.at].filter((t): t is number => t !== undefined && t !== nav.fcp!.at);
    assert.ok(
      others.every((t) => Math.abs(xOf(t) - xOf(nav.fcp!.at)) > 8),
      'no other milestone within 8 px of FCP',
    );
    await page.mouse.move(xOf(nav.fcp.at), box.y + MILESTONE_BAND_PX / 2);
    await page.waitForSelector('[data-testid="page-tooltip"]');
    assert.equal(await page.textContent('[data-testid="page-item-title"]'), 'First Contentful Paint (FCP)');
    const card = (await page.textContent('[data-testid="page-tooltip"]'))!;
    assert.ok(card.includes(formatMilliseconds(nav.fcp.ms)), `${card} names the FCP time`);
    if (nav.fcp.rating) assert.ok(card.includes(nav.fcp.rating === 'needs-improvement' ? 'needs improvement' : nav.fcp.rating));
  });

  test('hovering a request in the waterfall shows its URL; clicking it selects it, described in the Page section', async () => {
    const layout = buildPageTrackLayout(insights);
    const box = await trackBox(page);
    const view = await chartWindow(page, lcp);
    // The longest request among the rows the capped track shows without scrolling.
    const visibleRows = Math.floor((box.height - requestRowTop(0, 0)) / REQUEST_ROW_PX);
    const candidates = insights.requests.map((r, i) => ({ r, row: layout.rowOfRequest[i] })).filter(({ row }) => row < visibleRows);
    const { r, row } = candidates.reduce((a, b) => (requestEnd(b.r) - b.r.start > requestEnd(a.r) - a.r.start ? b : a));
    const x = box.x + (((r.start + requestEnd(r)) / 2 - view.x0) / (view.x1 - view.x0)) * box.width;
    const y = box.y + requestRowTop(row, 0) + REQUEST_ROW_PX / 2;
    assert.ok(((requestEnd(r) - r.start) / (view.x1 - view.x0)) * box.width > 4, 'the request is wider than a few pixels');
    await page.mouse.move(x, y);
    await page.waitForFunction((url) => document.querySelector('[data-testid="page-item-title"]')?.textContent === url, r.url);
    assert.ok((await page.textContent('[data-testid="page-tooltip"]'))!.includes(r.method));
    await screenshot(page, 'page-track');

    await page.mouse.click(x, y);
    await page.waitForSelector('[data-testid="page-selected"]');
    assert.equal(await page.textContent('[data-testid="page-selected"] [data-testid="page-item-title"]'), r.url);
    assert.deepEqual(errors, []);
  });

  test('clicking a Page item in the summary selects it in the track and zooms the chart to it', async () => {
    const button = page.locator('[data-testid="page-slowest-requests"] [data-testid="page-item"]').first();
    const id = (await button.getAttribute('data-item-id'))!;
    const request = insights.requests.find((r) => r.id === id);
    assert.ok(request, `${id} is one of the trace's requests`);
    const before = await chartWindow(page, lcp);
    await button.click();
    assert.equal(await button.getAttribute('aria-pressed'), 'true');
    await page.waitForFunction(
      (url) => document.querySelector('[data-testid="page-selected"] [data-testid="page-item-title"]')?.textContent === url,
      request.url,
    );
    const zoom = await chartWindow(page, lcp);
    assert.ok(zoom.x0 <= request.start && zoom.x1 >= requestEnd(request), 'the request is in view');
    assert.ok(zoom.x1 - zoom.x0 < before.x1 - before.x0, 'zoomed in to it');
    // The keyboard reaches the same buttons, and in the track walks the requests in start order.
    await button.focus();
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-item-id')), id);
    const next = insights.requests[insights.requests.indexOf(request) + 1] ?? request;
    await page.focus('[data-testid="page-track-canvas"]');
    await page.keyboard.press('Shift+ArrowRight');
    await page.waitForFunction((url) => document.querySelector('[data-testid="page-selected"] [data-testid="page-item-title"]')?.textContent === url, next.url);
    await page.keyboard.press('Shift+ArrowLeft');
    await page.waitForFunction(
      (url) => document.querySelector('[data-testid="page-selected"] [data-testid="page-item-title"]')?.textContent === url,
      request.url,
    );
    await page.locator('[data-testid="summary-page"]').scrollIntoViewIfNeeded();
    await screenshot(page, 'page-section');
  });

  test('at 1024x700 a page with 112 requests leaves the chart room; nothing covers the toolbar or the chat button', async () => {
    await dropFile(page, PID_CHANGE);
    await waitForChart(page, 'pid-change.json');
    await page.waitForSelector('[data-testid="page-track-canvas"]');
    const track = (await page.locator('[data-testid="page-track"]').boundingBox())!;
    const chart = (await page.locator('[data-testid="flame-chart-canvas"]').boundingBox())!;
    const toolbar = (await page.locator('[data-testid="toolbar"]').boundingBox())!;
    const chatButton = (await page.locator('[data-testid="chat-button"]').boundingBox())!;
    assert.ok(track.height <= SIZE.height * 0.3, `the track is capped (${track.height} px)`);
    assert.ok(chart.height >= 250, `the flame chart keeps ${chart.height} px`);
    assert.ok(!overlap(track, toolbar) && !overlap(track, chatButton), 'the track covers neither the toolbar nor the chat button');
    // Collapsing leaves only its header; the state holds for the next trace.
    await page.click('[data-testid="page-track-toggle"]');
    assert.equal(await page.locator('[data-testid="page-track-canvas"]').count(), 0);
    assert.equal(await page.getAttribute('[data-testid="page-track-toggle"]', 'aria-expanded'), 'false');
    await page.click('[data-testid="page-track-toggle"]');
    await page.waitForSelector('[data-testid="page-track-canvas"]');
  });

  test('dark theme', async () => {
    const dark = await newPage(browser, host.url, { ...SIZE, colorScheme: 'dark' });
    await dropFile(dark.page, LCP_M78);
    await waitForChart(dark.page, 'lcp-m78.json');
    await dark.page.waitForSelector('[data-testid="page-track-canvas"]');
    const background = await dark.page.evaluate(() => getComputedStyle(document.body).getPropertyValue('--flame-bg').trim());
    assert.notEqual(background, '#ffffff', 'dark variables are in force');
    await screenshot(dark.page, 'page-track-dark');
    assert.deepEqual(dark.errors, []);
    await dark.context.close();
  });

  test('a trace without page data shows no page track and no Page section', async () => {
    await dropFile(page, SUCRASE);
    await waitForChart(page, 'sucrase.cpuprofile');
    await page.waitForSelector('[data-testid="summary-status"]:not(:has-text("Summarising"))');
    assert.equal(await page.locator('[data-testid="page-track"]').count(), 0);
    assert.equal(await page.locator('[data-testid="summary-page"]').count(), 0);
  });
});

test.describe('page items cited in a chat answer', () => {
  let model: ScriptedModelServer;
  let host: PageHost;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  test.beforeAll(async ({ browser: shared }) => {
    browser = shared;
    model = await startScriptedModel();
    host = await startHost({ env: { OPENAI_BASE_URL: model.baseURL, OPENAI_API_KEY: 'scripted-key', AI_MODEL: 'scripted-model' } });
    ({ context, page } = await newPage(browser, host.url, SIZE));
  });

  test.afterAll(async () => {
    await context?.close();
    await host?.stop();
    await model?.stop();
  });

  test('a cited request and navigation are buttons that select them in the page track', async () => {
    const profile = await importTraceFile(LCP_M78);
    const insights = profile.page!;
    const request = insights.requests.reduce((a, b) => (requestEnd(b) - b.start > requestEnd(a) - a.start ? b : a));
    const nav = insights.navigations[0];
    await dropFile(page, LCP_M78);
    await waitForChart(page, 'lcp-m78.json');
    model.enqueue(textResponse(`LCP of [${nav.id}] waited on [${request.id}].`));
    await page.click('[data-testid="chat-button"]');
    await page.waitForSelector('[data-testid="chat-message"][data-status="complete"]');
    await page.click(`[data-testid="chat-citation"][data-item-id="${request.id}"]`);
    await page.waitForFunction(
      (url) => document.querySelector('[data-testid="page-selected"] [data-testid="page-item-title"]')?.textContent === url,
      request.url,
    );
    const zoom = await chartWindow(page, profile);
    assert.ok(zoom.x0 <= request.start && zoom.x1 >= requestEnd(request), 'the chart shows the cited request');
    await page.click(`[data-testid="chat-citation"][data-item-id="${nav.id}"]`);
    await page.waitForFunction((url) => document.querySelector('[data-testid="page-selected"] [data-testid="page-item-title"]')?.textContent === url, nav.url);
  });
});
