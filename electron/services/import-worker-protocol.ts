// Messages between ImportService (main thread) and import-worker.ts. A worker
// lives across imports (its tokenizer and compiled code stay warm) and runs
// one import at a time; every message names the import it belongs to.
import type { ImportFailedEvent, ImportProgressEvent, TraceLoadedEvent, TraceProfileEvent, TraceSummaryEvent } from '../ipc-contract.ts';
import type { ToolOutcome, TraceToolRequest } from '../../shared-importer/src/trace-tools/run-tool.ts';
import type { TraceContent } from './content-archive.ts';

export type ImportSource =
  /** A file on disk, streamed by the worker itself. */
  | { kind: 'path'; path: string }
  /** Bytes pushed by the host (the browser host's uploads) as 'chunk' messages, then 'end'. */
  | { kind: 'stream'; fileName: string; totalBytes: number | null };

export type ToWorker =
  /** `content`: whether the input is hashed, and where a compressed copy goes for sync (null: the hash only). Null: neither. */
  | { type: 'start'; importId: string; source: ImportSource; content: { archiveTo: string | null } | null }
  | { type: 'chunk'; importId: string; bytes: Uint8Array }
  | { type: 'end'; importId: string }
  | { type: 'cancel'; importId: string }
  /** After 'loaded': a window has drawn it; send the rest of the profile and summarise it now. A 'start' or 'cancel' instead drops both. */
  | { type: 'shown'; importId: string }
  /**
   * Run a trace tool (its arguments already checked by main) on the profile of this import,
   * which the worker keeps from 'loaded' until 'forget' or the next trace loads.
   */
  | { type: 'run-tool'; importId: string; requestId: number; request: TraceToolRequest }
  /** The trace of this import is no longer open: its profile may go. */
  | { type: 'forget'; importId: string };

export type FromWorker =
  | ({ type: 'progress' } & Omit<ImportProgressEvent, 'fileName' | 'percent'>)
  /** A pushed chunk was taken by the importer: the host may send more (flow control). */
  | { type: 'chunk-consumed'; importId: string }
  /** The loaded event as main sends it on, less what main adds; the profile's buffer is transferred, not copied. */
  | ({ type: 'loaded' } & Omit<TraceLoadedEvent, 'traceId' | 'path' | 'importMs'>)
  /** After 'shown', when 'loaded' was not complete: the whole profile, its buffer transferred. */
  | ({ type: 'profile'; importId: string } & Omit<TraceProfileEvent, 'traceId'>)
  /** After 'shown' (and 'profile'): the summary (or why there is none); main adds the traceId. */
  | ({ type: 'summary'; importId: string } & WithoutTraceId<TraceSummaryEvent>)
  /** After 'loaded', independent of 'shown': the input's hash and compressed copy, made once the trace was sent. */
  | ({ type: 'content'; importId: string } & TraceContent)
  | ({ type: 'failed' } & Omit<ImportFailedEvent, 'fileName'>)
  /** The answer to 'run-tool': the tool's result, or why it could not run (ok false), as text for the model. */
  | ({ type: 'tool-result'; importId: string; requestId: number } & ToolOutcome);

/** Omit that keeps a union a union. */
type WithoutTraceId<T> = T extends unknown ? Omit<T, 'traceId'> : never;
