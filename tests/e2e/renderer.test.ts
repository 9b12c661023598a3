// The renderer end to end: the browser host serves the real renderer to real
// Chromium; traces from speedscope's repository are dropped or chosen like a
// user would; expected values come from shared-importer run here on the same
// file, never from constants.
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from '@playwright/test';
import type { Browser, BrowserContext, Page, WebSocketRoute } from '@playwright/test';
import { buildMergedCallTree, functionStats } from '../../shared-importer/src/model/call-tree.ts';
import { TraceImportError } from '../../shared-importer/src/errors.ts';
import { importTraceFile } from '../../shared-importer/node/node-host.ts';
import { ACCEPTED_FORMATS } from '../../shared-importer/src/formats/catalog.ts';
import type { Profile } from '../../shared-importer/src/model/profile.ts';
import { renderSummaryText } from '../../shared-importer/src/summary/render-summary-text.ts';
import { summarizeProfile } from '../../shared-importer/src/summary/summarize-profile.ts';
import { rankThreads } from '../../shared-importer/src/summary/thread-ranking.ts';
import type { TraceSummary } from '../../shared-importer/src/summary/summary-types.ts';
import { formatCount, formatWeight } from '../../renderer/format/units.ts';
import { generateTrace } from '../../bench/trace-generator.ts';
import { SAMPLE_TRACES } from '../../shared-importer/node/trace-fixtures.ts';
import { chooseFile, dropFile, newPage, screenshot, startHost, waitForChart, waitForWholeProfile, type PageHost } from './e2e-support.ts';

const SUCRASE = `${SAMPLE_TRACES}/Chrome/65/sucrase.cpuprofile`;
const MULTIPROCESS = `${SAMPLE_TRACES}/trace-event/multiprocess.json`;
const CHROME_116 = `${SAMPLE_TRACES}/Chrome/116/Trace-20230603T221323.json`;
const WORKER_66 = `${SAMPLE_TRACES}/Chrome/66/worker.json`;
/** Draws, with importer warnings (begin events never ended). */
const ONLY_BEGIN = `${SAMPLE_TRACES}/trace-event/only-begin-events.json`;
/** Chrome trace-viewer test data with object snapshots and nothing drawable. */
const QUADS = `${SAMPLE_TRACES}/../catapult/quads.json`;

interface DebugViewport {
  x0: number;
  x1: number;
  scrollY: number;
}

async function viewportOf(page: Page, chartIdSuffix: string): Promise<DebugViewport | null> {
  return page.evaluate((suffix) => {
    const debug = (window as unknown as { __traceAnalyserDebug: { viewports: Record<string, DebugViewport> } }).__traceAnalyserDebug;
    const entry = Object.entries(debug.viewports).find(([id]) => id.endsWith(suffix));
    return entry ? entry[1] : null;
  }, chartIdSuffix);
}

async function canvasBox(page: Page) {
  const box = await page.locator('[data-testid="flame-chart-canvas"]').boundingBox();
  assert.ok(box, 'flame chart canvas is on screen');
  return box;
}

const AXIS_PX = 20;
const ROW_PX = 18;

test.describe('renderer in Chromium against the browser host', () => {
  let host: PageHost;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let sucrase: Profile;
  let sucraseSummary: TraceSummary;

  test.beforeAll(async ({ browser: shared }) => {
    browser = shared;
    [host, sucrase] = await Promise.all([startHost(), importTraceFile(SUCRASE)]);
    sucraseSummary = summarizeProfile(sucrase);
    ({ context, page, errors } = await newPage(browser, host.url));
  });

  test.afterAll(async () => {
    await context?.close();
    await host?.stop();
  });

  test('empty state tells a first-time user what to do and lists the formats', async () => {
    await page.waitForSelector('[data-testid="empty-state"]');
    const formats = await page.locator('[data-testid="accepted-formats"] li').allTextContents();
    assert.deepEqual(formats, [...ACCEPTED_FORMATS]);
    assert.ok(await page.getByRole('button', { name: 'Open trace…' }).isVisible());
    // Dragging a file over the window shows the drop target.
    const dataTransfer = await page.evaluateHandle(() => {
      const dt = new DataTransfer();
      dt.items.add(new File(['x'], 'x.json'));
      return dt;
    });
    await page.dispatchEvent('body', 'dragenter', { dataTransfer });
    await page.waitForSelector('[data-testid="drop-overlay"]');
    await screenshot(page, 'drop-overlay');
    await page.dispatchEvent('body', 'dragleave', { dataTransfer });
    await page.waitForSelector('[data-testid="drop-overlay"]', { state: 'detached' });
    await screenshot(page, 'empty');
    const dark = await newPage(browser, host.url, { colorScheme: 'dark' });
    await dark.page.waitForSelector('[data-testid="empty-state"]');
    await screenshot(dark.page, 'dark-empty');
    await dark.context.close();
  });

  test('a large import shows its progress and can be cancelled, leaving the window as it was', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ta-large-'));
    const large = join(dir, 'large-trace.json');
    await generateTrace({ bytes: 40 * 1024 * 1024, out: large, seed: 3 });
    // The upload to the host is slowed (DevTools network throttling), so the import is still
    // running when Cancel is clicked however fast this machine imports 40 MB.
    const devtools = await page.context().newCDPSession(page);
    await devtools.send('Network.enable');
    await devtools.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 4 * 1024 * 1024 });
    await chooseFile(page, large);
    await page.waitForSelector('[data-testid="import-progress"]');
    // Bytes and events move once the host reports progress.
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="import-progress"] [role="progressbar"]')?.getAttribute('aria-valuenow')) > 0);
    assert.doesNotMatch((await page.textContent('[data-testid="import-progress"]'))!, / 0 B of /);
    assert.match((await page.textContent('[data-testid="import-progress"]'))!, /large-trace\.json/);
    await screenshot(page, 'import-progress');
    await page.click('[data-testid="cancel-import"]');
    await page.waitForSelector('[data-testid="import-progress"]', { state: 'detached' });
    await devtools.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await devtools.detach();
    assert.equal(await page.locator('[data-testid="import-error"]').count(), 0, 'a cancel is not an error');
    assert.ok(await page.locator('[data-testid="empty-state"]').isVisible());
    // Nothing arrives later from the cancelled import.
    await page.waitForTimeout(1500);
    assert.ok(await page.locator('[data-testid="empty-state"]').isVisible());
  });

  test('a trace chosen in the file input opens in the time-order flame chart', async () => {
    await chooseFile(page, SUCRASE);
    await waitForChart(page, 'sucrase.cpuprofile');
    assert.equal(await page.getAttribute('[data-testid="view-time-order"]', 'aria-selected'), 'true');
    // The thread picker lists the summariser's main thread first.
    const firstThread = await page.locator('[data-testid="thread-picker"] option').first().textContent();
    assert.ok(firstThread?.startsWith(sucraseSummary.threads[0].name));
    await screenshot(page, 'loaded-time-order');
  });

  test('left heavy: hovering the first root shows its name and total, clicking selects it', async () => {
    await page.click('[data-testid="view-left-heavy"]');
    await page.waitForSelector('[data-view="left-heavy"]');
    const thread = sucrase.threads.find((t) => t.id === sucraseSummary.threads[0].id)!;
    const tree = buildMergedCallTree(thread);
    const root = tree.order[0];
    const name = sucrase.frames.names[tree.frame[root]];
    const box = await canvasBox(page);
    const x = box.x + 5;
    const y = box.y + AXIS_PX + ROW_PX / 2;
    await page.mouse.move(x, y);
    await page.waitForSelector('[data-testid="flame-tooltip"]');
    assert.equal(await page.textContent('[data-testid="tooltip-name"]'), name);
    assert.ok((await page.textContent('[data-testid="tooltip-total"]'))!.startsWith(formatWeight(tree.total[root], sucrase.unit)));
    assert.ok((await page.textContent('[data-testid="tooltip-self"]'))!.startsWith(formatWeight(tree.self[root], sucrase.unit)));
    await screenshot(page, 'left-heavy-hover');

    await page.mouse.click(x, y);
    await page.waitForSelector('[data-testid="details-name"]');
    assert.equal(await page.textContent('[data-testid="details-name"]'), name);
    const stats = functionStats(thread, sucrase.frames.length);
    const frame = tree.frame[root];
    assert.equal(await page.textContent('[data-testid="details-function-self"]'), formatWeight(stats.self[frame], sucrase.unit));
    assert.equal(await page.textContent('[data-testid="details-function-total"]'), formatWeight(stats.total[frame], sucrase.unit));
    assert.equal(await page.textContent('[data-testid="details-block-total"]'), formatWeight(tree.total[root], sucrase.unit));

    // The keyboard walks the same tree: Shift+Down to the heaviest callee (next in left-heavy preorder), Shift+Up back.
    const child = tree.order[1];
    assert.equal(tree.parent[child], root);
    await page.focus('[data-testid="flame-chart-canvas"]');
    await page.keyboard.press('Shift+ArrowDown');
    assert.equal(await page.textContent('[data-testid="details-name"]'), sucrase.frames.names[tree.frame[child]]);
    assert.equal(await page.textContent('[data-testid="details-block-total"]'), formatWeight(tree.total[child], sucrase.unit));
    await page.keyboard.press('Shift+ArrowUp');
    assert.equal(await page.textContent('[data-testid="details-name"]'), name);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height - 5);
    await screenshot(page, 'left-heavy');
  });

  test('keys and the wheel zoom and pan; 0 resets', async () => {
    await page.click('[data-testid="view-time-order"]');
    await page.waitForSelector('[data-view="time-order"]');
    const box = await canvasBox(page);
    await page.focus('[data-testid="flame-chart-canvas"]');
    for (let i = 0; i < 3; i++) await page.keyboard.press('w');
    const zoomed = await viewportOf(page, '/time-order');
    assert.ok(zoomed, 'zooming stores a viewport');
    const full = sucrase.threads[0].endTime - sucrase.threads[0].startTime;
    const span = zoomed.x1 - zoomed.x0;
    assert.ok(Math.abs(span - full * 0.8 ** 3) / full < 0.01, `three w presses zoom to 0.8^3 (${span} of ${full})`);
    await page.keyboard.press('d');
    const panned = (await viewportOf(page, '/time-order'))!;
    assert.ok(Math.abs(panned.x0 - zoomed.x0 - span * 0.15) < span * 1e-6, 'd pans right by 15%');
    assert.ok(Math.abs(panned.x1 - panned.x0 - span) < span * 1e-6, 'panning keeps the width');

    // Wheel zoom keeps the time under the cursor where it was.
    const cursorX = box.x + box.width * 0.3;
    await page.mouse.move(cursorX, box.y + box.height / 2);
    const before = (await viewportOf(page, '/time-order'))!;
    const tBefore = before.x0 + 0.3 * (before.x1 - before.x0);
    await page.mouse.wheel(0, -300);
    await page.waitForFunction(
      (x0) => Object.values((window as any).__traceAnalyserDebug.viewports as Record<string, DebugViewport>).some((v) => v.x0 !== x0),
      before.x0,
    );
    const after = (await viewportOf(page, '/time-order'))!;
    assert.ok(after.x1 - after.x0 < before.x1 - before.x0, 'wheel up zooms in');
    const tAfter = after.x0 + 0.3 * (after.x1 - after.x0);
    assert.ok(Math.abs(tAfter - tBefore) < (before.x1 - before.x0) * 0.01, 'the point under the cursor stays put');
    // Horizontal trackpad scroll pans.
    await page.mouse.wheel(200, 0);
    await page.waitForTimeout(50);
    const panned2 = (await viewportOf(page, '/time-order'))!;
    assert.ok(panned2.x0 > after.x0, 'horizontal wheel pans right');
    await page.keyboard.press('0');
    assert.equal(await viewportOf(page, '/time-order'), null, '0 resets the zoom');
  });

  test('search highlights matching functions and reports their count', async () => {
    await page.keyboard.press('/');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'search-input');
    await page.keyboard.type('parse');
    const expected = sucrase.frames.names.filter(
      (n, i) => n.toLowerCase().includes('parse') || (sucrase.frames.files[i] ?? '').toLowerCase().includes('parse'),
    ).length;
    await page.waitForSelector('[data-testid="search-count"]');
    assert.equal(await page.textContent('[data-testid="search-count"]'), `${expected} matches`);
    await page.click('[data-testid="view-left-heavy"]');
    await page.waitForTimeout(100);
    await screenshot(page, 'search');
    await page.fill('[data-testid="search-input"]', '');
  });

  test('a summary function opens the sandwich with that function selected', async () => {
    const fn = sucraseSummary.threads[0].topFunctions[1];
    await page.click(`[data-testid="summary-function"][data-function-id="${fn.id}"]`);
    await page.waitForSelector('[data-testid="sandwich-view"]');
    assert.equal(await page.getAttribute('[data-testid="view-sandwich"]', 'aria-selected'), 'true');
    assert.equal(await page.textContent('[data-testid="details-name"]'), fn.name);
    const thread = sucrase.threads.find((t) => t.id === sucraseSummary.threads[0].id)!;
    const stats = functionStats(thread, sucrase.frames.length);
    const frame = Number(fn.id.slice(2));
    assert.equal(await page.textContent('[data-testid="details-function-self"]'), formatWeight(stats.self[frame], sucrase.unit));
    assert.equal(await page.textContent('[data-testid="details-function-total"]'), formatWeight(stats.total[frame], sucrase.unit));
    // The summary's milliseconds agree with the chart's microseconds.
    assert.ok(Math.abs(stats.self[frame] / 1000 - fn.selfMs!) < 0.01);
    assert.equal(await page.getAttribute(`[data-testid="function-row"][data-function-id="${fn.id}"]`, 'aria-selected'), 'true');
    await page.waitForSelector('[data-testid="callers-chart-canvas"]');
    await page.waitForSelector('[data-testid="callees-chart-canvas"]');
    // Both graphs are rooted at the function with its total: callees top-down, callers bottom-up.
    const callees = (await page.locator('[data-testid="callees-chart-canvas"]').boundingBox())!;
    await page.mouse.move(callees.x + 3, callees.y + AXIS_PX + ROW_PX / 2);
    await page.waitForSelector('[data-testid="flame-tooltip"]');
    assert.equal(await page.textContent('[data-testid="tooltip-name"]'), fn.name);
    assert.ok((await page.textContent('[data-testid="tooltip-total"]'))!.startsWith(formatWeight(stats.total[frame], sucrase.unit)));
    const callers = (await page.locator('[data-testid="callers-chart-canvas"]').boundingBox())!;
    await page.mouse.move(callers.x + 3, callers.y + callers.height - AXIS_PX - ROW_PX / 2);
    await page.waitForFunction((name) => document.querySelector('[data-testid="tooltip-name"]')?.textContent === name, fn.name);
    assert.ok((await page.textContent('[data-testid="tooltip-total"]'))!.startsWith(formatWeight(stats.total[frame], sucrase.unit)));
    await page.mouse.move(callers.x + callers.width / 2, callers.y - 30);
    // Sorting by total puts the heaviest total first.
    await page.click('[data-testid="sort-total"]');
    // The list is virtualised and scrolled to the selection: read the row at the very top.
    await page.$eval('[data-testid="function-table"]', (el) => el.scrollTo(0, 0));
    const topRow = page.locator('[data-testid="function-row"][style*="top: 0px"]');
    await topRow.waitFor();
    const firstRow = await topRow.getAttribute('data-function-id');
    assert.equal(stats.total[Number(firstRow!.slice(2))], Math.max(...stats.total));
    await page.click('[data-testid="sort-self"]');
    await screenshot(page, 'sandwich');
    await screenshot(page, 'summary');
  });

  test('a garbage file shows the importer message and keeps the open trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ta-garbage-'));
    const garbage = join(dir, 'garbage.json');
    writeFileSync(garbage, '{"this is": not a trace at all');
    const expected = await importTraceFile(garbage).then(
      () => assert.fail('garbage imported'),
      (e: unknown) => e,
    );
    assert.ok(expected instanceof TraceImportError);
    await dropFile(page, garbage);
    await page.waitForSelector('[data-testid="import-error"]');
    assert.equal(await page.textContent('[data-testid="import-error-message"]'), expected.message);
    assert.equal(await page.textContent('[data-testid="trace-file-name"]'), 'sucrase.cpuprofile');
    await screenshot(page, 'error');
    await page.click('[aria-label="Dismiss error"]');
  });

  test('a dropped multi-process trace lists the main thread first and switches threads', async () => {
    await page.click('[data-testid="view-time-order"]');
    await dropFile(page, MULTIPROCESS);
    await waitForChart(page, 'multiprocess.json');
    await waitForWholeProfile(page);
    const profile = await importTraceFile(MULTIPROCESS);
    const summary = summarizeProfile(profile);
    const options = await page.locator('[data-testid="thread-picker"] option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    assert.deepEqual(
      options.slice(0, summary.threads.length),
      summary.threads.map((t) => t.id),
    );
    await page.selectOption('[data-testid="thread-picker"]', summary.threads[1].id);
    await page.waitForFunction((id) => document.querySelector('[data-chart-id]')?.getAttribute('data-chart-id') === `${id}/time-order`, summary.threads[1].id);
  });

  test('a long task in the summary zooms the time order view to it', async () => {
    await dropFile(page, WORKER_66);
    await waitForChart(page, 'worker.json');
    const profile = await importTraceFile(WORKER_66);
    const summary = summarizeProfile(profile);
    const thread = summary.threads.find((t) => t.longTasks.length > 0);
    assert.ok(thread, 'the trace has a long task');
    const task = thread.longTasks[0];
    await page.click(`[data-testid="summary-long-task"][data-task-id="${task.id}"]`);
    const timeline = profile.threads.find((t) => t.id === task.threadId)!;
    const interval = Number(task.id.slice(task.id.lastIndexOf(':') + 1));
    const v = await viewportOf(page, `${task.threadId}/time-order`);
    assert.ok(v, 'the task has a zoom window');
    const dur = timeline.end[interval] - timeline.start[interval];
    assert.ok(v.x0 <= timeline.start[interval] && v.x1 >= timeline.end[interval], 'the task is in view');
    assert.ok(v.x1 - v.x0 < dur * 1.2, 'and fills it');
    assert.equal(await page.textContent('[data-testid="details-name"]'), task.name);

    // Markers (user timings, navigation...) sit on the axis; hovering one names it.
    const inView = timeline.markers.filter((m) => m.start >= v.x0 && m.start <= v.x1);
    assert.ok(inView.length > 0, 'a marker is in view');
    const box = await canvasBox(page);
    const perPx = (v.x1 - v.x0) / box.width;
    const target = inView[0];
    await page.mouse.move(box.x + (target.start - v.x0) / perPx, box.y + AXIS_PX - 3);
    await page.waitForSelector('[data-testid="marker-tooltip"]');
    const near = new Set(timeline.markers.filter((m) => Math.abs(m.start - target.start) <= 5 * perPx).map((m) => m.name));
    const shown = await page.textContent('[data-testid="marker-tooltip"] .flame-tooltip-name');
    assert.ok(near.has(shown!), `tooltip names a marker at that point (${shown})`);
    await screenshot(page, 'long-task');
  });

  test("a trace with nothing to draw says so, and why, from the importer's warnings", async () => {
    // A V8 profile recorded with no samples (written here), and a real trace of object snapshots only.
    const empty = join(mkdtempSync(join(tmpdir(), 'ta-empty-')), 'idle.cpuprofile');
    writeFileSync(
      empty,
      JSON.stringify({
        nodes: [{ id: 1, callFrame: { functionName: '(root)', scriptId: '0', url: '', lineNumber: -1, columnNumber: -1 } }],
        startTime: 0,
        endTime: 1000,
        samples: [],
        timeDeltas: [],
      }),
    );
    for (const file of [empty, QUADS]) {
      const { warnings } = await importTraceFile(file);
      await dropFile(page, file);
      await page.waitForFunction((name) => document.querySelector('[data-testid="trace-file-name"]')?.textContent === name, file.split('/').pop());
      assert.match((await page.textContent('.no-threads'))!, /This trace has no calls or samples to draw\./);
      assert.deepEqual(await page.locator('.no-threads [data-testid="trace-warnings"] li').allTextContents(), warnings);
      assert.equal(await page.locator('[data-testid="thread-picker"]').count(), 0, 'no empty thread picker');
      if (file === empty) {
        assert.ok(warnings.length > 0, 'the importer says why');
        await screenshot(page, 'nothing-to-draw');
      }
    }
  });

  test('Chrome performance panel trace: renders without page errors; its main thread names the JS that ran', async () => {
    await dropFile(page, CHROME_116);
    await waitForChart(page, 'Trace-20230603T221323.json');
    await screenshot(page, 'chrome-116');
    const unexpected = errors.filter((e) => !/favicon|status of 404/.test(e));
    assert.deepEqual(unexpected, []);
    // The CPU samples are merged into the main thread: its hottest JS function opens in the sandwich, with its source.
    const summary = summarizeProfile(await importTraceFile(CHROME_116));
    const js = summary.threads[0].topFunctions.find((fn) => fn.file !== undefined);
    assert.ok(js, "a JS function is among the main thread's top functions");
    await page.click(`[data-testid="summary-function"][data-function-id="${js.id}"]`);
    await page.waitForSelector('[data-testid="sandwich-view"]');
    assert.equal(await page.textContent('[data-testid="details-name"]'), js.name);
    assert.ok((await page.textContent('[data-testid="details-file"]'))?.includes(js.file!));
    await page.click('[data-testid="view-time-order"]');
  });

  test('dark theme follows the OS; canvases are sharp on a 2x screen', async () => {
    const dark = await newPage(browser, host.url, { colorScheme: 'dark', deviceScaleFactor: 2 });
    try {
      await dark.page.waitForSelector('[data-testid="empty-state"], [data-testid="toolbar"]');
      const bg = await dark.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      const [r, g, b] = bg.match(/\d+/g)!.map(Number);
      assert.ok(r + g + b < 150, `dark background (${bg})`);
      // A second window shows the trace the host has open; opening another replaces it.
      await dropFile(dark.page, SUCRASE);
      await waitForChart(dark.page, 'sucrase.cpuprofile');
      await dark.page.click('[data-testid="view-left-heavy"]');
      await dark.page.waitForTimeout(100);
      // The canvas reads the theme: its background pixel is dark too.
      const pixel = await dark.page.evaluate(() => {
        const canvas = document.querySelector('[data-testid="flame-chart-canvas"]') as HTMLCanvasElement;
        const probe = document.createElement('canvas');
        probe.width = canvas.width;
        probe.height = canvas.height;
        const ctx = probe.getContext('2d')!;
        ctx.drawImage(canvas, 0, 0);
        return Array.from(ctx.getImageData(canvas.width - 2, canvas.height - 2, 1, 1).data);
      });
      assert.ok(pixel[0] + pixel[1] + pixel[2] < 150, `dark canvas (${pixel.join(', ')})`);
      const sizes = await dark.page.$eval('[data-testid="flame-chart-canvas"]', (c) => [(c as HTMLCanvasElement).width, c.clientWidth]);
      assert.equal(sizes[0], sizes[1] * 2, 'backing store at device pixels');
      await screenshot(dark.page, 'dark-theme');
    } finally {
      await dark.context.close();
    }
  });
});

test.describe('recent files in the empty state', () => {
  test('a trace opened by path is listed next time and opens with a click', async ({ browser }) => {
    const userDataDir = mkdtempSync(join(tmpdir(), 'ta-recent-'));
    // The host opens a path given at start (as `trace-analyser <file>` does) and records it.
    const first = await startHost({ file: SUCRASE, userDataDir });
    try {
      const { context, page } = await newPage(browser, first.url);
      await waitForChart(page, 'sucrase.cpuprofile');
      await context.close();
    } finally {
      await first.stop();
    }
    const second = await startHost({ userDataDir });
    try {
      const { context, page } = await newPage(browser, second.url);
      await page.waitForSelector('[data-testid="recent-files"]');
      const entries = await page.locator('[data-testid="recent-files"] button').allTextContents();
      assert.equal(entries.length, 1);
      assert.match(entries[0], /^sucrase\.cpuprofile/);
      await screenshot(page, 'empty-with-recent');
      await page.click('[data-testid="recent-files"] button');
      await waitForChart(page, 'sucrase.cpuprofile');
      await context.close();
    } finally {
      await second.stop();
    }
  });
});

test.describe('the chart first, its summary after', () => {
  let host: PageHost;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** Whole profiles and summaries the host sent, held back from the page until released. */
  const held: { channel: 'trace:profile' | 'trace:summary'; traceId: string; release(): void }[] = [];
  const traceIds = new Map<string, string>();
  /** Traces the page reported drawn (trace:shown requests). */
  const shown: string[] = [];

  test.beforeAll(async ({ browser: shared }) => {
    browser = shared;
    host = await startHost();
    context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    page = await context.newPage();
    // The real host and socket; only the trace:summary events wait here, so the page shows what it shows before one arrives.
    await page.routeWebSocket(/__trace-analyser\/ws/, (ws: WebSocketRoute) => {
      const server = ws.connectToServer();
      ws.onMessage((message) => {
        if (typeof message === 'string' && message.includes('"channel":"trace:shown"')) shown.push(JSON.parse(message).payload.traceId);
        server.send(message);
      });
      server.onMessage((message) => {
        const heldChannel = typeof message === 'string' && message.match(/^\{"type":"event","channel":"(trace:profile|trace:summary)"/)?.[1];
        if (heldChannel) {
          // The profile's bytes went ahead as an attachment; the page keeps them until this message names them.
          held.push({
            channel: heldChannel as 'trace:profile' | 'trace:summary',
            traceId: JSON.parse(message).payload.traceId,
            release: () => ws.send(message),
          });
          return;
        }
        if (typeof message === 'string' && message.includes('"channel":"trace:loaded"')) {
          const { payload } = JSON.parse(message);
          traceIds.set(payload.fileName, payload.traceId);
        }
        ws.send(message);
      });
    });
    await page.goto(host.url);
    await page.waitForSelector('[data-testid="empty-state"]');
  });

  test.afterAll(async () => {
    await context?.close();
    await host?.stop();
  });

  const eventually = async <T>(find: () => T | undefined, what: string): Promise<T> => {
    for (let i = 0; i < 600; i++) {
      const found = find();
      if (found !== undefined) return found;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.fail(`never: ${what}`);
  };
  const heldFor = (channel: 'trace:profile' | 'trace:summary', fileName: string) =>
    eventually(() => held.find((h) => h.channel === channel && h.traceId === traceIds.get(fileName)), `${channel} for ${fileName}`);
  const threadOptions = () => page.locator('[data-testid="thread-picker"] option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
  const status = () => page.textContent('[data-testid="summary-status"]');

  test("the chart draws and the importer's warnings show while the summary is computed; the summary joins them", async () => {
    const profile = await importTraceFile(ONLY_BEGIN);
    const summary = summarizeProfile(profile);
    const { tokens } = await renderSummaryText(summary);
    assert.ok(profile.warnings.length > 0);

    await dropFile(page, ONLY_BEGIN);
    await waitForChart(page, 'only-begin-events.json');
    // Once drawn, the page tells the host, which summarises then (not while the page decodes and draws).
    await eventually(() => (shown.includes(traceIds.get('only-begin-events.json')!) ? true : undefined), 'the page reports the trace drawn');
    const pending = await heldFor('trace:summary', 'only-begin-events.json');
    assert.equal(await status(), 'Summarising…');
    assert.deepEqual(await page.locator('[data-testid="summary-panel"] [data-testid="trace-warnings"] li').allTextContents(), profile.warnings);
    await screenshot(page, 'summarising');

    pending.release();
    await page.waitForFunction(() => document.querySelector('[data-testid="summary-status"]')?.textContent !== 'Summarising…');
    assert.equal(await status(), `What the assistant sees · ${formatCount(tokens)} tokens`);
    assert.deepEqual(await page.locator('[data-testid="summary-panel"] [data-testid="trace-warnings"] li').allTextContents(), summary.warnings);
    assert.equal(await page.locator('[data-testid="summary-function"]').count(), summary.threads[0].topFunctions.length);
  });

  test('a trace of many threads draws its main thread first; the others follow once it is drawn', async () => {
    const profile = await importTraceFile(MULTIPROCESS);
    const ranked = rankThreads(profile).map((r) => r.timeline.id);
    assert.ok(ranked.length > 1);
    await dropFile(page, MULTIPROCESS);
    await waitForChart(page, 'multiprocess.json');
    assert.deepEqual(await threadOptions(), [ranked[0]], 'only the thread drawn first has come');
    assert.equal(await page.getAttribute('[data-testid="thread-picker"]', 'aria-busy'), 'true');
    const chartId = await page.getAttribute('[data-chart-id]', 'data-chart-id');
    (await heldFor('trace:profile', 'multiprocess.json')).release();
    await waitForWholeProfile(page);
    assert.deepEqual(await threadOptions(), ranked);
    assert.equal(await page.getAttribute('[data-chart-id]', 'data-chart-id'), chartId, 'the chart stays on the thread it drew');
    (await heldFor('trace:summary', 'multiprocess.json')).release();
  });

  test('a trace opened while the last one was summarised never shows that summary', async () => {
    await dropFile(page, SUCRASE);
    await waitForChart(page, 'sucrase.cpuprofile');
    const old = await heldFor('trace:summary', 'sucrase.cpuprofile');
    await dropFile(page, MULTIPROCESS);
    await waitForChart(page, 'multiprocess.json');
    old.release();
    // Give the stale summary every chance to show.
    await page.waitForTimeout(300);
    assert.equal(await status(), 'Summarising…');
    assert.equal(await page.locator('[data-testid="summary-function"]').count(), 0);

    const summary = summarizeProfile(await importTraceFile(MULTIPROCESS));
    (await heldFor('trace:profile', 'multiprocess.json')).release();
    (await heldFor('trace:summary', 'multiprocess.json')).release();
    await page.waitForSelector('[data-testid="summary-function"]');
    const shown = await page.locator('[data-testid="summary-function"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-function-id')));
    assert.deepEqual(
      shown,
      summary.threads[0].topFunctions.map((f) => f.id),
    );
  });
});

test.describe('a file named at start-up', () => {
  test('one that cannot be opened shows its error in the window, as a dropped one does', async ({ browser }) => {
    const dir = mkdtempSync(join(tmpdir(), 'ta-startup-'));
    const notes = join(dir, 'notes.json');
    writeFileSync(notes, JSON.stringify({ hello: 'world', items: [1, 2, 3] }));
    const expected = await importTraceFile(notes).then(
      () => assert.fail('notes.json imported'),
      (e: unknown) => e,
    );
    assert.ok(expected instanceof TraceImportError);
    const hosts: PageHost[] = [];
    const open = async (file?: string) => {
      const host = await startHost({ file });
      hosts.push(host);
      return (await newPage(browser, host.url)).page;
    };
    try {
      // The same file dropped on an empty window: the banner to match.
      const dropped = await open();
      await dropped.waitForSelector('[data-testid="empty-state"]');
      await dropFile(dropped, notes);
      await dropped.waitForSelector('[data-testid="import-error"]');
      const droppedBanner = await dropped.textContent('[data-testid="import-error"]');

      const atStart = await open(notes);
      await atStart.waitForSelector('[data-testid="import-error"]');
      assert.equal(await atStart.textContent('[data-testid="import-error-message"]'), expected.message);
      assert.equal(await atStart.textContent('[data-testid="import-error"]'), droppedBanner);
      assert.ok(await atStart.locator('[data-testid="empty-state"]').isVisible());
      await screenshot(atStart, 'startup-error');

      const missing = join(dir, 'missing.json');
      const gone = await open(missing);
      await gone.waitForSelector('[data-testid="import-error"]');
      assert.match((await gone.textContent('[data-testid="import-error"] strong'))!, /^Could not open missing\.json$/);
      const message = (await gone.textContent('[data-testid="import-error-message"]'))!;
      assert.ok(message.includes(missing) && /does not exist/.test(message), message);
    } finally {
      for (const host of hosts) await host.stop();
    }
  });
});
