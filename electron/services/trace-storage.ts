// The seam between the chat and Storage sync (chat-sync owns the content
// hash and the stored `traces` row): a conversation is kept per content hash,
// and a cloud turn names the row's id.
export interface StoredTrace {
  /** Id of the trace's row in public.traces (what the chat socket and process-ai-turn name). */
  cloudTraceId: string;
  /** sha256 of the original bytes, lower-case hex. */
  sha256: string;
}

export interface TraceStorage {
  /** sha256 of the trace's original bytes (lower-case hex), by the desktop's trace id. */
  contentHash(traceId: string): Promise<string>;
  /** Resolves once the trace's row (with its summary) is stored in the signed-in user's account. */
  whenStored(traceId: string): Promise<StoredTrace>;
}
