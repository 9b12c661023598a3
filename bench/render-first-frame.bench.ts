// Time from "file chosen" to the first flame chart frame, for a 100 MB Chrome
// trace, in real Chromium against the browser host: the file goes through the
// page's file input, is uploaded to the host in one streaming POST, imported in
// the host's worker, its main thread sent back encoded, decoded, laid out and
// drawn. The other threads and the summary follow the chart; when the summary
// arrives is reported beside it.
// Baseline in the same run: importTraceFile of the same file in this process
// (parse only, no summary, no transfer, no drawing).
//
// The page is the renderer as Vite serves the sources (React's development
// build), as in the tests; BENCH_RENDERER=production measures the minified
// build the app ships instead (built once per host start, so slower to run).
//
// Run: npm run bench -- render-first-frame
import { existsSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importTraceFile } from '../shared-importer/node/node-host.ts';
import { chooseFile, launchChromium, newPage, REPO_ROOT, startHost } from '../tests/e2e/e2e-support.ts';
import { median } from './bench-report.ts';
import { generateTrace } from './trace-generator.ts';

const OUT_DIR = join(REPO_ROOT, 'bench-output');
const TRACE = join(OUT_DIR, 'traces', 'render-first-frame-100mb.json');
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const RENDERER = process.env.BENCH_RENDERER === 'production' ? 'production' : 'dev';
const MB = 1024 * 1024;

/** How the file reaches the host: uploaded from the page (browser host only) or opened by path (as Electron does). */
type Route = 'file input (upload)' | 'recent file (by path)';

interface Run {
  route: Route;
  firstFrameMs: number;
  hostImportMs: number;
  /** The request reaching the host and the loaded trace reaching the page (WebSocket, message parse). */
  transferMs: number;
  /** From the trace arriving in the page to the first frame (decode, layout, draw). */
  pageMs: number;
  /** From "chosen" to the summary arriving in the page. */
  summaryMs: number;
}

async function main() {
  mkdirSync(join(OUT_DIR, 'traces'), { recursive: true });
  if (!existsSync(TRACE)) await generateTrace({ bytes: 100 * MB, out: TRACE, seed: 7 });
  const sizeBytes = statSync(TRACE).size;

  const baseline: number[] = [];
  let events = 0;
  for (let i = 0; i < REPEATS; i++) {
    const started = performance.now();
    const profile = await importTraceFile(TRACE);
    baseline.push(performance.now() - started);
    events = profile.eventCount;
  }

  const browser = await launchChromium();
  const runs: Run[] = [];
  // Recent files live here; seeded by one host that opens the trace by path at start.
  const userDataDir = mkdtempSync(join(tmpdir(), 'ta-bench-'));
  try {
    const seed = await startHost({ file: TRACE, userDataDir, renderer: RENDERER });
    const seeded = await newPage(browser, seed.url);
    await seeded.page.waitForFunction(() => (window as any).__traceAnalyserDebug.firstFrameAt !== null, undefined, { timeout: 600_000 });
    await seeded.context.close();
    await seed.stop();

    for (let i = 0; i < REPEATS * 2; i++) {
      const route: Route = i % 2 === 0 ? 'file input (upload)' : 'recent file (by path)';
      // A fresh host and page each time: an empty window, nothing cached from the previous run.
      const host = await startHost({ userDataDir, renderer: RENDERER });
      const { context, page } = await newPage(browser, host.url);
      await page.waitForSelector('[data-testid="empty-state"]');
      if (route === 'file input (upload)') await chooseFile(page, TRACE);
      else await page.click('[data-testid="recent-files"] button');
      const timing = await page.waitForFunction(
        () => {
          const d = (window as any).__traceAnalyserDebug;
          const load = d.lastLoad;
          if (!load || load.requestedAt === null || d.firstFrameAt === null || d.firstFrameAt < load.loadedAt) return null;
          return { requestedAt: load.requestedAt, loadedAt: load.loadedAt, firstFrameAt: d.firstFrameAt, hostImportMs: load.hostImportMs };
        },
        undefined,
        { timeout: 300_000, polling: 50 },
      );
      const t = (await timing.jsonValue())!;
      const summaryAt = await page.waitForFunction(() => (window as any).__traceAnalyserDebug.lastLoad.summaryAt, undefined, { timeout: 300_000, polling: 50 });
      runs.push({
        route,
        firstFrameMs: t.firstFrameAt - t.requestedAt,
        hostImportMs: t.hostImportMs,
        transferMs: t.loadedAt - t.requestedAt - t.hostImportMs,
        pageMs: t.firstFrameAt - t.loadedAt,
        summaryMs: ((await summaryAt.jsonValue()) as number) - t.requestedAt,
      });
      await context.close();
      await host.stop();
    }
  } finally {
    await browser.close();
  }

  const baselineMs = median(baseline);
  const byRoute = Object.fromEntries(
    (['file input (upload)', 'recent file (by path)'] as const).map((route) => {
      const mine = runs.filter((r) => r.route === route);
      const firstFrameMs = median(mine.map((r) => r.firstFrameMs));
      return [
        route,
        {
          firstFrameMs,
          hostImportMs: median(mine.map((r) => r.hostImportMs)),
          transferMs: median(mine.map((r) => r.transferMs)),
          pageDecodeLayoutDrawMs: median(mine.map((r) => r.pageMs)),
          summaryMs: median(mine.map((r) => r.summaryMs)),
          ratioToBaseline: firstFrameMs / baselineMs,
        },
      ];
    }),
  );
  console.table({
    'Node import only (baseline)': {
      'first frame ms': Math.round(baselineMs),
      'host ms': '',
      'transfer ms': '',
      'page ms': '',
      ratio: '1.00',
      'summary ms': '',
    },
    ...Object.fromEntries(
      Object.entries(byRoute).map(([route, r]) => [
        `Chosen → first frame, ${route}`,
        {
          'first frame ms': Math.round(r.firstFrameMs),
          'host ms': Math.round(r.hostImportMs),
          'transfer ms': Math.round(r.transferMs),
          'page ms': Math.round(r.pageDecodeLayoutDrawMs),
          ratio: r.ratioToBaseline.toFixed(2),
          'summary ms': Math.round(r.summaryMs),
        },
      ]),
    ),
  });
  console.log(
    `${(sizeBytes / MB).toFixed(0)} MB, ${events.toLocaleString('en-US')} events, ${RENDERER} renderer, medians of ${REPEATS} runs per route. "host ms": the host's own ` +
      `import time as it reports it (for the file input this includes the upload); "transfer ms": the request reaching the host and the ` +
      `trace reaching the page; "page ms": decode + layout + first draw in the page; "summary ms": chosen → summary in the page (after the chart).`,
  );
  writeFileSync(
    join(OUT_DIR, 'render-first-frame.json'),
    JSON.stringify(
      { bench: 'render-first-frame', renderer: RENDERER, traceBytes: sizeBytes, events, repeats: REPEATS, baselineNodeImportMs: baselineMs, byRoute, runs },
      null,
      2,
    ),
  );
}

await main();
