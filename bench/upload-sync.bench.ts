// Sync to Storage of a large Trace Event JSON, measured in one run:
//   1. what hashing and compressing cost the import itself: ImportService's
//      request -> "trace loaded" with no content work (the baseline, the app
//      before sync), signed in (sha256 + gzip copy) and signed out (sha256
//      only), alternated on the same warm workers. Target: signed in <= 1.10x.
//      The ratio is the median of each round's ratio (the three runs of a round
//      follow each other, so they share the machine's load: others' work on a
//      shared box moves whole rounds), and the ratio of the fastest runs.
//      Also request -> summary, and request -> content ready (hash and copy made).
//   2. drop -> "synced" against the Supabase stand-in (real TUS uploads, real
//      Postgres rows), through the app's services as the desktop runs them:
//      MB/s of original bytes, and the compressed size.
// Trace: bench/trace-generator.ts's cachedTrace, 100 MB by default (BENCH_IMPORT_MB).
//
// Run: npm run bench -- upload
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventChannel, MainEvents, SyncState, TraceLoadedEvent } from '../electron/ipc-contract.ts';
import { startAppServices } from '../electron/services/app-services.ts';
import { fileKeyEncryption } from '../electron/services/file-key-encryption.ts';
import type { TraceContent } from '../electron/services/content-archive.ts';
import { ImportService } from '../electron/services/import-service.ts';
import { startSupabaseStandin, type SupabaseStandin } from '../test-support/supabase-standin/index.ts';
import { createTestUser, type TestUser } from '../tests/cloud/test-user.ts';
import { median, printTable, round, writeBenchReport } from './bench-report.ts';
import { cachedTrace } from './trace-generator.ts';

const MB = 1024 * 1024;
const SIZE_MB = Number(process.env.BENCH_IMPORT_MB ?? 100);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);
const WORKER = new URL('../electron/services/import-worker.ts', import.meta.url);
/** Time a prewarmed worker gets to load and warm up before the drop (it takes about a second here). */
const WORKER_WARM_UP_MS = 2000;

// ------------------------------------------------------------ 1. the import's cost

type Variant = 'no content work (baseline)' | 'signed in: sha256 + gzip' | 'signed out: sha256 only';
interface ImportRun {
  loadedMs: number;
  summaryMs: number;
  contentMs: number | null;
  compressedBytes: number | null;
}

/** An ImportService as the app builds it for each variant, with a window that draws each trace at once. */
function importService(variant: Variant, archiveDir: string) {
  let waiters: { loaded?: (e: TraceLoadedEvent) => void; summary?: () => void; content?: (c: TraceContent) => void } = {};
  const wantsContent = variant !== 'no content work (baseline)';
  const service: ImportService = new ImportService({
    workerUrl: WORKER,
    emit(channel, payload) {
      if (channel === 'trace:loaded') {
        service.traceShown((payload as TraceLoadedEvent).traceId);
        waiters.loaded?.(payload as TraceLoadedEvent);
      }
      if (channel === 'trace:summary') waiters.summary?.();
      if (channel === 'import:failed') throw new Error(JSON.stringify(payload));
    },
    archiveTo: variant === 'signed in: sha256 + gzip' ? (importId) => join(archiveDir, `${importId}.gz`) : undefined,
    onContent: wantsContent ? (_traceId, content) => waiters.content?.(content) : undefined,
  });
  async function run(path: string): Promise<ImportRun> {
    const loaded = new Promise<TraceLoadedEvent>((resolve) => (waiters.loaded = resolve));
    const summary = new Promise<void>((resolve) => (waiters.summary = resolve));
    const content = wantsContent ? new Promise<TraceContent>((resolve) => (waiters.content = resolve)) : null;
    const started = performance.now();
    await service.importPath(path);
    await loaded;
    const loadedMs = performance.now() - started;
    let contentMs: number | null = null;
    let compressedBytes: number | null = null;
    const contentDone = content?.then((c) => {
      contentMs = performance.now() - started;
      if (c.status === 'ready' && c.archive) {
        compressedBytes = c.archive.bytes;
        rmSync(c.archive.path);
      }
    });
    await summary;
    const summaryMs = performance.now() - started;
    await contentDone;
    waiters = {};
    return { loadedMs, summaryMs, contentMs, compressedBytes };
  }
  return { service, run };
}

async function measureImportCost(path: string, archiveDir: string) {
  const variants: Variant[] = ['no content work (baseline)', 'signed in: sha256 + gzip', 'signed out: sha256 only'];
  const services = variants.map((v) => importService(v, archiveDir));
  const runs = new Map<Variant, ImportRun[]>(variants.map((v) => [v, []]));
  // Warm-up: each worker loads its code and its tokenizer.
  for (const s of services) await s.run(path);
  for (let i = 0; i < REPEATS; i++) {
    for (const [index, variant] of variants.entries()) runs.get(variant)!.push(await services[index].run(path));
  }
  await Promise.all(services.map((s) => s.service.dispose()));
  return runs;
}

// ------------------------------------------------------------ 2. drop -> synced

interface SyncRun {
  loadedMs: number;
  summaryMs: number;
  syncedMs: number;
  compressedBytes: number;
  uploadedMs: number | null;
}

/** Opens the trace in fresh app services signed in as `user`; resolves once it is synced. */
async function dropUntilSynced(path: string, standin: SupabaseStandin, user: TestUser): Promise<SyncRun> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'upload-bench-'));
  const marks: Partial<Record<'loaded' | 'summary' | 'uploading' | 'synced', number>> = {};
  let synced!: (state: SyncState) => void;
  const done = new Promise<SyncState>((resolve) => (synced = resolve));
  let started = 0;
  const services = await startAppServices({
    userDataDir,
    workerUrl: WORKER,
    encryption: await fileKeyEncryption(join(userDataDir, 'secrets.key')),
    env: { SUPABASE_URL: standin.url, SUPABASE_ANON_KEY: standin.anonKey },
    adapters: { appInfo: { name: 'bench', version: '0', host: 'browser', platform: process.platform, versions: { node: process.version } } },
    emit<C extends EventChannel>(channel: C, payload: MainEvents[C]) {
      const now = performance.now() - started;
      if (channel === 'trace:loaded') {
        marks.loaded = now;
        services.imports.traceShown((payload as TraceLoadedEvent).traceId);
      }
      if (channel === 'trace:summary') marks.summary = now;
      if (channel === 'sync:progress') {
        const state = payload as SyncState;
        if (state.status === 'uploading') marks.uploading ??= now;
        if (state.status === 'synced' || state.status === 'failed') synced(state);
      }
    },
  });
  await services.handlers['account:sign-in']({ email: user.email, password: user.password });
  // As in the app, the import worker was started and warmed up before the user drops a file.
  services.imports.prewarm();
  await new Promise((resolve) => setTimeout(resolve, WORKER_WARM_UP_MS));
  started = performance.now();
  await services.imports.importPath(path);
  const state = await done;
  const syncedMs = performance.now() - started;
  await services.dispose();
  rmSync(userDataDir, { recursive: true, force: true });
  if (state.status !== 'synced') throw new Error(`sync failed: ${state.message}`);
  return {
    loadedMs: marks.loaded!,
    summaryMs: marks.summary!,
    syncedMs,
    compressedBytes: state.totalBytes!,
    uploadedMs: marks.uploading === undefined ? null : syncedMs - marks.uploading,
  };
}

async function measureSync(path: string, standin: SupabaseStandin) {
  const runs: SyncRun[] = [];
  for (let i = 0; i < REPEATS; i++) runs.push(await dropUntilSynced(path, standin, await createTestUser(standin, `bench-${i}@example.com`)));
  // The same content again for one user: already stored, nothing uploaded.
  const user = await createTestUser(standin, 'bench-again@example.com');
  await dropUntilSynced(path, standin, user);
  const again = await dropUntilSynced(path, standin, user);
  return { runs, again };
}

// ------------------------------------------------------------ report

async function main(): Promise<void> {
  const path = await cachedTrace(SIZE_MB);
  const archiveDir = mkdtempSync(join(tmpdir(), 'upload-bench-archives-'));
  const importRuns = await measureImportCost(path, archiveDir);
  rmSync(archiveDir, { recursive: true, force: true });

  const standin = await startSupabaseStandin({ logFunctionOutput: false, fileSizeLimit: 1024 * MB });
  const sync = await measureSync(path, standin).finally(() => standin.stop());

  const baselineRuns = importRuns.get('no content work (baseline)')!.map((r) => r.loadedMs);
  const fmt = (ms: number | null) => (ms === null ? '-' : `${round(ms)} ms`);
  console.log(
    `trace: ${SIZE_MB} MB Chrome trace, ${REPEATS} runs each, load average ${loadavg()
      .map((x) => round(x, 2))
      .join(' ')}`,
  );
  console.log('\n1. The import with and without hashing and compressing (medians, alternated on warm workers)');
  printTable(
    [
      'variant',
      'request -> loaded (median, fastest)',
      'loaded ratio (median of rounds, fastest)',
      'request -> summary',
      'request -> content ready',
      'compressed',
    ],
    [...importRuns].map(([variant, runs]) => {
      const loaded = runs.map((r) => r.loadedMs);
      const roundRatio = median(loaded.map((ms, i) => ms / baselineRuns[i]));
      const fastestRatio = Math.min(...loaded) / Math.min(...baselineRuns);
      const content = runs[0].contentMs === null ? null : median(runs.map((r) => r.contentMs!));
      const compressed = runs[0].compressedBytes;
      return [
        variant,
        `${fmt(median(loaded))}, ${fmt(Math.min(...loaded))}`,
        `${round(roundRatio, 3)}x, ${round(fastestRatio, 3)}x${variant.startsWith('signed in') ? ' (target <= 1.10x)' : ''}`,
        fmt(median(runs.map((r) => r.summaryMs))),
        fmt(content),
        compressed === null ? '-' : `${round(compressed / MB, 2)} MB (${round((100 * compressed) / (SIZE_MB * MB))}%)`,
      ];
    }),
  );

  const synced = median(sync.runs.map((r) => r.syncedMs));
  const uploaded = median(sync.runs.map((r) => r.uploadedMs ?? NaN));
  const compressed = sync.runs[0].compressedBytes;
  console.log('\n2. Drop -> synced against the stand-in (fresh app services per run, a new user each)');
  printTable(
    ['', 'request -> loaded', 'request -> summary', 'request -> synced', 'upload (uploading -> synced)', 'MB/s of original bytes'],
    [
      [
        'new content',
        fmt(median(sync.runs.map((r) => r.loadedMs))),
        fmt(median(sync.runs.map((r) => r.summaryMs))),
        fmt(synced),
        fmt(uploaded),
        `${round(SIZE_MB / (synced / 1000))}`,
      ],
      [
        'already stored',
        fmt(sync.again.loadedMs),
        fmt(sync.again.summaryMs),
        fmt(sync.again.syncedMs),
        fmt(sync.again.uploadedMs),
        `${round(SIZE_MB / (sync.again.syncedMs / 1000))}`,
      ],
    ],
  );
  console.log(
    `compressed size: ${round(compressed / MB, 2)} MB (${round((100 * compressed) / (SIZE_MB * MB), 1)}% of ${SIZE_MB} MB); upload ${round(compressed / MB / (uploaded / 1000))} MB/s of compressed bytes`,
  );

  writeBenchReport('upload-sync', {
    bench: 'upload-sync',
    node: process.version,
    date: new Date().toISOString(),
    loadAverage: loadavg(),
    sizeMB: SIZE_MB,
    repeats: REPEATS,
    importCost: Object.fromEntries(importRuns),
    sync,
  });
}

await main();
