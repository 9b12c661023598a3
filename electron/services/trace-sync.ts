// Sync of opened traces to the signed-in user's Supabase project: the
// compressed copy the import worker made goes to bucket `traces` under
// `<user id>/<sha256>.<ext>.gz` (resumable, see storage-upload.ts), and the
// user's `traces` row gets the summary made locally, size, hash, format and the
// object's path. Content already stored is not uploaded again.
//
// Nothing here blocks local analysis: sync starts after a trace has loaded,
// reports each step as `sync:progress`, and a failure only shows in that state
// (the user can retry). Copies waiting to be uploaded live in the sync folder,
// so an upload cut by a quit resumes at the next start.
//
// It is also where the chat learns a trace's content hash and stored row (TraceStorage).
import type { SupabaseClient } from '@supabase/supabase-js';
import { rm, stat } from 'node:fs/promises';
import { FORMAT_CATALOG } from '../../shared-importer/src/formats/catalog.ts';
import type { EventSink, SyncState, TraceLoadedEvent, TraceSummaryEvent, Unsubscribe } from '../ipc-contract.ts';
import type { CloudSession } from './cloud-session.ts';
import { isObjectStored, TRACES_BUCKET, upsertTraceRow, type TraceRowFields } from './cloud-traces.ts';
import type { ArchivedFile, TraceContent } from './content-archive.ts';
import { StorageUploadError, uploadResumable } from './storage-upload.ts';
import type { PendingUpload, SyncFolder } from './sync-folder.ts';
import type { StoredTrace, TraceStorage } from './trace-storage.ts';

/** Traces remembered for contentHash and whenStored; older ones (not syncing) are forgotten. */
const MAX_TRACES = 32;

export interface TraceSyncOptions {
  session: CloudSession;
  folder: SyncFolder;
  emit: EventSink;
}

type ReadyContent = Extract<TraceContent, { status: 'ready' }>;

interface OpenedTrace {
  traceId: string;
  fileName: string;
  format: string;
  sizeBytes: number;
  content: Deferred<ReadyContent>;
  summary: Deferred<TraceSummaryEvent>;
  /** What the window was last told; null until a sync starts. */
  state: SyncState | null;
  /** The running sync: to cancel it, and to wait for it to stop. */
  attempt: AbortController | null;
  syncing: Promise<void> | null;
  /** The row, once stored; a new one per attempt. */
  stored: Deferred<StoredTrace> | null;
  /** Whether the import's copy was moved into the sync folder yet. */
  adopted: boolean;
  /** Its copy was deleted unsynced when another trace was opened. */
  discarded: boolean;
}

/** A reason for the user, shown as the failed state's message. */
class SyncFailure extends Error {}
/** The user cancelled: the state says 'cancelled', not 'failed'. */
class SyncCancelled extends Error {}

export class TraceSync implements TraceStorage {
  private readonly traces = new Map<string, OpenedTrace>();
  /** Uploads running now, by object name: the same content opened twice shares one. */
  private readonly uploads = new Map<string, Promise<void>>();
  /** Uploads resumed from an earlier run (no trace open for them), to stop and wait for. */
  private readonly resumed = new Map<AbortController, Promise<void>>();
  private readonly startedAt = Date.now();
  private userId: string | null;
  private readonly unsubscribe: Unsubscribe;
  private disposed = false;

  constructor(private readonly options: TraceSyncOptions) {
    this.userId = options.session.userId();
    this.unsubscribe = options.session.onChange(() => this.sessionChanged());
  }

  /** Clears what an earlier run left half-made and resumes its uploads for the signed-in user. */
  async start(): Promise<void> {
    await this.options.folder.removeStalePartials(this.startedAt);
    await this.resumeWaiting();
  }

  // ------------------------------------------------------------ ImportService hooks

  /**
   * Where an import's compressed copy goes: whenever a project is configured,
   * so a trace opened before signing in syncs once the user signs in (the
   * chat asks for that). Without a project only its hash is made.
   */
  readonly archiveTo = (importId: string): string | null => (this.options.session.configured() ? this.options.folder.partialPath(importId) : null);

  traceLoaded(event: TraceLoadedEvent): void {
    const trace: OpenedTrace = {
      traceId: event.traceId,
      fileName: event.fileName,
      format: event.format,
      sizeBytes: event.sizeBytes,
      content: deferred(),
      summary: deferred(),
      state: null,
      attempt: null,
      syncing: null,
      stored: null,
      adopted: false,
      discarded: false,
    };
    for (const earlier of this.traces.values()) this.discardUnsyncedCopy(earlier);
    this.remember(trace);
    if (this.options.session.client()) this.startSync(trace);
  }

  summaryArrived(event: TraceSummaryEvent): void {
    this.traces.get(event.traceId)?.summary.resolve(event);
  }

  contentArrived(traceId: string, content: TraceContent): void {
    const trace = this.traces.get(traceId);
    if (content.status === 'ready') trace?.content.resolve(content);
    else trace?.content.reject(new SyncFailure(content.message));
  }

  // ------------------------------------------------------------ requests

  /** Syncs a trace whose sync failed or was cancelled again, resuming its upload; nothing when one runs or it is synced. */
  retry(traceId: string): void {
    const trace = this.known(traceId);
    if (trace.attempt || trace.state?.status === 'synced') return;
    this.startSync(trace);
  }

  /** Stops a trace's sync; what Storage already holds is kept for a retry. */
  cancel(traceId: string): void {
    this.known(traceId).attempt?.abort(new SyncCancelled('Cancelled.'));
  }

  /** What the window was last told of this trace's sync; null when none started (or the trace is unknown). */
  stateOf(traceId: string): SyncState | null {
    return this.traces.get(traceId)?.state ?? null;
  }

  // ------------------------------------------------------------ TraceStorage

  async contentHash(traceId: string): Promise<string> {
    return (await this.known(traceId).content.promise).sha256;
  }

  whenStored(traceId: string): Promise<StoredTrace> {
    const stored = this.known(traceId).stored;
    return stored ? stored.promise : Promise.reject(new Error('This trace is not synced: sign in to sync it.'));
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.unsubscribe();
    // Not cancelled by the user: what was left resumes at the next start.
    for (const trace of this.traces.values()) trace.attempt?.abort(new SyncFailure('The app is closing.'));
    for (const attempt of this.resumed.keys()) attempt.abort();
    const syncing = [...this.traces.values()].map((t) => t.syncing);
    await Promise.allSettled([...syncing, ...this.resumed.values()]);
  }

  // ------------------------------------------------------------ syncing an opened trace

  private startSync(trace: OpenedTrace): void {
    const attempt = new AbortController();
    trace.attempt = attempt;
    trace.syncing = this.sync(trace, attempt);
  }

  /** The attempt is over: a retry may start as soon as its outcome is reported. */
  private ended(trace: OpenedTrace, attempt: AbortController): void {
    if (trace.attempt !== attempt) return;
    trace.attempt = null;
    trace.syncing = null;
  }

  private async sync(trace: OpenedTrace, attempt: AbortController): Promise<void> {
    const stored = deferred<StoredTrace>();
    trace.stored = stored;
    try {
      const client = this.options.session.client();
      const userId = this.options.session.userId();
      if (!client || !userId) throw new SyncFailure('Sign in to sync this trace.');
      this.report(trace, { status: 'compressing', bytesSent: 0, totalBytes: null });
      const content = await abortable(trace.content.promise, attempt.signal);
      const pending = await this.prepare(trace, content, userId);
      await Promise.all([
        this.saveRowWithSummary(trace, client, pending, stored, attempt.signal),
        // tus-js-client reports progress at most every 100 ms.
        this.storeObject(client, pending, attempt.signal, (bytesSent, totalBytes) => this.report(trace, { status: 'uploading', bytesSent, totalBytes })),
      ]);
      const cloudTraceId = await upsertTraceRow(client, { ...rowFields(pending), blobPath: pending.objectName });
      stored.resolve({ cloudTraceId, sha256: pending.sha256 });
      await this.options.folder.remove(pending.sha256);
      const totalBytes = trace.state?.totalBytes ?? null;
      this.ended(trace, attempt);
      this.report(trace, { status: 'synced', bytesSent: totalBytes ?? 0, totalBytes });
    } catch (error) {
      // Whatever else this attempt runs (the upload, when the row failed) stops with it.
      if (!attempt.signal.aborted) attempt.abort(error);
      stored.reject(attempt.signal.reason);
      await this.reportFailure(trace, attempt);
    }
  }

  /**
   * A trace that never started to sync (opened signed out) keeps its copy only
   * while it is on screen: a sign-in syncs the trace on screen, not earlier ones.
   */
  private discardUnsyncedCopy(trace: OpenedTrace): void {
    if (trace.state || trace.adopted || trace.discarded) return;
    trace.discarded = true;
    void trace.content.promise.then(
      async ({ archive }) => {
        if (archive && !trace.adopted) await rm(archive.path, { force: true });
      },
      () => {},
    );
  }

  /** Files the import's copy in the sync folder with its manifest (once), for this user. */
  private async prepare(trace: OpenedTrace, content: ReadyContent, userId: string): Promise<PendingUpload> {
    const { archive } = content;
    if (trace.discarded) throw new SyncFailure('Open this trace again to sync it: its copy was not kept once another trace was opened.');
    if (!archive) throw new SyncFailure(content.archiveFailure ?? 'This trace was opened before a Supabase project was set: open it again to sync it.');
    const pending: PendingUpload = {
      sha256: content.sha256,
      userId,
      objectName: objectNameFor(userId, content.sha256, trace.format, archive),
      fileName: trace.fileName,
      sizeBytes: content.sizeBytes,
      format: trace.format,
      summary: summaryFields(trace.summary.value ?? null),
    };
    if (trace.adopted) await this.options.folder.save(pending);
    else await this.options.folder.adopt(archive.path, pending);
    trace.adopted = true;
    return pending;
  }

  /**
   * Writes the row as soon as the summary is there (the chat needs only that),
   * while the file uploads; the manifest keeps the summary for a resume after a restart.
   */
  private async saveRowWithSummary(
    trace: OpenedTrace,
    client: SupabaseClient,
    pending: PendingUpload,
    stored: Deferred<StoredTrace>,
    signal: AbortSignal,
  ): Promise<void> {
    const summary = summaryFields(await abortable(trace.summary.promise, signal));
    if (!summary) return;
    pending.summary = summary;
    await this.options.folder.save(pending);
    const cloudTraceId = await upsertTraceRow(client, rowFields(pending));
    stored.resolve({ cloudTraceId, sha256: pending.sha256 });
  }

  /** Uploads the copy unless Storage has it already; the same object uploading for another trace is waited for instead. */
  private storeObject(client: SupabaseClient, pending: PendingUpload, signal: AbortSignal, onProgress?: (sent: number, total: number) => void): Promise<void> {
    const running = this.uploads.get(pending.objectName);
    if (running) return abortable(running, signal);
    const upload = (async () => {
      const filePath = this.options.folder.archivePath(pending.sha256);
      const { size } = await stat(filePath);
      if (await isObjectStored(client, pending.objectName)) return onProgress?.(size, size);
      onProgress?.(0, size);
      try {
        await uploadResumable({
          client,
          bucket: TRACES_BUCKET,
          objectName: pending.objectName,
          filePath,
          contentType: pending.objectName.endsWith('.zip') ? 'application/zip' : 'application/gzip',
          urlStorePath: this.options.folder.uploadUrlsPath,
          signal,
          onProgress,
        });
      } catch (error) {
        // Created meanwhile (another machine of the user's): stored all the same.
        if (error instanceof StorageUploadError && error.status === 409 && (await isObjectStored(client, pending.objectName))) return;
        throw error;
      }
    })();
    this.uploads.set(pending.objectName, upload);
    void upload.finally(() => this.uploads.delete(pending.objectName)).catch(() => {});
    return upload;
  }

  // ------------------------------------------------------------ session and restarts

  private sessionChanged(): void {
    const userId = this.options.session.userId();
    if (userId === this.userId) return;
    this.userId = userId;
    for (const trace of this.traces.values()) trace.attempt?.abort(new SyncFailure('Signed out before the upload finished.'));
    for (const attempt of this.resumed.keys()) attempt.abort();
    if (!userId) return;
    // Signed in (again, or as someone else): what did not sync is tried again, for this user, once the old attempt has stopped,
    // and the trace on screen syncs if it was opened signed out.
    const onScreen = [...this.traces.values()].at(-1);
    for (const trace of this.traces.values()) {
      const unsynced = trace.state ? trace.state.status !== 'synced' && trace.state.status !== 'cancelled' : trace === onScreen;
      if (unsynced) void Promise.resolve(trace.syncing).then(() => this.retry(trace.traceId));
    }
    this.resumeWaiting().catch((error: Error) => console.warn(`Could not resume the uploads of an earlier session: ${error.message}`));
  }

  /** Uploads left by an earlier run for the signed-in user; cancelled ones are dropped. */
  private async resumeWaiting(): Promise<void> {
    const client = this.options.session.client();
    const userId = this.options.session.userId();
    for (const pending of await this.options.folder.list()) {
      if (this.disposed) return;
      if (pending.cancelled) await this.options.folder.remove(pending.sha256);
      else if (client && pending.userId === userId && !this.isOpen(pending.sha256)) this.resume(client, pending);
    }
  }

  private resume(client: SupabaseClient, pending: PendingUpload): void {
    const attempt = new AbortController();
    this.resumed.set(attempt, this.uploadWaiting(client, pending, attempt));
  }

  private async uploadWaiting(client: SupabaseClient, pending: PendingUpload, attempt: AbortController): Promise<void> {
    try {
      await this.storeObject(client, pending, attempt.signal);
      await upsertTraceRow(client, { ...rowFields(pending), blobPath: pending.objectName });
      await this.options.folder.remove(pending.sha256);
    } catch (error) {
      if (!attempt.signal.aborted) console.warn(`Sync of ${pending.fileName} stopped; it is tried again at the next start: ${describe(error)}`);
    } finally {
      this.resumed.delete(attempt);
    }
  }

  private isOpen(sha256: string): boolean {
    for (const trace of this.traces.values()) if (trace.content.value?.sha256 === sha256 && trace.attempt) return true;
    return false;
  }

  // ------------------------------------------------------------ state

  private known(traceId: string): OpenedTrace {
    const trace = this.traces.get(traceId);
    if (!trace) throw new Error(`No trace ${traceId} is open.`);
    return trace;
  }

  private remember(trace: OpenedTrace): void {
    this.traces.set(trace.traceId, trace);
    for (const [traceId, old] of this.traces) {
      if (this.traces.size <= MAX_TRACES) break;
      if (!old.attempt) this.traces.delete(traceId);
    }
  }

  private report(trace: OpenedTrace, state: Omit<SyncState, 'traceId'>): void {
    trace.state = { traceId: trace.traceId, ...state };
    if (!this.disposed) this.options.emit('sync:progress', trace.state);
  }

  private async reportFailure(trace: OpenedTrace, attempt: AbortController): Promise<void> {
    const reason: unknown = attempt.signal.reason;
    const { bytesSent = 0, totalBytes = null } = trace.state ?? {};
    if (reason instanceof SyncCancelled) {
      // Not resumed at the next start unless retried before.
      const pending = trace.content.value && (await this.options.folder.load(trace.content.value.sha256));
      if (pending) await this.options.folder.save({ ...pending, cancelled: true });
    }
    this.ended(trace, attempt);
    if (reason instanceof SyncCancelled) this.report(trace, { status: 'cancelled', bytesSent, totalBytes });
    else this.report(trace, { status: 'failed', bytesSent, totalBytes, message: describe(reason) });
  }
}

function objectNameFor(userId: string, sha256: string, format: string, archive: ArchivedFile): string {
  if (archive.zip) return `${userId}/${sha256}.zip`;
  const extension = FORMAT_CATALOG.find((f) => f.format === format)?.extensions[0] ?? 'trace';
  return `${userId}/${sha256}.${extension}.gz`;
}

function rowFields(pending: PendingUpload): TraceRowFields {
  const { userId, sha256, fileName, sizeBytes, format, summary } = pending;
  return { userId, sha256, fileName, sizeBytes, format, summary };
}

function summaryFields(event: TraceSummaryEvent | null): PendingUpload['summary'] {
  return event?.status === 'ready' ? { summary: event.summary, summaryText: event.summaryText } : undefined;
}

/** What the user reads when a sync fails. */
function describe(error: unknown): string {
  if (error instanceof SyncFailure) return error.message;
  if (error instanceof StorageUploadError) {
    if (error.status === null) return `Could not reach Storage (${error.message}). Retry when you are online.`;
    if (error.status === 413) return 'The trace is larger than your project allows for one file.';
    if (error.status >= 500) return `Storage is unavailable right now (${error.status} ${error.message}). Retry in a moment.`;
    return `Storage refused the upload (${error.status}): ${error.message}`;
  }
  return error instanceof Error ? error.message : String(error);
}

// ------------------------------------------------------------ promise helpers

interface Deferred<T> {
  promise: Promise<T>;
  /** The value once resolved. */
  value: T | undefined;
  resolve(value: T): void;
  reject(reason: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Nobody may be waiting (a trace no chat asked about): not an unhandled rejection.
  promise.catch(() => {});
  const d: Deferred<T> = {
    promise,
    value: undefined,
    resolve(value) {
      d.value ??= value;
      resolve(value);
    },
    reject,
  };
  return d;
}

/** `promise`, or a rejection with the signal's reason once it aborts. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** The signal's reason as an Error (AbortSignal.abort() gives a DOMException, which is one; a custom reason may not be). */
function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error(String(reason));
}
