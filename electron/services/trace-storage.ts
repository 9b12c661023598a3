// What trace sync offers the services keyed on a trace's content (the chat:
// conversations are kept per content hash, cloud turns name the stored row).

export interface StoredTrace {
  /** public.traces.id of the trace's row. */
  cloudTraceId: string;
  /** sha256 of the original bytes, lower-case hex. */
  sha256: string;
}

export interface TraceStorage {
  /** sha256 (lower-case hex) of the trace's original bytes, as read from disk or received; in any mode. */
  contentHash(traceId: string): Promise<string>;
  /**
   * Resolves once the signed-in user's `traces` row of this trace holds what a
   * cloud turn needs: the summary text, or (when no summary could be made) the
   * uploaded file. Rejects when the trace is not synced (signed out, failed, cancelled).
   */
  whenStored(traceId: string): Promise<StoredTrace>;
}
