import type { TraceImportError } from '../errors.ts';
import type { ByteStream } from '../input/byte-stream.ts';
import type { Profile, TraceFormat } from '../model/profile.ts';

/** The first bytes of the (decompressed) input, for content-based detection. */
export interface SniffedHead {
  /** Up to 64 KiB; may end mid-token. */
  bytes: Uint8Array;
  /** `bytes` decoded as text (UTF-8, or UTF-16 when a BOM says so); lossy for binary input. */
  text: string;
}

export interface FormatImportContext {
  fileName: string;
  signal?: AbortSignal;
  /** Limit for formats that buffer their whole input. */
  maxBufferedBytes: number;
  /** Adds to the "events seen" progress counter. Cheap: call it per batch or per event. */
  countEvents(n: number): void;
  /**
   * The error for an input found, while reading, not to be a trace (an HTML
   * page without trace data): `whatItIs` says what it is instead ("an HTML
   * page without trace data"); the message names the file and lists the formats we accept.
   */
  notATrace(whatItIs: string): TraceImportError;
}

/** One input format: a new format is one file exporting one of these, a line in registry.ts and its name in catalog.ts. */
export interface FormatImporter {
  format: TraceFormat;
  detect(head: SniffedHead): boolean;
  import(input: ByteStream, context: FormatImportContext): Promise<Profile>;
}
