// The loaded trace and the import around it: what is open (and what follows
// it: the rest of its profile, its summary), what is being imported (with
// progress), the last import error, and the recent files. A failed or
// cancelled import never replaces the trace that is open.
import { create } from 'zustand';
import type {
  HostTraceState,
  ImportFailedEvent,
  ImportProgressEvent,
  ImportStarted,
  RecentFile,
  TraceLoadedEvent,
  TraceProfileEvent,
  TraceSummaryEvent,
} from '../../electron/ipc-contract.ts';
import { decodeProfile } from '../../shared-importer/src/model/profile-codec.ts';
import type { Profile } from '../../shared-importer/src/model/profile.ts';

/**
 * The loaded event with its profile decoded (until `complete`, only the thread
 * drawn first), and its summary once it has arrived (null until then).
 */
export type LoadedTrace = Omit<TraceLoadedEvent, 'importId' | 'profile'> & { profile: Profile; summary: TraceSummaryEvent | null };

/** Progress of the running import; importId is null until main has answered the request. */
export type ImportInProgress = Omit<ImportProgressEvent, 'importId'> & { importId: string | null };

export type ImportError = Omit<ImportFailedEvent, 'importId'>;

interface TraceState {
  trace: LoadedTrace | null;
  importing: ImportInProgress | null;
  importError: ImportError | null;
  recentFiles: RecentFile[];
  /** A summary that arrived before its trace (the Electron preload fetches a trace's bytes before passing it on). */
  earlySummary: TraceSummaryEvent | null;

  importRequested(fileName: string): void;
  importStarted(started: ImportStarted): void;
  importProgressed(event: ImportProgressEvent): void;
  traceLoaded(event: TraceLoadedEvent): void;
  /** The whole profile of a trace that came in part; it applies only to the trace it names. */
  profileArrived(event: TraceProfileEvent): void;
  /** A summary applies only to the trace it names. */
  summaryArrived(event: TraceSummaryEvent): void;
  /** What the host had before this page connected: its trace and summary, or the failure of a file it was given at start. */
  hostStateReceived(state: HostTraceState): void;
  importFailed(event: Pick<ImportFailedEvent, 'fileName' | 'code' | 'message'>): void;
  dismissImportError(): void;
  /** The import stopped without a result or an error (dialog cancelled, import cancelled). */
  importEnded(): void;
  recentFilesChanged(files: RecentFile[]): void;
}

export const useTraceStore = create<TraceState>()((set, get) => ({
  trace: null,
  importing: null,
  importError: null,
  recentFiles: [],
  earlySummary: null,

  importRequested(fileName) {
    set({
      importing: { importId: null, fileName, phase: 'reading', bytesRead: 0, totalBytes: null, percent: null, events: 0 },
      importError: null,
    });
  },
  importStarted(started) {
    const current = get().importing;
    set({
      importing: {
        importId: started.importId,
        fileName: started.fileName,
        phase: current?.phase ?? 'reading',
        bytesRead: current?.bytesRead ?? 0,
        totalBytes: started.totalBytes,
        percent: current?.percent ?? (started.totalBytes ? 0 : null),
        events: current?.events ?? 0,
      },
      importError: null,
    });
  },
  importProgressed(event) {
    set({
      importing: {
        importId: event.importId,
        fileName: event.fileName,
        phase: event.phase,
        bytesRead: event.bytesRead,
        totalBytes: event.totalBytes,
        percent: event.percent,
        events: event.events,
      },
    });
  },
  traceLoaded(event) {
    const profile = decodeOrReport(event.profile, event.fileName);
    if (!profile) return;
    // The encoded bytes are not kept: the decoded profile holds views of them.
    const { importId: _importId, profile: _encoded, ...loaded } = event;
    const early = get().earlySummary;
    set({
      trace: { ...loaded, profile, summary: early?.traceId === event.traceId ? early : null },
      importing: null,
      importError: null,
      earlySummary: null,
    });
  },
  profileArrived(event) {
    const trace = get().trace;
    if (trace?.traceId !== event.traceId || trace.complete) return;
    const whole = decodeOrReport(event.profile, trace.fileName);
    if (!whole) return;
    // What came first is the same data: keep those objects, and what was computed for them (layouts, zoom) stays.
    const sent = new Map(trace.profile.threads.map((t) => [t.id, t]));
    const profile = { ...whole, frames: trace.profile.frames, threads: whole.threads.map((t) => sent.get(t.id) ?? t) };
    set({ trace: { ...trace, profile, complete: true } });
  },
  summaryArrived(event) {
    const trace = get().trace;
    if (trace?.traceId === event.traceId) set({ trace: { ...trace, summary: event } });
    else set({ earlySummary: event });
  },
  hostStateReceived({ loaded, summary, failure }) {
    const state = get();
    if (loaded && !state.trace) state.traceLoaded(loaded);
    if (summary) get().summaryArrived(summary);
    // Shown like any failed import, unless this page has started one of its own since.
    if (failure && !get().importing && !get().importError) get().importFailed(failure);
  },
  importFailed(event) {
    // A cancel is the user's own doing: just stop showing progress.
    set({
      importing: null,
      importError: event.code === 'aborted' ? null : { fileName: event.fileName, code: event.code, message: event.message },
    });
  },
  importEnded() {
    set({ importing: null });
  },
  dismissImportError() {
    set({ importError: null });
  },
  recentFilesChanged(files) {
    set({ recentFiles: files });
  },
}));

/** The decoded profile, or null after reporting bytes that cannot be read as an import error. */
function decodeOrReport(bytes: Uint8Array, fileName: string): Profile | null {
  try {
    return decodeProfile(bytes);
  } catch (error) {
    useTraceStore.getState().importFailed({
      fileName,
      code: 'internal',
      message: `The imported profile could not be read: ${error instanceof Error ? error.message : String(error)}`,
    });
    return null;
  }
}
