export type TraceImportErrorCode =
  'empty' | 'unknown-format' | 'invalid-json' | 'invalid-data' | 'truncated' | 'decompression-failed' | 'too-large' | 'aborted';

/** The one error type importers throw; `message` is meant for the user. */
export class TraceImportError extends Error {
  override readonly name = 'TraceImportError';
  constructor(
    readonly code: TraceImportErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function abortedError(): TraceImportError {
  return new TraceImportError('aborted', 'Import cancelled.');
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortedError();
}
