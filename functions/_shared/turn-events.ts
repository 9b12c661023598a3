// Orders and batches the Realtime events of one turn. Every event gets the next
// sequence number (0 = model_chunk_start), so the desktop can drop duplicates
// and notice gaps. Model deltas are coalesced: the first goes out at once (it
// decides the latency the user feels), later ones at most once per
// `flushIntervalMs`, so a fast model does not cost one REST call per token.
// Events are sent strictly one batch after another, never concurrently.
import { AI_RESPONSE_EVENT, chatResultsChannel, type ErrorCode, type RealtimeEvent, type TokenUsage, type ToolCall } from './chat-messages.ts';
import type { BroadcastTransport } from './realtime-broadcast.ts';

export interface TurnEventOptions {
  userId: string;
  turnId: string;
  flushIntervalMs: number;
  transport: BroadcastTransport;
  /** Seq of the first event: 0 for a turn's first round, the stored next seq for a later one. */
  firstSeq?: number;
  /** Called when a batch could not be delivered even after retries. */
  onDeliveryFailure?: (error: unknown) => void;
}

export class TurnEventPublisher {
  private readonly topic: string;
  private nextSeq: number;
  /** Events not yet handed to the transport; an append at the end may still grow. */
  private outbox: RealtimeEvent[] = [];
  private sending: Promise<void> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastFlushAt = -Infinity;
  private finished = false;
  private firstDeltaQueued = false;
  /** Something in the outbox must go out as soon as the batch in flight returns. */
  private urgent = false;

  constructor(private readonly options: TurnEventOptions) {
    this.topic = chatResultsChannel(options.userId);
    this.nextSeq = options.firstSeq ?? 0;
  }

  /** Sequence number the next event will get. */
  get nextEventSeq(): number {
    return this.nextSeq;
  }

  start(traceId: string, model: string): void {
    this.push({ type: 'model_chunk_start', turnId: this.options.turnId, seq: this.nextSeq++, traceId, model });
    this.flushSoon(0);
  }

  append(text: string): void {
    if (text === '' || this.finished) return;
    const last = this.outbox.at(-1);
    if (last?.type === 'model_chunk_append') last.text += text;
    else this.push({ type: 'model_chunk_append', turnId: this.options.turnId, seq: this.nextSeq++, text });
    if (!this.firstDeltaQueued) {
      this.firstDeltaQueued = true;
      this.flushSoon(0);
    } else {
      this.flushSoon(Math.max(0, this.lastFlushAt + this.options.flushIntervalMs - performance.now()));
    }
  }

  /**
   * Publishes the round's request for tools, its last event (the turn goes on
   * in another invocation), and resolves when every event of it was sent.
   */
  toolRequest(step: number, calls: ToolCall[]): Promise<void> {
    return this.finish({ type: 'tool_request', turnId: this.options.turnId, seq: this.nextSeq, step, calls });
  }

  /** Publishes the end of the answer and resolves when every event of the turn was sent. */
  end(usage: TokenUsage | null, finishReason: string | null, droppedHistoryMessages: number): Promise<void> {
    return this.finish({ type: 'model_response_end', turnId: this.options.turnId, seq: this.nextSeq, usage, finishReason, droppedHistoryMessages });
  }

  /** Publishes a terminal error (after any text already streamed) and resolves when sent. */
  fail(code: ErrorCode, message: string, retryAfterSeconds?: number): Promise<void> {
    const event: RealtimeEvent = { type: 'error', turnId: this.options.turnId, seq: this.nextSeq, code, message };
    if (retryAfterSeconds !== undefined) event.retryAfterSeconds = retryAfterSeconds;
    return this.finish(event);
  }

  private finish(event: RealtimeEvent): Promise<void> {
    if (this.finished) return this.drained();
    this.finished = true;
    this.nextSeq++;
    this.push(event);
    this.flushSoon(0);
    return this.drained();
  }

  private push(event: RealtimeEvent): void {
    this.outbox.push(event);
  }

  private flushSoon(delayMs: number): void {
    if (delayMs <= 0) {
      if (this.sending) this.urgent = true;
      if (this.timer !== undefined) clearTimeout(this.timer);
      this.timer = undefined;
      void this.flush();
    } else if (this.timer === undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.flush();
      }, delayMs);
    }
  }

  private flush(): Promise<void> {
    // One batch in flight at a time; whatever arrives meanwhile goes in the next one.
    if (this.sending) return this.sending;
    if (this.outbox.length === 0) return Promise.resolve();
    const batch = this.outbox;
    this.outbox = [];
    this.urgent = false;
    this.lastFlushAt = performance.now();
    this.sending = this.options
      .transport(batch.map((payload) => ({ topic: this.topic, event: AI_RESPONSE_EVENT, payload })))
      .catch((error) => this.options.onDeliveryFailure?.(error))
      .finally(() => {
        this.sending = undefined;
        if (this.outbox.length === 0) return;
        this.flushSoon(this.urgent ? 0 : Math.max(0, this.lastFlushAt + this.options.flushIntervalMs - performance.now()));
      });
    return this.sending;
  }

  private async drained(): Promise<void> {
    while (this.sending || this.outbox.length > 0 || this.timer !== undefined) {
      if (this.timer !== undefined) this.flushSoon(0);
      await (this.sending ?? this.flush());
    }
  }
}
