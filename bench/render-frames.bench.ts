// Frame time of the flame chart while zooming and panning a thread with
// 1,000,000 calls, in real Chromium against the browser host. The page's own
// draw timer (window.__traceAnalyserDebug) gives the time each frame's drawing
// took; the interaction is scripted wheel zooms at varying points, key pans
// and zoom-outs, one frame each. Baseline in the same run: the same script on
// speedscope's sucrase.cpuprofile (17k samples), to show how cost scales with
// trace size. Target: median under 16 ms per frame on the 1M profile.
//
// Run: npm run bench -- render-frames
import { createWriteStream, existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { SAMPLE_TRACES } from '../shared-importer/node/trace-fixtures.ts';
import { chooseFile, launchChromium, newPage, REPO_ROOT, startHost, waitForChart } from '../tests/e2e/e2e-support.ts';

const OUT_DIR = join(REPO_ROOT, 'bench-output');
const CALLS = 1_000_000;
const TRACE = join(OUT_DIR, 'traces', `render-frames-${CALLS}.json`);
const SUCRASE = `${SAMPLE_TRACES}/Chrome/65/sucrase.cpuprofile`;

/**
 * One main thread of nested complete ("X") events: tasks of 20-80 ms, each a
 * random call tree up to 40 deep over 3,000 function names, like a busy page.
 */
async function generateDeepTrace(path: string, calls: number): Promise<void> {
  let seed = 12345;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const tmp = `${path}.partial`;
  const out = createWriteStream(tmp);
  let buffer = '{"traceEvents":[{"ph":"M","name":"thread_name","pid":1,"tid":1,"args":{"name":"CrRendererMain"}}';
  const write = async (s: string) => {
    buffer += s;
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  };
  let written = 0;
  let ts = 1000;
  // Work list of calls to emit: [start, duration, depth], children pushed in reverse so output is preorder.
  while (written < calls) {
    const taskDur = 20_000 + random() * 60_000;
    const stack: [number, number, number][] = [[ts, taskDur, 0]];
    while (stack.length > 0 && written < calls) {
      const [start, dur, depth] = stack.pop()!;
      const name = depth === 0 ? 'RunTask' : `fn${Math.floor(random() ** 2 * 3000)}`;
      await write(`,{"ph":"X","cat":"v8","name":"${name}","pid":1,"tid":1,"ts":${start.toFixed(3)},"dur":${dur.toFixed(3)}}`);
      written++;
      if (depth >= 40 || dur < 2) continue;
      const children = depth < 3 ? 2 + Math.floor(random() * 6) : Math.floor(random() * 4);
      const kids: [number, number, number][] = [];
      let cursor = start + dur * 0.02;
      for (let c = 0; c < children; c++) {
        const share = (dur * 0.9 * (0.3 + random())) / children;
        if (cursor + share > start + dur) break;
        kids.push([cursor, share * 0.95, depth + 1]);
        cursor += share;
      }
      for (let k = kids.length - 1; k >= 0; k--) stack.push(kids[k]);
    }
    ts += taskDur + 500 + random() * 5_000;
  }
  await write(']}');
  out.end(buffer);
  await once(out, 'finish');
  renameSync(tmp, path);
}

interface FrameStats {
  frames: number;
  /** Time our draw call took (JS and canvas command recording). */
  medianMs: number;
  p95Ms: number;
  maxMs: number;
  /** Time between animation frames during the script: drawing plus rasterising and compositing. */
  intervalMedianMs: number;
  intervalP95Ms: number;
}

/** Runs the scripted zoom/pan in the page, one step per animation frame, and returns the draw times. */
async function scriptedInteraction(page: Page): Promise<FrameStats> {
  await page.focus('[data-testid="flame-chart-canvas"]');
  const startCount = await page.evaluate(() => (window as any).__traceAnalyserDebug.drawCount as number);
  // Passed as source text: tsx would wrap named arrow functions in a helper the page does not have.
  const intervals: number[] = await page.evaluate(`(async () => {
    const stamps = [];
    const canvas = document.querySelector('[data-testid="flame-chart-canvas"]');
    const rect = canvas.getBoundingClientRect();
    const frame = () => new Promise((resolve) => requestAnimationFrame((t) => { stamps.push(t); resolve(); }));
    const wheel = (deltaX, deltaY, at, ctrlKey = false) =>
      canvas.dispatchEvent(
        new WheelEvent('wheel', { deltaX, deltaY, ctrlKey, clientX: rect.left + rect.width * at, clientY: rect.top + rect.height / 2, bubbles: true, cancelable: true }),
      );
    const key = (k) => canvas.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true }));
    // Three cycles at different points: zoom in to ~3% of the span, pan both ways
    // (keys and horizontal wheel), pinch, then zoom back out to everything.
    for (const at of [0.15, 0.5, 0.85]) {
      for (let i = 0; i < 30; i++) {
        wheel(0, -60, at);
        await frame();
      }
      for (let i = 0; i < 10; i++) {
        key(i < 5 ? 'd' : 'a');
        await frame();
      }
      for (let i = 0; i < 10; i++) {
        wheel(i % 2 ? 80 : -80, 0, at);
        await frame();
      }
      for (let i = 0; i < 10; i++) {
        wheel(0, i < 5 ? -6 : 6, at, true);
        await frame();
      }
      for (let i = 0; i < 30; i++) {
        wheel(0, 60, at);
        await frame();
      }
    }
    return stamps.slice(1).map((t, i) => t - stamps[i]);
  })()`);
  const sorted = [...intervals].sort((a, b) => a - b);
  const stats = await page.evaluate((since) => (window as any).__traceAnalyserDebug.drawStats(since), startCount);
  return {
    frames: stats.count,
    medianMs: stats.medianMs,
    p95Ms: stats.p95Ms,
    maxMs: stats.maxMs,
    intervalMedianMs: sorted[Math.floor(sorted.length / 2)],
    intervalP95Ms: sorted[Math.floor(sorted.length * 0.95)],
  };
}

async function main() {
  mkdirSync(join(OUT_DIR, 'traces'), { recursive: true });
  if (!existsSync(TRACE)) await generateDeepTrace(TRACE, CALLS);

  const browser = await launchChromium();
  const results: Record<string, FrameStats> = {};
  try {
    for (const [label, file, name] of [
      ['sucrase.cpuprofile (baseline)', SUCRASE, 'sucrase.cpuprofile'],
      [`${CALLS.toLocaleString('en-US')} calls`, TRACE, `render-frames-${CALLS}.json`],
    ] as const) {
      const host = await startHost();
      const { context, page } = await newPage(browser, host.url, { width: 1600, height: 1000 });
      try {
        await page.waitForSelector('[data-testid="empty-state"]');
        await chooseFile(page, file);
        await waitForChart(page, name, 600_000);
        // What follows the first frame (the other threads, the summary) has arrived: the window is settled.
        await page.waitForFunction(() => (window as any).__traceAnalyserDebug.lastLoad?.summaryAt != null, undefined, { timeout: 600_000 });
        for (const view of ['time-order', 'left-heavy'] as const) {
          await page.click(`[data-testid="view-${view}"]`);
          await page.waitForSelector(`[data-view="${view}"]`);
          await page.waitForTimeout(200);
          results[`${label}, ${view}`] = await scriptedInteraction(page);
        }
      } finally {
        await context.close();
        await host.stop();
      }
    }
  } finally {
    await browser.close();
  }

  const big = results[`${CALLS.toLocaleString('en-US')} calls, time-order`];
  const small = results['sucrase.cpuprofile (baseline), time-order'];
  console.table(
    Object.fromEntries(
      Object.entries(results).map(([k, v]) => [
        k,
        {
          frames: v.frames,
          'draw median ms': v.medianMs.toFixed(2),
          'draw p95 ms': v.p95Ms.toFixed(2),
          'draw max ms': v.maxMs.toFixed(2),
          'frame interval median ms': v.intervalMedianMs.toFixed(1),
          'frame interval p95 ms': v.intervalP95Ms.toFixed(1),
        },
      ]),
    ),
  );
  const ratio = big.medianMs / small.medianMs;
  console.log(
    `1M calls, time order: median ${big.medianMs.toFixed(2)} ms/frame (target < 16 ms: ${big.medianMs < 16 ? 'met' : 'NOT met'}), ` +
      `p95 ${big.p95Ms.toFixed(2)} ms; ${ratio.toFixed(2)}x the 17k-sample baseline's median. ` +
      `Frame interval (vsync-paced, includes raster): median ${big.intervalMedianMs.toFixed(1)} ms, p95 ${big.intervalP95Ms.toFixed(1)} ms`,
  );
  writeFileSync(
    join(OUT_DIR, 'render-frames.json'),
    JSON.stringify({ bench: 'render-frames', calls: CALLS, targetMedianMs: 16, results, ratioToBaseline: ratio }, null, 2),
  );
}

await main();
