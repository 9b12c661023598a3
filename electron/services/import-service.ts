// Runs trace imports in worker threads, one at a time, and reports them as
// contract events. Plain Node: the Electron main process and the browser
// host both use it. The main event loop only relays messages; all parsing,
// summarising and encoding happen in the worker.
import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { EventSink, ImportFailureCode, ImportStarted, TraceLoadedEvent } from '../ipc-contract.ts';
import type { FromWorker, ImportSource, ToWorker } from './import-worker-protocol.ts';
import { startWorker } from './start-worker.ts';

/** How long a cancelled worker may take to stop by itself before it is terminated. */
const DEFAULT_CANCEL_GRACE_MS = 1000;
/** Pushed chunks not yet taken by the importer; beyond this, writers wait. */
const MAX_CHUNKS_IN_FLIGHT = 4;

export interface ImportServiceOptions {
  /** The worker entry: import-worker.ts under tsx, the bundled file in the app. */
  workerUrl: URL | string;
  emit: EventSink;
  /** Called after a trace loads (e.g. to add it to the recent files). */
  onLoaded?: (event: TraceLoadedEvent) => void;
  cancelGraceMs?: number;
}

/** Where a host pushes the bytes of a streamed import. */
export interface UploadSink {
  /** Resolves when the worker has room for more; false once the import no longer wants bytes. */
  write(bytes: Uint8Array): Promise<boolean>;
  end(): void;
}

interface RunningImport {
  importId: string;
  fileName: string;
  path: string | null;
  worker: Worker;
  startedAt: number;
  settled: boolean;
  cancelTimer?: NodeJS.Timeout;
  chunksInFlight: number;
  roomWaiters: (() => void)[];
}

export class ImportService {
  private running: RunningImport | null = null;
  private spare: Worker | null = null;
  private currentTrace: TraceLoadedEvent | null = null;
  private disposed = false;

  constructor(private readonly options: ImportServiceOptions) {}

  /** The last trace that loaded; a failed or cancelled import leaves it in place. */
  get current(): TraceLoadedEvent | null {
    return this.currentTrace;
  }

  get isRunning(): boolean {
    return this.running !== null;
  }

  /** Starts a worker now so the first import does not wait for one (module loading takes a moment). */
  prewarm(): void {
    if (!this.spare && !this.disposed) this.spare = this.spawn();
  }

  async importPath(path: string): Promise<ImportStarted> {
    // The size is only for the answer; an unreadable file is reported by the worker as import:failed.
    const totalBytes = await stat(path).then((s) => (s.isFile() ? s.size : null), () => null);
    const run = this.begin(basename(path), path, { kind: 'path', path });
    return { importId: run.importId, fileName: run.fileName, totalBytes };
  }

  importStream(fileName: string, totalBytes: number | null): { started: ImportStarted; upload: UploadSink } {
    const run = this.begin(fileName, null, { kind: 'stream', fileName, totalBytes });
    const upload: UploadSink = {
      write: async (bytes) => {
        if (run.settled) return false;
        run.chunksInFlight++;
        this.post(run, { type: 'chunk', bytes });
        while (run.chunksInFlight >= MAX_CHUNKS_IN_FLIGHT && !run.settled) {
          await new Promise<void>((resolve) => run.roomWaiters.push(resolve));
        }
        return !run.settled;
      },
      end: () => this.post(run, { type: 'end' }),
    };
    return { started: { importId: run.importId, fileName, totalBytes }, upload };
  }

  /** Cancels the running import (only if it is `importId`, when given). Returns false when none was cancelled. */
  cancel(importId?: string): boolean {
    const run = this.running;
    if (!run || (importId !== undefined && run.importId !== importId)) return false;
    this.running = null;
    this.post(run, { type: 'cancel' });
    // The worker normally answers 'aborted' within a chunk; a parse stuck in one big JSON.parse is terminated.
    run.cancelTimer = setTimeout(() => {
      this.settle(run, () => this.fail(run, 'aborted', 'Import cancelled.'));
    }, this.options.cancelGraceMs ?? DEFAULT_CANCEL_GRACE_MS);
    return true;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const run = this.running;
    this.running = null;
    const workers = [run?.worker, this.spare].filter((w): w is Worker => w !== undefined && w !== null);
    this.spare = null;
    if (run) {
      run.settled = true;
      clearTimeout(run.cancelTimer);
      this.releaseWaiters(run);
    }
    await Promise.all(workers.map((w) => w.terminate()));
  }

  private begin(fileName: string, path: string | null, source: ImportSource): RunningImport {
    if (this.disposed) throw new Error('ImportService is disposed');
    this.cancel();
    const worker = this.spare ?? this.spawn();
    this.spare = null;
    const run: RunningImport = {
      importId: randomUUID(),
      fileName,
      path,
      worker,
      startedAt: performance.now(),
      settled: false,
      chunksInFlight: 0,
      roomWaiters: [],
    };
    this.running = run;
    worker.on('message', (message: FromWorker) => this.onMessage(run, message));
    worker.on('error', (error) => {
      const outOfMemory = (error as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY';
      this.settle(run, () =>
        outOfMemory
          ? this.fail(run, 'too-large', 'The trace is too large to load in memory.')
          : this.fail(run, 'internal', `The import worker crashed: ${error.message}`),
      );
    });
    worker.on('exit', (code) => {
      this.settle(run, () => this.fail(run, 'internal', `The import worker stopped unexpectedly (exit code ${code}).`));
    });
    this.post(run, { type: 'start', source });
    // The next import should not wait for a worker to load either.
    queueMicrotask(() => this.prewarm());
    return run;
  }

  private spawn(): Worker {
    const worker = startWorker(this.options.workerUrl);
    // An idle spare must not keep the process alive.
    worker.unref();
    // A spare that dies before it is used is dropped; begin() attaches the real handlers when it is used.
    const dropIfSpare = () => {
      if (this.spare === worker) this.spare = null;
    };
    worker.on('error', dropIfSpare);
    worker.on('exit', dropIfSpare);
    return worker;
  }

  private post(run: RunningImport, message: ToWorker): void {
    if (run.settled) return;
    try {
      run.worker.postMessage(message);
    } catch {
      // The worker already exited; its 'exit' handler reports the failure.
    }
  }

  private onMessage(run: RunningImport, message: FromWorker): void {
    if (run.settled) return;
    const { emit } = this.options;
    switch (message.type) {
      case 'chunk-consumed':
        run.chunksInFlight--;
        run.roomWaiters.shift()?.();
        return;
      case 'progress':
        // A cancelled import's late progress is not shown.
        if (this.running !== run) return;
        emit('import:progress', {
          importId: run.importId,
          fileName: run.fileName,
          phase: message.phase,
          bytesRead: message.bytesRead,
          totalBytes: message.totalBytes,
          percent: message.totalBytes ? Math.min(100, (100 * message.bytesRead) / message.totalBytes) : null,
          events: message.events,
        });
        return;
      case 'failed':
        this.settle(run, () => this.fail(run, message.code, message.message));
        return;
      case 'loaded':
        this.settle(run, () => {
          const loaded: TraceLoadedEvent = {
            importId: run.importId,
            traceId: randomUUID(),
            fileName: message.fileName,
            path: run.path,
            sizeBytes: message.sizeBytes,
            format: message.format,
            profile: message.profile,
            summary: message.summary,
            summaryText: message.summaryText,
            tokens: message.tokens,
            importMs: performance.now() - run.startedAt,
          };
          this.currentTrace = loaded;
          emit('trace:loaded', loaded);
          this.options.onLoaded?.(loaded);
        });
        return;
    }
  }

  /** Runs `report` once per import, then lets the worker go. */
  private settle(run: RunningImport, report: () => void): void {
    if (run.settled) return;
    run.settled = true;
    clearTimeout(run.cancelTimer);
    if (this.running === run) this.running = null;
    this.releaseWaiters(run);
    void run.worker.terminate();
    report();
  }

  private releaseWaiters(run: RunningImport): void {
    for (const wake of run.roomWaiters.splice(0)) wake();
  }

  private fail(run: RunningImport, code: ImportFailureCode, message: string): void {
    this.options.emit('import:failed', { importId: run.importId, fileName: run.fileName, code, message });
  }
}
