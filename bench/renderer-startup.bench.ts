// Start-up of the renderer bundle in real Chromium: the page's load event
// (its module script fetched, parsed and run),
// built with electron.vite.config.ts's renderer config as the app ships it,
// against the same config unminified (electron-vite's default) as the
// baseline measured in the same run. Loads alternate
// between the two, each in a fresh browser context (no cache), and the first
// two of each are dropped as warm-up.
//
// Run: npm run bench -- renderer-startup
import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { chromium } from '@playwright/test';
import { loadConfigFromFile, type RendererViteConfig } from 'electron-vite';
import { build } from 'vite';
import { CHROMIUM_LAUNCH_OPTIONS } from '../tests/e2e/chromium.ts';
import { median, printTable, round, writeBenchReport } from './bench-report.ts';

const REPO_ROOT = new URL('..', import.meta.url).pathname;
const LOADS = 16;
const WARM_UP = 2;
const CONTENT_TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

interface Variant {
  name: string;
  minify: boolean;
  url: string;
  server: Server;
  scriptBytes: number;
  loads: number[];
}

async function buildAndServe(renderer: RendererViteConfig, name: string, minify: boolean): Promise<Variant> {
  const outDir = mkdtempSync(join(tmpdir(), `ta-renderer-${name}-`));
  await build({ ...renderer, configFile: false, logLevel: 'silent', mode: 'production', build: { ...renderer.build, outDir, emptyOutDir: true, minify } });
  const server = createServer((request, response) => {
    const path = join(outDir, request.url === '/' ? 'index.html' : (request.url ?? '').split('?')[0]);
    readFile(path).then(
      (body) => response.writeHead(200, { 'content-type': CONTENT_TYPES[extname(path)] ?? 'application/octet-stream' }).end(body),
      () => response.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { name, minify, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server, scriptBytes: 0, loads: [] };
}

const { config } = await loadConfigFromFile({ command: 'build', mode: 'production' }, 'electron.vite.config.ts', REPO_ROOT, 'silent');
const renderer = config.renderer as RendererViteConfig;
// electron-vite's own default for the renderer is unminified.
const shippedMinify = Boolean(renderer.build?.minify ?? false);
const variants = [await buildAndServe(renderer, 'shipped', shippedMinify), await buildAndServe(renderer, 'unminified', false)];
const browser = await chromium.launch(CHROMIUM_LAUNCH_OPTIONS);
try {
  for (let i = 0; i < LOADS; i++) {
    for (const variant of i % 2 ? [...variants].reverse() : variants) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(variant.url, { waitUntil: 'load' });
      const { load, scriptBytes } = await page.evaluate(() => ({
        load: (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).loadEventEnd,
        scriptBytes: performance
          .getEntriesByType('resource')
          .filter((r) => r.name.endsWith('.js'))
          .reduce((sum, r) => sum + (r as PerformanceResourceTiming).decodedBodySize, 0),
      }));
      variant.scriptBytes = scriptBytes;
      if (i >= WARM_UP) variant.loads.push(load);
      await context.close();
    }
  }
} finally {
  await browser.close();
  for (const variant of variants) variant.server.close();
}

const [shipped, baseline] = variants;
printTable(
  ['build', 'minify', 'script', 'load (median)'],
  variants.map((v) => [v.name, String(v.minify), `${round(v.scriptBytes / 1024, 0)} KB`, `${round(median(v.loads))} ms`]),
);
const ratio = median(shipped.loads) / median(baseline.loads);
console.log(`\nshipped / unminified load: ${round(ratio, 2)}`);
writeBenchReport('renderer-startup', {
  loads: LOADS - WARM_UP,
  variants: variants.map((v) => ({ name: v.name, minify: v.minify, scriptBytes: v.scriptBytes, loadMs: v.loads, medianLoadMs: median(v.loads) })),
  shippedOverUnminified: ratio,
});
