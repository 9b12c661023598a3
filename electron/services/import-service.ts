// Runs trace imports in a worker thread, one at a time, and reports them as
// contract events: the loaded trace as soon as its profile is built (only the
// thread drawn first, when there are others), then the whole profile and the
// summary. Those two are held back until a window reports the trace drawn
// (traceShown), or a while has passed: sending megabytes and summarising
// while the page decodes and draws would slow its first frame.
// Plain Node: the Electron main process and the browser host both use it.
// The main event loop only relays messages; all parsing, summarising and
// encoding happen in the worker.
//
// The worker is kept between imports (warm tokenizer, compiled code). An
// import that must stop at once (replaced by a new one, or cancelled but not
// stopping within the grace period, e.g. inside one large JSON.parse) has its
// worker terminated, and the next import gets a fresh one. A worker still
// finishing the open trace is left to finish: a new import meanwhile takes
// another worker, and what follows a trace that was replaced is dropped.
//
// Every input is also hashed (and, when sync asks for it, compressed into a
// file) in the worker once its trace is sent: onContent reports it. A worker
// is free for the next import once both the summary and the content are in.
//
// The worker that imported the open trace keeps its profile, and runs the
// AI's trace tools on it (runTool): the profile never crosses threads again.
// That worker is the one kept idle, so the profile stays while the trace is open.
import { randomUUID } from 'node:crypto';
import { rm, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { EventSink, HostTraceState, ImportFailedEvent, ImportFailureCode, ImportStarted, TraceLoadedEvent, TraceSummaryEvent } from '../ipc-contract.ts';
import { parseTraceToolCall, type TraceToolCall } from '../../functions/_shared/trace-tools.ts';
import type { ToolOutcome } from '../../shared-importer/src/trace-tools/run-tool.ts';
import type { TraceContent } from './content-archive.ts';
import type { FromWorker, ImportSource, ToWorker } from './import-worker-protocol.ts';
import { startWorker } from './start-worker.ts';

/** How long a cancelled import may take to stop by itself before its worker is terminated. */
const DEFAULT_CANCEL_GRACE_MS = 1000;
/** Pushed chunks not yet taken by the importer; beyond this, writers wait. */
const MAX_CHUNKS_IN_FLIGHT = 4;
/** How long the rest of a loaded trace waits for a window to draw it (none may be open). */
const DEFAULT_REST_HOLD_MS = 3000;

/** What a tool call on a trace that is not open answers. */
export const TRACE_NOT_OPEN = 'That trace is no longer open: the tools look only into the open trace.';
/** What a tool call answers when the open trace's profile is no longer in memory (its worker stopped). */
export const PROFILE_GONE = 'The open trace is no longer loaded for analysis (its import worker stopped): open the trace again to look into it.';

const notRun = (text: string): ToolOutcome => ({ ok: false, text });

export interface ImportServiceOptions {
  /** The worker entry: import-worker.ts under tsx, the bundled file in the app. */
  workerUrl: URL | string;
  emit: EventSink;
  /** Called after a trace loads (e.g. to add it to the recent files). */
  onLoaded?: (event: TraceLoadedEvent) => void;
  /** Called with a loaded trace's summary (also for a trace no longer open). */
  onSummary?: (event: TraceSummaryEvent) => void;
  /** Called with a loaded trace's content hash and compressed copy (also for a trace no longer open). Without it, inputs are not hashed. */
  onContent?: (traceId: string, content: TraceContent) => void;
  /** Where the import's compressed copy goes (a file path), or null when only its hash is wanted. Asked as each import starts. */
  archiveTo?: (importId: string) => string | null;
  cancelGraceMs?: number;
  /** How long the whole profile and the summary wait for traceShown. */
  restHoldMs?: number;
}

/** Where a host pushes the bytes of a streamed import. */
export interface UploadSink {
  /**
   * Resolves when the worker has room for more; false once the import no longer wants bytes.
   * The sink takes the bytes: a buffer they fill whole is moved to the worker, not copied.
   */
  write(bytes: Uint8Array): Promise<boolean>;
  end(): void;
}

interface RunningImport {
  importId: string;
  fileName: string;
  path: string | null;
  worker: Worker;
  startedAt: number;
  archiveTo: string | null;
  /**
   * Importing until the trace loads (or fails); loaded while its whole profile,
   * summary and content are still to follow; done when nothing more is expected.
   */
  stage: 'importing' | 'loaded' | 'done';
  /** What a loaded trace still waits for. */
  awaiting: Set<'summary' | 'content'>;
  /** The loaded trace, which what follows belongs to. */
  traceId: string | null;
  /** Whether the worker was told a window drew the trace; until then holdTimer runs. */
  shown: boolean;
  holdTimer?: NodeJS.Timeout;
  cancelTimer?: NodeJS.Timeout;
  chunksInFlight: number;
  roomWaiters: (() => void)[];
}

export class ImportService {
  private running: RunningImport | null = null;
  /** A started worker with no import, ready for the next one. */
  private idle: Worker | null = null;
  /** Which import each live worker is running or finishing. */
  private readonly runOf = new Map<Worker, RunningImport>();
  private currentTrace: TraceLoadedEvent | null = null;
  private currentSummary: TraceSummaryEvent | null = null;
  private lastFailure: ImportFailedEvent | null = null;
  private disposed = false;
  /** The worker holding the open trace's profile, where its tools run. */
  private profileHolder: { traceId: string; importId: string; worker: Worker } | null = null;
  /** Tool calls sent to a worker, by request id. */
  private readonly toolRequests = new Map<number, { worker: Worker; resolve: (outcome: ToolOutcome) => void }>();
  private nextToolRequest = 1;
  /** Callers waiting for the open trace's summary. */
  private summaryWaiters: { traceId: string; resolve: (event: TraceSummaryEvent) => void; reject: (error: Error) => void }[] = [];

  constructor(private readonly options: ImportServiceOptions) {}

  /** The last trace that loaded; a failed or cancelled import leaves it in place. */
  get current(): TraceLoadedEvent | null {
    return this.currentTrace;
  }

  /** The open trace (its whole profile once that followed), its summary once computed, and the last import's failure until another starts. */
  get state(): Omit<HostTraceState, 'sync'> {
    return { loaded: this.currentTrace, summary: this.currentSummary, failure: this.lastFailure };
  }

  get isRunning(): boolean {
    return this.running !== null;
  }

  /**
   * The summary of the open trace `traceId`, once computed (it follows the
   * loaded trace). Rejects when that trace is not the open one, or stops
   * being it before its summary arrives.
   */
  whenSummarised(traceId: string): Promise<TraceSummaryEvent> {
    if (this.currentTrace?.traceId !== traceId) return Promise.reject(new Error('That trace is no longer open.'));
    if (this.currentSummary) return Promise.resolve(this.currentSummary);
    return new Promise((resolve, reject) => this.summaryWaiters.push({ traceId, resolve, reject }));
  }

  /**
   * Runs a trace tool on the open trace `traceId`, in the worker that holds
   * its profile, its arguments checked here first. Resolves with the text for
   * the model: the tool's result, or why it could not run (`ok` false: a
   * trace no longer open, bad arguments...).
   */
  runTool(traceId: string, call: TraceToolCall): Promise<ToolOutcome> {
    if (this.disposed || this.currentTrace?.traceId !== traceId) return Promise.resolve(notRun(TRACE_NOT_OPEN));
    const parsed = parseTraceToolCall(call);
    if (!parsed.ok) return Promise.resolve(notRun(parsed.message));
    const holder = this.profileHolder;
    if (holder?.traceId !== traceId) return Promise.resolve(notRun(PROFILE_GONE));
    const requestId = this.nextToolRequest++;
    return new Promise((resolve) => {
      this.toolRequests.set(requestId, { worker: holder.worker, resolve });
      // An idle worker does not keep the process alive; one that owes an answer must.
      holder.worker.ref();
      try {
        holder.worker.postMessage({ type: 'run-tool', importId: holder.importId, requestId, request: parsed.request } satisfies ToWorker);
      } catch {
        this.settleToolRequests(holder.worker, PROFILE_GONE);
      }
    });
  }

  /** Starts a worker now so the first import does not wait for one to load. */
  prewarm(): void {
    if (!this.idle && !this.running && !this.disposed) this.idle = this.spawn();
  }

  async importPath(path: string): Promise<ImportStarted> {
    // Started before anything is awaited, so imports begin in the order they were asked for.
    const run = this.begin(basename(path), path, { kind: 'path', path });
    // The size is only for the answer; an unreadable file is reported by the worker as import:failed.
    const totalBytes = await stat(path).then(
      (s) => (s.isFile() ? s.size : null),
      () => null,
    );
    return { importId: run.importId, fileName: run.fileName, totalBytes };
  }

  importStream(fileName: string, totalBytes: number | null): { started: ImportStarted; upload: UploadSink } {
    const run = this.begin(fileName, null, { kind: 'stream', fileName, totalBytes });
    const { importId } = run;
    const upload: UploadSink = {
      write: async (bytes) => {
        if (run.stage !== 'importing') return false;
        run.chunksInFlight++;
        const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
        this.post(run, { type: 'chunk', importId, bytes }, whole ? [bytes.buffer] : []);
        while (run.chunksInFlight >= MAX_CHUNKS_IN_FLIGHT && run.stage === 'importing') {
          await new Promise<void>((resolve) => run.roomWaiters.push(resolve));
        }
        return run.stage === 'importing';
      },
      end: () => this.post(run, { type: 'end', importId }),
    };
    return { started: { importId, fileName, totalBytes }, upload };
  }

  /** A window has drawn this trace: the rest of its profile and its summary need wait no longer. */
  traceShown(traceId: string): void {
    for (const run of this.runOf.values()) if (run.traceId === traceId) this.releaseRest(run);
  }

  /** Cancels the running import (only if it is `importId`, when given). Returns false when none was cancelled. */
  cancel(importId?: string): boolean {
    const run = this.running;
    if (!run || (importId !== undefined && run.importId !== importId)) return false;
    this.running = null;
    this.post(run, { type: 'cancel', importId: run.importId });
    // The worker normally answers 'aborted' within a chunk; a parse stuck in one big JSON.parse is terminated.
    run.cancelTimer = setTimeout(() => this.abandon(run), this.options.cancelGraceMs ?? DEFAULT_CANCEL_GRACE_MS);
    return true;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.running = null;
    this.settleSummaryWaiters(null);
    this.profileHolder = null;
    for (const { worker } of [...this.toolRequests.values()]) this.settleToolRequests(worker, TRACE_NOT_OPEN);
    for (const run of this.runOf.values()) {
      run.stage = 'done';
      clearTimeout(run.cancelTimer);
      clearTimeout(run.holdTimer);
      this.releaseWaiters(run);
    }
    const workers = [...this.runOf.keys(), ...(this.idle ? [this.idle] : [])];
    this.runOf.clear();
    this.idle = null;
    await Promise.all(workers.map((w) => w.terminate()));
  }

  private begin(fileName: string, path: string | null, source: ImportSource): RunningImport {
    if (this.disposed) throw new Error('ImportService is disposed');
    this.lastFailure = null;
    // One import at a time: the one running now stops at once, its worker with it.
    const previous = this.running;
    if (previous) {
      this.running = null;
      this.abandon(previous);
    }
    const worker = this.idle ?? this.spawn();
    this.idle = null;
    const importId = randomUUID();
    const run: RunningImport = {
      importId,
      fileName,
      path,
      worker,
      startedAt: performance.now(),
      archiveTo: this.options.onContent ? (this.options.archiveTo?.(importId) ?? null) : null,
      stage: 'importing',
      awaiting: new Set(this.options.onContent ? ['summary', 'content'] : ['summary']),
      traceId: null,
      shown: false,
      chunksInFlight: 0,
      roomWaiters: [],
    };
    this.running = run;
    this.runOf.set(worker, run);
    // A working worker keeps the process alive (a CLI waiting for its import); an idle one does not.
    worker.ref();
    const content = this.options.onContent ? { archiveTo: run.archiveTo } : null;
    this.post(run, { type: 'start', importId: run.importId, source, content });
    return run;
  }

  private spawn(): Worker {
    const worker = startWorker(this.options.workerUrl);
    worker.unref();
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'tool-result') return this.toolResultArrived(message.requestId, { ok: message.ok, text: message.text });
      const run = this.runOf.get(worker);
      if (run && message.importId === run.importId) this.onMessage(run, message);
    });
    worker.on('error', (error) => {
      const run = this.runOf.get(worker);
      if (!run) return;
      if ((error as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY') {
        this.workerLost(run, 'too-large', 'The trace is too large to load in memory.');
      } else {
        this.workerLost(run, 'internal', `The import worker crashed: ${error.message}`);
      }
    });
    worker.on('exit', (code) => {
      if (this.idle === worker) this.idle = null;
      if (this.profileHolder?.worker === worker) this.profileHolder = null;
      this.settleToolRequests(worker, PROFILE_GONE);
      const run = this.runOf.get(worker);
      if (run) this.workerLost(run, 'internal', `The import worker stopped unexpectedly (exit code ${code}).`);
    });
    return worker;
  }

  /** A worker died under a run: its import fails, or the open trace goes without what had not followed yet. */
  private workerLost(run: RunningImport, code: ImportFailureCode, message: string): void {
    if (run.stage === 'importing') return this.endImport(run, false, () => this.fail(run, code, message));
    if (run.awaiting.has('summary')) {
      this.arrived(run, 'summary', false);
      this.summaryReady({ traceId: run.traceId!, status: 'failed', message: `The summary could not be computed: ${message}` });
    }
    if (run.awaiting.has('content')) {
      this.arrived(run, 'content', false);
      this.options.onContent?.(run.traceId!, { status: 'failed', message: `The trace could not be hashed: ${message}` });
    }
  }

  private post(run: RunningImport, message: ToWorker, transfer: ArrayBuffer[] = []): void {
    if (run.stage === 'done') return;
    try {
      run.worker.postMessage(message, transfer);
    } catch {
      // The worker already exited; its 'exit' handler reports the failure.
    }
  }

  private onMessage(run: RunningImport, message: FromWorker): void {
    if (message.type === 'profile') return this.wholeProfileArrived(run, message.profile);
    if (message.type === 'summary') return this.onSummary(run, message);
    if (message.type === 'content') return this.onContent(run, message);
    if (run.stage !== 'importing') return;
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
        this.endImport(run, true, () => this.fail(run, message.code, message.message));
        return;
      case 'loaded':
        // Cancelled while the worker was finishing (its input already all read): no trace, as the user asked.
        // (The cancel reaches the worker after its 'loaded', so it sends nothing more for it.)
        if (this.running !== run) {
          this.endImport(run, true, () => this.fail(run, 'aborted', 'Import cancelled.'));
          return;
        }
        this.traceLoaded(run, message);
        return;
    }
  }

  /** The trace is open as soon as its first part arrives; the worker stays with it until the rest follows. */
  private traceLoaded(run: RunningImport, message: Extract<FromWorker, { type: 'loaded' }>): void {
    run.stage = 'loaded';
    this.running = null;
    this.releaseWaiters(run);
    const loaded: TraceLoadedEvent = {
      importId: run.importId,
      traceId: randomUUID(),
      fileName: message.fileName,
      path: run.path,
      sizeBytes: message.sizeBytes,
      format: message.format,
      profile: message.profile,
      complete: message.complete,
      importMs: performance.now() - run.startedAt,
    };
    run.traceId = loaded.traceId;
    this.holdProfile(run);
    this.currentTrace = loaded;
    this.currentSummary = null;
    this.settleSummaryWaiters(null);
    run.holdTimer = setTimeout(() => this.releaseRest(run), this.options.restHoldMs ?? DEFAULT_REST_HOLD_MS);
    run.holdTimer.unref();
    this.options.emit('trace:loaded', loaded);
    this.options.onLoaded?.(loaded);
  }

  /** The worker of `run` now holds the open trace's profile; the previous holder may let its profile go. */
  private holdProfile(run: RunningImport): void {
    const previous = this.profileHolder;
    if (previous) {
      this.settleToolRequests(previous.worker, TRACE_NOT_OPEN);
      try {
        previous.worker.postMessage({ type: 'forget', importId: previous.importId } satisfies ToWorker);
      } catch {
        // Already exited: nothing to forget.
      }
    }
    this.profileHolder = { traceId: run.traceId!, importId: run.importId, worker: run.worker };
  }

  private toolResultArrived(requestId: number, outcome: ToolOutcome): void {
    const request = this.toolRequests.get(requestId);
    if (!request) return;
    this.toolRequests.delete(requestId);
    this.unrefIfIdle(request.worker);
    request.resolve(outcome);
  }

  /** Answers every tool call still waiting on `worker` with `reason`, as not run. */
  private settleToolRequests(worker: Worker, reason: string): void {
    for (const [requestId, request] of this.toolRequests) {
      if (request.worker !== worker) continue;
      this.toolRequests.delete(requestId);
      request.resolve(notRun(reason));
    }
    this.unrefIfIdle(worker);
  }

  /** A worker with no import and no tool call to answer lets the process exit. */
  private unrefIfIdle(worker: Worker): void {
    if (this.runOf.has(worker)) return;
    for (const request of this.toolRequests.values()) if (request.worker === worker) return;
    worker.unref();
  }

  private releaseRest(run: RunningImport): void {
    if (run.stage !== 'loaded' || run.shown) return;
    run.shown = true;
    clearTimeout(run.holdTimer);
    this.post(run, { type: 'shown', importId: run.importId });
  }

  /** The whole profile of a trace sent in part: it replaces the part, for the windows and for later ones. */
  private wholeProfileArrived(run: RunningImport, profile: Uint8Array): void {
    if (run.stage !== 'loaded' || this.currentTrace?.traceId !== run.traceId) return;
    this.currentTrace = { ...this.currentTrace, profile, complete: true };
    this.options.emit('trace:profile', { traceId: run.traceId, profile });
  }

  private onSummary(run: RunningImport, message: Extract<FromWorker, { type: 'summary' }>): void {
    if (run.stage !== 'loaded' || !run.awaiting.has('summary')) return;
    const traceId = run.traceId!;
    const event: TraceSummaryEvent =
      message.status === 'ready'
        ? { traceId, status: 'ready', summary: message.summary, summaryText: message.summaryText, tokens: message.tokens }
        : { traceId, status: 'failed', message: message.message };
    this.arrived(run, 'summary', true);
    this.summaryReady(event);
  }

  private onContent(run: RunningImport, message: Extract<FromWorker, { type: 'content' }>): void {
    if (run.stage !== 'loaded' || !run.awaiting.has('content')) return;
    const { type: _type, importId: _importId, ...content } = message;
    this.arrived(run, 'content', true);
    this.options.onContent?.(run.traceId!, content);
  }

  /** Shown (and kept for later windows) unless another trace has replaced this one since. */
  private summaryReady(event: TraceSummaryEvent): void {
    this.options.onSummary?.(event);
    if (this.currentTrace?.traceId !== event.traceId) return;
    this.currentSummary = event;
    this.options.emit('trace:summary', event);
    this.settleSummaryWaiters(event);
  }

  /** Stops an import now: its worker is terminated and 'aborted' reported. */
  private abandon(run: RunningImport): void {
    this.endImport(run, false, () => this.fail(run, 'aborted', 'Import cancelled.'));
  }

  /**
   * Reports the outcome of an import that loaded no trace, once. A worker that
   * finished cleanly goes back to idle for the next import; any other is terminated.
   */
  private endImport(run: RunningImport, workerReusable: boolean, report: () => void): void {
    if (run.stage !== 'importing') return;
    run.stage = 'done';
    clearTimeout(run.cancelTimer);
    if (this.running === run) this.running = null;
    this.releaseWaiters(run);
    this.release(run, workerReusable);
    // A terminated worker could not delete its partial copy.
    if (run.archiveTo) void rm(run.archiveTo, { force: true });
    report();
  }

  /** Something that follows a loaded trace arrived; once nothing else is awaited, the run is over and its worker free. */
  private arrived(run: RunningImport, what: 'summary' | 'content', workerReusable: boolean): void {
    run.awaiting.delete(what);
    if (what === 'summary') clearTimeout(run.holdTimer);
    if (run.awaiting.size > 0) return;
    run.stage = 'done';
    this.release(run, workerReusable);
  }

  /** Hands waiters their trace's summary; those of any other trace (replaced, or all on dispose: null) are told it is gone. */
  private settleSummaryWaiters(event: TraceSummaryEvent | null): void {
    const waiters = this.summaryWaiters;
    this.summaryWaiters = [];
    for (const waiter of waiters) {
      if (event && waiter.traceId === event.traceId) waiter.resolve(event);
      else if (waiter.traceId === this.currentTrace?.traceId && event === null && !this.disposed) this.summaryWaiters.push(waiter);
      else waiter.reject(new Error('That trace is no longer open.'));
    }
  }

  /**
   * A worker whose run is over: idle for the next import if reusable and none
   * is idle yet, else terminated. The worker holding the open trace's profile
   * is the one kept idle.
   */
  private release(run: RunningImport, workerReusable: boolean): void {
    this.runOf.delete(run.worker);
    if (workerReusable && this.idle && !this.disposed && this.profileHolder?.worker === run.worker) {
      void this.idle.terminate();
      this.idle = null;
    }
    if (workerReusable && !this.idle && !this.disposed) {
      this.unrefIfIdle(run.worker);
      this.idle = run.worker;
    } else {
      void run.worker.terminate();
    }
  }

  private releaseWaiters(run: RunningImport): void {
    for (const wake of run.roomWaiters.splice(0)) wake();
  }

  private fail(run: RunningImport, code: ImportFailureCode, message: string): void {
    const event: ImportFailedEvent = { importId: run.importId, fileName: run.fileName, code, message };
    // Kept for a window that connects later (a file named at start-up fails before any window listens); a cancel is no failure.
    if (code !== 'aborted') this.lastFailure = event;
    this.options.emit('import:failed', event);
  }
}
