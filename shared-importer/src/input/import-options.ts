/** Decompresses a gzip byte stream. Supplied by the host: node:zlib in Node, DecompressionStream elsewhere. */
export type Gunzip = (compressed: AsyncIterable<Uint8Array>) => AsyncIterable<Uint8Array>;

export interface ImportProgress {
  /**
   * 'reading' while input arrives; 'building' once all of it has been read and
   * the profile is being put together (timelines, or parsing a format that
   * must be seen whole), which takes a while for large traces.
   */
  phase: 'reading' | 'building';
  /** Bytes of the input consumed so far (compressed bytes for .gz input). */
  bytesRead: number;
  /** Size of the input when the host knows it. */
  totalBytes?: number;
  /** Events or samples parsed so far. */
  events: number;
}

export interface ImportOptions {
  signal?: AbortSignal;
  /** Called at most every few hundred kilobytes. */
  onProgress?: (progress: ImportProgress) => void;
  /** Size of the input, for percentages. */
  totalBytes?: number;
  /** Defaults to DecompressionStream when the runtime has it. */
  gunzip?: Gunzip;
  /** Cap on decompressed bytes: a gzip bomb fails with 'too-large' instead of filling memory. Default 16 GiB. */
  maxDecompressedBytes?: number;
  /**
   * Cap on the bytes a format that must see its whole input at once (cpuprofile,
   * speedscope, Firefox, pprof) may buffer. Default 1 GiB. Streaming formats have no such cap.
   */
  maxBufferedBytes?: number;
}

export const DEFAULT_MAX_DECOMPRESSED_BYTES = 16 * 1024 ** 3;
export const DEFAULT_MAX_BUFFERED_BYTES = 1024 ** 3;
