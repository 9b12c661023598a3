// Draw time of the page track above the flame chart while zooming and panning,
// in real Chromium against the browser host. Inputs: Lighthouse's lcp-m78.json
// (28 requests, the baseline) and the same trace with its network requests
// copied 200 times across the page load (5,600 requests: every Resource*
// event of a request cloned with a new request id and shifted in time, its
// timing fields with it), so
// the events are Chrome's own. Both are measured in the same run; the
// flame chart's own draw time on the same frames is the yardstick.
//
// Run: npm run bench -- page-track
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { REAL_TRACES } from '../shared-importer/node/trace-fixtures.ts';
import { chooseFile, launchChromium, newPage, startHost, waitForChart } from '../tests/e2e/e2e-support.ts';
import { BENCH_OUTPUT_DIR, printTable, round, writeBenchReport } from './bench-report.ts';

const LCP_M78 = join(REAL_TRACES, 'lighthouse/lcp-m78.json');
const COPIES = 200;
const SPREAD_US = 5_000_000;

interface TraceEvent {
  name: string;
  ts: number;
  args?: { data?: { requestId?: string; url?: string; finishTime?: number; timing?: { requestTime?: number } } };
}

/** lcp-m78.json with every request repeated COPIES times, spread over the first SPREAD_US of the load. */
function manyRequestsTrace(out: string): void {
  const trace = JSON.parse(readFileSync(LCP_M78, 'utf8')) as { traceEvents: TraceEvent[] };
  const network = trace.traceEvents.filter((e) => e.name.startsWith('Resource') && e.args?.data?.requestId);
  for (let copy = 1; copy < COPIES; copy++) {
    const shift = Math.round((copy / COPIES) * SPREAD_US);
    for (const e of network) {
      const data = { ...e.args!.data!, requestId: `${e.args!.data!.requestId}.${copy}` };
      if (data.url) data.url = `${data.url}${data.url.includes('?') ? '&' : '?'}copy=${copy}`;
      // Chrome's own clocks inside the args (seconds) move with the event.
      if (data.finishTime) data.finishTime += shift / 1e6;
      if (data.timing?.requestTime) data.timing = { ...data.timing, requestTime: data.timing.requestTime + shift / 1e6 };
      trace.traceEvents.push({ ...e, ts: e.ts + shift, args: { ...e.args, data } });
    }
  }
  writeFileSync(out, JSON.stringify(trace));
}

interface Stats {
  count: number;
  medianMs: number;
  p95Ms: number;
  maxMs: number;
}

/** Wheel zooms at three points, key pans and zoom-outs on the flame chart, one per frame; both canvases redraw on each. */
async function scriptedInteraction(page: Page): Promise<{ chart: Stats; track: Stats }> {
  const since = await page.evaluate(() => {
    const debug = (window as any).__traceAnalyserDebug;
    return { chart: debug.drawCount as number, track: debug.pageTrackDrawCount as number };
  });
  // Passed as source text: tsx would wrap named arrow functions in a helper the page does not have.
  await page.evaluate(`(async () => {
    const canvas = document.querySelector('[data-testid="flame-chart-canvas"]');
    const rect = canvas.getBoundingClientRect();
    const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
    const wheel = (deltaX, deltaY, at) =>
      canvas.dispatchEvent(new WheelEvent('wheel', { deltaX, deltaY, clientX: rect.left + rect.width * at, clientY: rect.top + rect.height / 2, bubbles: true, cancelable: true }));
    const key = (k) => canvas.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true }));
    for (const at of [0.1, 0.3, 0.6]) {
      for (let i = 0; i < 25; i++) { wheel(0, -60, at); await frame(); }
      for (let i = 0; i < 10; i++) { key(i < 5 ? 'd' : 'a'); await frame(); }
      for (let i = 0; i < 25; i++) { wheel(0, 60, at); await frame(); }
    }
  })()`);
  return page.evaluate((s) => {
    const debug = (window as any).__traceAnalyserDebug;
    return { chart: debug.drawStats(s.chart), track: debug.pageTrackDrawStats(s.track) };
  }, since);
}

async function main() {
  mkdirSync(join(BENCH_OUTPUT_DIR, 'traces'), { recursive: true });
  const many = join(BENCH_OUTPUT_DIR, 'traces', `page-track-${COPIES * 28}-requests.json`);
  if (!existsSync(many)) manyRequestsTrace(many);
  const browser = await launchChromium();
  const results: Record<string, { requests: number; chart: Stats; track: Stats }> = {};
  try {
    for (const [label, file] of [
      ['lcp-m78.json (baseline)', LCP_M78],
      [`lcp-m78.json, requests x${COPIES}`, many],
    ] as const) {
      const host = await startHost();
      const { context, page } = await newPage(browser, host.url, { width: 1600, height: 1000 });
      try {
        await page.waitForSelector('[data-testid="empty-state"]');
        await chooseFile(page, file);
        await waitForChart(page, file.split('/').pop()!, 300_000);
        await page.waitForFunction(() => (window as any).__traceAnalyserDebug.lastLoad?.summaryAt != null, undefined, { timeout: 300_000 });
        await page.waitForSelector('[data-testid="page-track-canvas"]');
        const requests = Number((await page.textContent('.page-track-count'))!.match(/([\d,]+) requests?/)![1].replace(/,/g, ''));
        await page.waitForTimeout(200);
        results[label] = { requests, ...(await scriptedInteraction(page)) };
      } finally {
        await context.close();
        await host.stop();
      }
    }
  } finally {
    await browser.close();
  }
  printTable(
    ['trace', 'requests', 'frames', 'track median ms', 'track p95 ms', 'track max ms', 'chart median ms', 'track / chart'],
    Object.entries(results).map(([label, r]) => [
      label,
      String(r.requests),
      String(r.track.count),
      r.track.medianMs.toFixed(2),
      r.track.p95Ms.toFixed(2),
      r.track.maxMs.toFixed(2),
      r.chart.medianMs.toFixed(2),
      (r.track.medianMs / r.chart.medianMs).toFixed(2),
    ]),
  );
  const [base, big] = Object.values(results);
  const ratio = big.track.medianMs / base.track.medianMs;
  console.log(
    `\nPage track with ${big.requests} requests: median ${big.track.medianMs.toFixed(2)} ms a frame, ${ratio.toFixed(2)}x the ${base.requests}-request baseline's.`,
  );
  writeBenchReport('page-track', {
    bench: 'page-track',
    results: Object.fromEntries(Object.entries(results).map(([k, r]) => [k, { ...r, trackToChart: round(r.track.medianMs / r.chart.medianMs, 2) }])),
    ratioToBaseline: round(ratio, 2),
  });
}

await main();
