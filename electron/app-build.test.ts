// Builds the app with electron-vite (no Electron binary needed) and checks
// what the packaged app would run: a self-contained sandboxed preload, the
// import worker bundled as its own file and working, a renderer that app://
// serves under the CSP, and the file set electron-builder.yml would package.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, test } from 'vitest';
import { fileURLToPath } from 'node:url';
import { decodeProfile } from '../shared-importer/src/model/profile-codec.ts';
import type { TraceLoadedEvent, TraceSummaryEvent } from './ipc-contract.ts';
import { createAppProtocolHandler } from './main/app-protocol.ts';
import { APP_ORIGIN } from './main/window-security.ts';
import { ImportService } from './services/import-service.ts';
import { SAMPLE_TRACES } from '../shared-importer/node/trace-fixtures.ts';
import { CHROME_TRACE_EVENT_KERNEL_WASM } from '../shared-importer/src/formats/chrome-trace-event-kernel.wasm.ts';
import { packagedFiles, selectFiles } from '../test-support/packaged-files.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
// Inside the project, so the bundled worker resolves its external packages from node_modules as in the app.
const outDir = join(root, 'out', `test-build-${process.pid}`);

beforeAll(() => {
  const build = spawnSync(join(root, 'node_modules', '.bin', 'electron-vite'), ['build', '--outDir', outDir], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
  });
  assert.equal(build.status, 0, `electron-vite build failed:\n${build.stdout}\n${build.stderr}`);
});
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

test('the preload is one CommonJS file that requires only electron and exposes only the API', () => {
  const preload = readFileSync(join(outDir, 'preload', 'index.cjs'), 'utf8');
  const requires = [...preload.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
  assert.deepEqual([...new Set(requires)], ['electron']);
  assert.doesNotMatch(preload, /^\s*import\s/m);
  const exposures = [...preload.matchAll(/exposeInMainWorld\(([^,]+),\s*(\w+)\)/g)];
  assert.equal(exposures.length, 1);
  assert.doesNotMatch(exposures[0][2], /ipcRenderer/);
});

test('the bundled import worker runs and imports a real trace', async (t) => {
  const main = readFileSync(join(outDir, 'main', 'index.js'), 'utf8');
  const chunk = readdirSync(join(outDir, 'main', 'chunks')).find((f) => f.startsWith('import-worker'));
  assert.ok(chunk, 'the worker is its own file');
  assert.ok(main.includes(`chunks/${chunk}`), 'main refers to it');
  // It runs from app.asar.unpacked, where no node_modules resolve: only built-ins and sibling chunks.
  const workerCode = readFileSync(join(outDir, 'main', 'chunks', chunk), 'utf8');
  const specifiers = [...workerCode.matchAll(/(?:^import[^;]*?from\s*|import\()\s*"([^"]+)"/gm)].map((m) => m[1]);
  assert.ok(specifiers.length > 0);
  for (const specifier of specifiers) assert.match(specifier, /^(node:|\.\/)/, `worker imports ${specifier}`);
  let resolveLoaded!: (event: TraceLoadedEvent) => void;
  const loaded = new Promise<TraceLoadedEvent>((resolve) => (resolveLoaded = resolve));
  const summarized = new Promise<TraceSummaryEvent>((resolve, reject) => {
    const service: ImportService = new ImportService({
      workerUrl: join(outDir, 'main', 'chunks', chunk),
      emit(channel, payload) {
        if (channel === 'trace:loaded') {
          resolveLoaded(payload as TraceLoadedEvent);
          service.traceShown((payload as TraceLoadedEvent).traceId);
        }
        if (channel === 'trace:summary') resolve(payload as TraceSummaryEvent);
        if (channel === 'import:failed') reject(new Error(JSON.stringify(payload)));
      },
    });
    t.onTestFinished(() => service.dispose());
    void service.importPath(join(SAMPLE_TRACES, 'Chrome/65/simple.cpuprofile'));
  });
  const event = await loaded;
  assert.equal(event.format, 'chrome-cpuprofile');
  assert.ok(decodeProfile(event.profile).threads[0].count > 0);
  // The summary follows, with the tokenizer the bundle loads only then.
  const summary = await summarized;
  assert.ok(summary.status === 'ready', JSON.stringify(summary));
  assert.equal(summary.traceId, event.traceId);
  assert.ok(summary.tokens > 0);
});

test('app:// serves the built renderer and its assets under a CSP without eval', async () => {
  const handler = createAppProtocolHandler(join(outDir, 'renderer'));
  const page = await handler(new Request(`${APP_ORIGIN}/index.html`));
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.doesNotMatch(page.headers.get('content-security-policy')!, /unsafe-eval/);
  const meta = html.match(/http-equiv="Content-Security-Policy"\s+content="([^"]+)"/);
  assert.ok(meta, 'the page carries the CSP meta tag too');
  assert.doesNotMatch(meta[1], /unsafe-eval/);
  const assets = [...html.matchAll(/(?:src|href)="\.?\/?(assets\/[^"]+)"/g)].map((m) => m[1]);
  assert.ok(assets.some((a) => a.endsWith('.js')));
  for (const asset of assets) {
    const response = await handler(new Request(`${APP_ORIGIN}/${asset}`));
    assert.equal(response.status, 200, asset);
  }
});

const yaml = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown };
const builderConfig = yaml.load(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as {
  files: string[];
  asarUnpack: string[];
};

test('the packaged files hold everything the app loads and no tests, source maps, .env or keys', () => {
  const files = packagedFiles(root, outDir, builderConfig.files);
  const unwanted = files.filter((f) => /(\.test\.|\.spec\.|_test\.|\.map$|(^|\/)\.env|\.(pem|p12|pfx|p8|key)$)/.test(f));
  assert.deepEqual(unwanted, []);
  assert.deepEqual(
    files.filter((f) => !f.startsWith('out/')),
    ['package.json'],
    'only the build and package.json',
  );
  const worker = files.find((f) => /^out\/main\/chunks\/import-worker-[\w-]+\.js$/.test(f));
  assert.ok(worker, 'the import worker');
  for (const loaded of ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html']) {
    assert.ok(files.includes(loaded), loaded);
  }
  const html = readFileSync(join(outDir, 'renderer', 'index.html'), 'utf8');
  for (const [, asset] of html.matchAll(/(?:src|href)="\.?\/?(assets\/[^"]+)"/g)) {
    assert.ok(files.includes(`out/renderer/${asset}`), asset);
  }
  // The wasm kernel travels inside the worker as base64; the worker runs from app.asar.unpacked.
  const kernelCarrier = files.find((f) => readFileSync(join(outDir, f.slice('out/'.length)), 'utf8').includes(CHROME_TRACE_EVENT_KERNEL_WASM));
  assert.equal(kernelCarrier, worker, 'the wasm kernel is in the import worker');
  assert.deepEqual(selectFiles(root, [worker], builderConfig.asarUnpack), [worker], 'the worker is unpacked');
});

test('the production renderer bundle has no eval, no new Function and no secret-looking strings', () => {
  const assets = join(outDir, 'renderer', 'assets');
  const scripts = readdirSync(assets).filter((f) => f.endsWith('.js'));
  assert.ok(scripts.length > 0);
  for (const script of scripts) {
    const code = readFileSync(join(assets, script), 'utf8');
    // The CSP has no 'unsafe-eval': these would throw at run time.
    assert.doesNotMatch(code, /(?<![\w$.])eval\s*\(/, `${script}: eval(`);
    assert.doesNotMatch(code, /\bnew\s+Function\s*\(/, `${script}: new Function(`);
    assert.doesNotMatch(code, /eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]+/, `${script}: a JWT`);
    assert.doesNotMatch(code, /\bsk-(proj-|ant-)?[A-Za-z0-9_-]{20,}/, `${script}: an API key`);
    assert.doesNotMatch(code, /service_role/, `${script}: the Supabase service role`);
  }
});
