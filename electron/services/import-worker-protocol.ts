// Messages between ImportService (main thread) and import-worker.ts. A worker
// lives across imports (its tokenizer and compiled code stay warm) and runs
// one import at a time; every message names the import it belongs to.
import type { ImportFailureCode, ImportPhase } from '../ipc-contract.ts';
import type { TraceFormat } from '../../shared-importer/src/model/profile.ts';
import type { TraceSummary } from '../../shared-importer/src/summary/summary-types.ts';

export type ImportSource =
  /** A file on disk, streamed by the worker itself. */
  | { kind: 'path'; path: string }
  /** Bytes pushed by the host (the browser host's uploads) as 'chunk' messages, then 'end'. */
  | { kind: 'stream'; fileName: string; totalBytes: number | null };

export type ToWorker =
  | { type: 'start'; importId: string; source: ImportSource }
  | { type: 'chunk'; importId: string; bytes: Uint8Array }
  | { type: 'end'; importId: string }
  | { type: 'cancel'; importId: string };

export type FromWorker =
  | { type: 'progress'; importId: string; phase: ImportPhase; bytesRead: number; totalBytes: number | null; events: number }
  /** A pushed chunk was taken by the importer: the host may send more (flow control). */
  | { type: 'chunk-consumed'; importId: string }
  | {
      type: 'loaded';
      importId: string;
      fileName: string;
      sizeBytes: number;
      format: TraceFormat;
      /** Encoded profile (profile-codec.ts); its buffer is transferred, not copied. */
      profile: Uint8Array;
      summary: TraceSummary;
      summaryText: string;
      tokens: number;
    }
  | { type: 'failed'; importId: string; code: ImportFailureCode; message: string };
