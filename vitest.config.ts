// The Node-side suites (`*.test.ts` outside functions/, which Deno runs, and
// outside the browser and Electron suites, which Playwright runs:
// playwright.config.ts). `npm test` passes the files; `npx vitest` alone
// gives watch mode and filters.
import { defineConfig } from 'vitest/config';
import { BROWSER_SUITES } from './playwright.config.ts';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**', 'functions/**', 'out/**', '.scratch/**', ...BROWSER_SUITES],
    // A fresh process per file, as node:test gave: some files replace globals
    // (DecompressionStream) or hold a worker thread for their whole run.
    pool: 'forks',
    // Real traces, real Postgres and real child processes: some tests take
    // tens of seconds on a 2-core machine. A hang still ends the run.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // The app's own logging, shown only for a test that failed.
    silent: 'passed-only',
    // `npm run coverage`: what the Node suites reach of the app's own code.
    coverage: {
      provider: 'v8',
      reportsDirectory: 'test-output/coverage',
      include: ['shared-importer/**/*.ts', 'electron/**/*.ts', 'preload/**/*.ts', 'renderer/**/*.{ts,tsx}'],
      // The wasm kernel's source is AssemblyScript, which neither parses as TypeScript nor runs as JS.
      exclude: ['**/*.test.ts', '**/*.d.ts', 'shared-importer/wasm/**'],
    },
  },
});
