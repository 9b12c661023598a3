// Time from "file chosen" to the first flame chart frame, for a 100 MB Chrome
// trace, in real Chromium against the browser host: the file goes through the
// page's file input, is uploaded over the host's WebSocket, imported and
// summarised in the host's worker, sent back as an encoded profile, decoded,
// laid out and drawn. Baseline in the same run: importTraceFile of the same
// file in this process (parse only, no summary, no transfer, no drawing).
//
// Run: npm run bench -- render-first-frame
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { importTraceFile } from '../shared-importer/node/node-host.ts';
import { chooseFile, launchChromium, newPage, REPO_ROOT, startHost } from '../tests/e2e/e2e-support.ts';
import { generateTrace } from './trace-generator.ts';

const OUT_DIR = join(REPO_ROOT, 'bench-output');
const TRACE = join(OUT_DIR, 'traces', 'render-first-frame-100mb.json');
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const MB = 1024 * 1024;

interface Run {
  firstFrameMs: number;
  hostImportMs: number;
  /** From the trace arriving in the page to the first frame (decode, layout, draw). */
  pageMs: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

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
  try {
    for (let i = 0; i < REPEATS; i++) {
      // A fresh host and page each time: an empty window, nothing cached from the previous run.
      const host = await startHost();
      const { context, page } = await newPage(browser, host.url);
      await page.waitForSelector('[data-testid="empty-state"]');
      await chooseFile(page, TRACE);
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
      runs.push({ firstFrameMs: t.firstFrameAt - t.requestedAt, hostImportMs: t.hostImportMs, pageMs: t.firstFrameAt - t.loadedAt });
      await context.close();
      await host.stop();
    }
  } finally {
    await browser.close();
  }

  const result = {
    bench: 'render-first-frame',
    traceBytes: sizeBytes,
    events,
    repeats: REPEATS,
    baselineNodeImportMs: median(baseline),
    firstFrameMs: median(runs.map((r) => r.firstFrameMs)),
    hostImportMs: median(runs.map((r) => r.hostImportMs)),
    pageDecodeLayoutDrawMs: median(runs.map((r) => r.pageMs)),
    runs,
  };
  const ratio = result.firstFrameMs / result.baselineNodeImportMs;
  console.table({
    'Node import only (baseline)': { ms: Math.round(result.baselineNodeImportMs) },
    'Chosen → first frame (browser host)': { ms: Math.round(result.firstFrameMs) },
    '  of which host import + summary (reported by host)': { ms: Math.round(result.hostImportMs) },
    '  of which page: decode + layout + first draw': { ms: Math.round(result.pageDecodeLayoutDrawMs) },
  });
  console.log(
    `${(sizeBytes / MB).toFixed(0)} MB, ${events.toLocaleString('en-US')} events: first frame after ${(result.firstFrameMs / 1000).toFixed(2)} s, ` +
      `${ratio.toFixed(2)}x a bare Node import of the same file`,
  );
  writeFileSync(join(OUT_DIR, 'render-first-frame.json'), JSON.stringify({ ...result, ratioToBaseline: ratio }, null, 2));
}

await main();
