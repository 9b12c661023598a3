// The chat bridge to the cloud: the WebSocket to the trace-analysis-socket
// function (questions go out, acknowledgements come back) and the user's
// private Realtime channel (answers stream in as broadcast `ai_response`).
// Both live here in the main process, with the user's token; windows get
// typed events only.
//
// Faults, as a user would want them handled:
// - A dropped socket (1006) or channel (CHANNEL_ERROR, TIMED_OUT) is
//   reopened with backoff. The answer streams on the channel, not the
//   socket: a turn the server acknowledged survives a socket drop, while one
//   sent but not acknowledged is reported interrupted (it may never have
//   arrived). A channel drop loses broadcasts, so every turn waiting on it is
//   interrupted. Nothing is ever left spinning: a turn that hears nothing
//   for `stallTimeoutMs` is interrupted too.
// - An expired token (the socket closes with 1008 saying so) is refreshed
//   and the socket reopened at once; any other 1008 is a refusal and ends
//   the connection.
// - Events are numbered per turn: a duplicate (seq already seen) is
//   dropped, a skipped seq is reported as a gap. Events of turns this app
//   did not send (the same user chatting on another device) are ignored.
// - A tool_request on the channel: the calls run one after another on the
//   open trace (the injected runner: the import worker), then their results
//   go back on the socket as tool_results, which the socket acknowledges
//   with waiting_for_model. No stall timeout runs while the tools do. Any of
//   the user's sockets takes a turn's results: after a drop while the tools
//   run, or before the results were acknowledged, they go (again) on the
//   reconnected socket, and the server takes a repeat as already done.
// - Stop tells the server (stop_turn), which stops the model; a Stop made
//   while the socket is down goes once it is back.
import { REALTIME_SUBSCRIBE_STATES, type RealtimeChannel } from '@supabase/supabase-js';
import WebSocket from 'ws';
import {
  AI_RESPONSE_EVENT,
  CHAT_PROTOCOL,
  chatResultsChannel,
  CLOSE_POLICY_VIOLATION,
  JWT_SUBPROTOCOL_PREFIX,
  RealtimeEventSchema,
  ServerMessageSchema,
  type ClientMessage,
  type RealtimeEvent,
  type ServerMessage,
  type ToolRequest,
  type ToolResults,
} from '../../functions/_shared/chat-messages.ts';
import type { ChatConnectionEvent } from '../ipc-contract.ts';
import type { AccountService } from './account-service.ts';
import type { ChatTrace, ChatTransport, TraceToolRunner, TransportListener, TransportTurnEvent, TurnRequest } from './chat-transport.ts';
import { runToolStep } from './chat-tool-steps.ts';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './reconnect-backoff.ts';
import type { TraceStorage } from './trace-storage.ts';

export const SOCKET_FUNCTION = 'trace-analysis-socket';
const NORMAL_CLOSURE = 1000;
const ABNORMAL_CLOSURE = 1006;
/** Longer than the functions' model timeout (AI_TIMEOUT_MS, 120 s by default). */
const DEFAULT_STALL_TIMEOUT_MS = 150_000;

type CloseInfo = NonNullable<ChatConnectionEvent['close']>;
type Credentials = Pick<AccountService, 'client' | 'userId' | 'accessToken' | 'refreshedAccessToken'>;
/** An event that belongs to one turn. */
type OwnTurnEvent = TransportTurnEvent & { turnId: string };

export interface CloudChatOptions {
  account: Credentials;
  traceStorage: Pick<TraceStorage, 'whenStored'>;
  /** The Supabase project's URL (the socket is its function `trace-analysis-socket`). */
  projectUrl: string;
  /** Runs the model's trace-tool calls on the open trace. */
  runTool: TraceToolRunner;
  backoff?: BackoffOptions;
  stallTimeoutMs?: number;
}

interface Turn {
  request: TurnRequest;
  /** Written to the socket (it may not have arrived). */
  sent: boolean;
  /** The socket answered waiting_for_model: the server runs it, the answer comes on the channel. */
  acknowledged: boolean;
  /** The turn's trace tools are running here; their results are not sent yet. */
  runningTools: boolean;
  /**
   * The results of the turn's latest tool step, sent again if the socket drops before acknowledging
   * them. Once set, the server has the question: it asked for these.
   */
  toolResults?: ToolResults;
  nextSeq: number;
  stallTimer?: NodeJS.Timeout;
}

export class CloudChat implements ChatTransport {
  private trace: ChatTrace | null = null;
  private listener: TransportListener | null = null;
  private closed = false;
  private storedTrace: Promise<string> | null = null;

  private socket: WebSocket | null = null;
  private socketReady = false;
  private socketAttempt = 0;
  private socketTimer?: NodeJS.Timeout;

  private channel: RealtimeChannel | null = null;
  private channelReady = false;
  private channelAttempt = 0;
  private channelTimer?: NodeJS.Timeout;

  private readonly turns = new Map<string, Turn>();
  /** Stops of questions the server has, written as soon as a socket is open. */
  private readonly pendingStops = new Set<string>();
  /** Sending is one at a time and in order: start_analysis first, then the turns. */
  private sending: Promise<void> = Promise.resolve();
  private refusal: CloseInfo | null = null;
  private reconnecting: Pick<ChatConnectionEvent, 'close' | 'retry'> | null = null;
  private lastReported = '';

  constructor(private readonly options: CloudChatOptions) {}

  async open(trace: ChatTrace, listener: TransportListener): Promise<void> {
    this.trace = trace;
    this.listener = listener;
    this.storedTrace = this.options.traceStorage.whenStored(trace.traceId).then((stored) => stored.cloudTraceId);
    this.storedTrace.catch(() => {}); // reported when a turn needs it
    this.reportState();
    this.connectSocket();
    void this.subscribe();
  }

  async send(turn: TurnRequest): Promise<void> {
    if (this.closed) throw new Error('The chat is closed.');
    if (this.refusal) throw new Error(`The chat server refused the connection: ${this.refusal.reason}`);
    this.turns.set(turn.turnId, { request: turn, sent: false, acknowledged: false, runningTools: false, nextSeq: 0 });
    this.watchStall(turn.turnId);
    this.flushTurns();
  }

  stop(turnId: string): void {
    // A question the server has: Stop stops its model too, now or once the socket is back.
    const turn = this.turns.get(turnId);
    if (turn && (turn.sent || turn.acknowledged || turn.toolResults)) this.pendingStops.add(turnId);
    this.untrack(turnId);
    this.flushStops();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.socketTimer);
    clearTimeout(this.channelTimer);
    for (const turnId of [...this.turns.keys()]) this.interrupt(turnId, 'The chat was closed before the answer finished.');
    this.socket?.close(NORMAL_CLOSURE, 'Chat closed');
    this.socket = null;
    const channel = this.channel;
    this.channel = null;
    if (channel) await this.options.account.client()?.removeChannel(channel);
  }

  // ---- the socket

  private connectSocket(): void {
    void (async () => {
      const token = await this.options.account.accessToken().catch(() => null);
      if (this.closed) return;
      if (!token) return this.refuse({ code: CLOSE_POLICY_VIOLATION, reason: 'Sign in to chat about this trace.', wasClean: true });
      const url = `${this.options.projectUrl.replace(/^http/, 'ws')}/functions/v1/${SOCKET_FUNCTION}`;
      const socket = new WebSocket(url, [CHAT_PROTOCOL, JWT_SUBPROTOCOL_PREFIX + token]);
      this.socket = socket;
      socket.on('message', (data) => {
        // Text frames arrive as one Buffer (binaryType 'nodebuffer', ws's default).
        if (this.socket === socket) this.onServerMessage((data as Buffer).toString('utf8'));
      });
      socket.on('close', (code, reason) => {
        if (this.socket === socket) this.onSocketClosed({ code, reason: reason.toString(), wasClean: code !== ABNORMAL_CLOSURE });
      });
      socket.on('error', () => {}); // 'close' (1006) follows and is handled there
    })();
  }

  private onServerMessage(text: string): void {
    let message: ServerMessage;
    try {
      message = ServerMessageSchema.parse(JSON.parse(text));
    } catch {
      console.warn('The chat socket sent a message this app does not understand; ignored.');
      return;
    }
    switch (message.type) {
      case 'connection_ack':
        this.socketReady = true;
        this.socketAttempt = 0;
        this.connected();
        this.enqueue(async () => this.write({ type: 'start_analysis', traceId: await this.cloudTraceId() }));
        this.flushStops();
        this.flushTurns();
        return;
      case 'analysis_started':
        return;
      case 'waiting_for_model': {
        const turn = this.turns.get(message.turnId);
        if (!turn) return;
        turn.acknowledged = true;
        // The socket and the channel race: the turn's tools may be running already (no stall
        // timeout then), and when the answer has begun, waiting is old news.
        if (!turn.runningTools) this.watchStall(message.turnId);
        if (turn.nextSeq === 0) this.emit({ type: 'waiting_for_model', turnId: message.turnId });
        return;
      }
      case 'error':
        if (message.turnId) {
          if (!this.turns.has(message.turnId)) return;
          this.finish({ type: 'error', turnId: message.turnId, code: message.code, message: message.message, retryAfterSeconds: message.retryAfterSeconds });
        } else {
          // start_analysis refused (the trace is not in this account): no turn can work.
          for (const turnId of [...this.turns.keys()]) this.finish({ type: 'error', turnId, code: message.code, message: message.message });
          this.emit({ type: 'error', turnId: null, code: message.code, message: message.message });
        }
        return;
    }
  }

  private onSocketClosed(close: CloseInfo): void {
    this.socket = null;
    this.socketReady = false;
    if (this.closed) return;
    // A question sent but never acknowledged may not have arrived, and asking it again would be a
    // new turn: it is interrupted. Tool results are sent again on the next socket (a repeat is harmless).
    for (const [turnId, turn] of this.turns) {
      if (turn.sent && !turn.acknowledged && !turn.toolResults) {
        this.interrupt(turnId, 'The connection dropped before the question reached the server.');
      }
    }
    for (const turn of this.turns.values()) turn.sent = turn.acknowledged;
    const expired = close.code === CLOSE_POLICY_VIOLATION && /expired/i.test(close.reason);
    if (close.code === CLOSE_POLICY_VIOLATION && !expired) return this.refuse(close);
    this.socketAttempt++;
    // An expired token is replaced at once; only a server that keeps refusing the new one waits.
    const delayMs = expired && this.socketAttempt === 1 ? 0 : backoffDelay(this.socketAttempt, this.options.backoff ?? DEFAULT_BACKOFF);
    this.reconnecting = { close, retry: { attempt: this.socketAttempt, delayMs } };
    this.reportState();
    const reconnect = expired ? () => void this.refreshAndReconnect(close) : () => this.connectSocket();
    this.socketTimer = setTimeout(reconnect, delayMs);
  }

  private async refreshAndReconnect(close: CloseInfo): Promise<void> {
    try {
      await this.options.account.refreshedAccessToken();
    } catch (error) {
      return this.refuse({ ...close, reason: `Your session ended: ${(error as Error).message} Sign in again.` });
    }
    if (!this.closed) this.connectSocket();
  }

  private refuse(close: CloseInfo): void {
    this.refusal = close;
    for (const turnId of [...this.turns.keys()]) this.interrupt(turnId, close.reason);
    this.reportState();
  }

  private write(message: ClientMessage): boolean {
    if (!this.socket || !this.socketReady) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  /** Sends the turns not yet sent, once both the socket and the channel are ready (answers must not stream to nobody). */
  private flushTurns(): void {
    this.enqueue(async () => {
      if (!this.socketReady || !this.channelReady) return;
      let traceId: string;
      try {
        traceId = await this.cloudTraceId();
      } catch (error) {
        for (const [turnId, turn] of this.turns) {
          if (!turn.sent)
            this.finish({ type: 'error', turnId, code: 'trace_not_stored', message: `The trace is not stored in your account: ${(error as Error).message}` });
        }
        return;
      }
      for (const [turnId, turn] of this.turns) {
        if (turn.sent) continue;
        const { prompt, history } = turn.request;
        turn.sent = this.write(turn.toolResults ?? { type: 'user_prompt', traceId, turnId, prompt, history });
      }
    });
  }

  private flushStops(): void {
    for (const turnId of this.pendingStops) {
      if (this.write({ type: 'stop_turn', turnId })) this.pendingStops.delete(turnId);
    }
  }

  private enqueue(step: () => Promise<unknown>): void {
    this.sending = this.sending.then(async () => void (await step())).catch((error: Error) => console.warn(`Chat: ${error.message}`));
  }

  private cloudTraceId(): Promise<string> {
    if (!this.storedTrace) throw new Error('The chat is not open.');
    return this.storedTrace;
  }

  // ---- the channel

  private async subscribe(): Promise<void> {
    const client = this.options.account.client();
    const userId = this.options.account.userId();
    if (this.closed) return;
    if (!client || !userId) return this.refuse({ code: CLOSE_POLICY_VIOLATION, reason: 'Sign in to chat about this trace.', wasClean: true });
    // The channel authorises with the session's current token (refreshed ones follow by themselves).
    await client.realtime.setAuth();
    const channel = client.channel(chatResultsChannel(userId), { config: { private: true } });
    this.channel = channel;
    channel.on('broadcast', { event: AI_RESPONSE_EVENT }, (message) => {
      if (this.channel === channel) this.onAnswerEvent(message.payload);
    });
    channel.subscribe((status, error) => {
      if (this.channel !== channel || this.closed) return;
      if (status === REALTIME_SUBSCRIBE_STATES.SUBSCRIBED) {
        this.channelReady = true;
        this.channelAttempt = 0;
        this.connected();
        this.flushTurns();
      } else {
        this.onChannelDropped(channel, `Realtime ${status}${error ? `: ${error.message}` : ''}`);
      }
    });
  }

  private onChannelDropped(channel: RealtimeChannel, reason: string): void {
    this.channel = null;
    this.channelReady = false;
    // Broadcasts are not replayed: whatever was on its way is lost.
    for (const [turnId, turn] of this.turns) {
      if (turn.sent) this.interrupt(turnId, 'The connection for answers dropped while this one was streaming.');
    }
    void this.options.account.client()?.removeChannel(channel);
    this.channelAttempt++;
    const delayMs = backoffDelay(this.channelAttempt, this.options.backoff ?? DEFAULT_BACKOFF);
    // Not a socket close: 1006 says "dropped", which is what the window needs to know.
    this.reconnecting = { close: { code: ABNORMAL_CLOSURE, reason, wasClean: false }, retry: { attempt: this.channelAttempt, delayMs } };
    this.reportState();
    this.channelTimer = setTimeout(() => void this.subscribe(), delayMs);
  }

  private onAnswerEvent(payload: unknown): void {
    const parsed = RealtimeEventSchema.safeParse(payload);
    if (!parsed.success) return;
    const event = parsed.data;
    const turn = this.turns.get(event.turnId);
    if (!turn) return; // another device's turn, or one stopped or finished
    if (event.seq < turn.nextSeq) return; // a duplicate
    if (event.seq > turn.nextSeq) this.emit({ type: 'gap', turnId: event.turnId, expectedSeq: turn.nextSeq, receivedSeq: event.seq });
    turn.nextSeq = event.seq + 1;
    // The answer is coming: the server has what was last written, whether or not the socket's
    // acknowledgement (which races the channel) has arrived. A socket drop now costs nothing.
    turn.acknowledged = true;
    if (event.type === 'tool_request') return void this.runTools(turn, event);
    const mapped = turnEventOf(event);
    if (mapped.type === 'model_response_end' || mapped.type === 'error') this.finish(mapped);
    else {
      this.watchStall(event.turnId);
      this.emit(mapped);
    }
  }

  /** Runs a tool step of one of this app's turns and sends its results on the socket. */
  private async runTools(turn: Turn, event: ToolRequest): Promise<void> {
    const { turnId, step } = event;
    clearTimeout(turn.stallTimer);
    turn.runningTools = true;
    const stillOurs = () => this.turns.get(turnId) === turn;
    const results = await runToolStep(
      { traceId: this.trace!.traceId, turnId, seq: event.seq, step, calls: event.calls },
      { runTool: this.options.runTool, emit: (e) => this.emit(e), isCancelled: () => !stillOurs() },
    );
    turn.runningTools = false;
    if (!results || !stillOurs()) return;
    this.enqueue(async () => {
      if (!stillOurs()) return;
      // Acknowledged again by the socket's waiting_for_model once it took them; with the socket
      // down they wait for the next one (flushTurns).
      turn.acknowledged = false;
      turn.toolResults = { type: 'tool_results', turnId, step, results };
      turn.sent = this.write(turn.toolResults);
      this.watchStall(turnId);
    });
  }

  // ---- turns and state

  private watchStall(turnId: string): void {
    const turn = this.turns.get(turnId);
    if (!turn) return;
    clearTimeout(turn.stallTimer);
    const timeoutMs = this.options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
    turn.stallTimer = setTimeout(() => this.interrupt(turnId, `No answer arrived for ${Math.round(timeoutMs / 1000)} s.`), timeoutMs);
    turn.stallTimer.unref();
  }

  private interrupt(turnId: string, reason: string): void {
    this.finish({ type: 'interrupted', turnId, reason });
  }

  /** Reports a turn's last event and forgets the turn. */
  private finish(event: OwnTurnEvent): void {
    if (!this.turns.has(event.turnId)) return;
    this.untrack(event.turnId);
    this.emit(event);
  }

  private untrack(turnId: string): void {
    clearTimeout(this.turns.get(turnId)?.stallTimer);
    this.turns.delete(turnId);
  }

  private emit(event: TransportTurnEvent): void {
    this.listener?.onTurnEvent(event);
  }

  private connected(): void {
    if (this.socketReady && this.channelReady) this.reconnecting = null;
    this.reportState();
  }

  private reportState(): void {
    if (this.closed || !this.listener) return;
    const event: Omit<ChatConnectionEvent, 'traceId'> = this.refusal
      ? { state: 'closed', close: this.refusal }
      : this.socketReady && this.channelReady
        ? { state: 'open' }
        : this.reconnecting
          ? { state: 'reconnecting', ...this.reconnecting }
          : { state: 'connecting' };
    const serialised = JSON.stringify(event);
    if (serialised === this.lastReported) return;
    this.lastReported = serialised;
    this.listener.onConnection(event);
  }
}

function turnEventOf(event: Exclude<RealtimeEvent, ToolRequest>): OwnTurnEvent {
  switch (event.type) {
    case 'model_chunk_start':
      return { type: 'model_chunk_start', turnId: event.turnId, seq: event.seq, model: event.model };
    case 'model_chunk_append':
      return { type: 'model_chunk_append', turnId: event.turnId, seq: event.seq, text: event.text };
    case 'model_response_end':
      return { type: 'model_response_end', turnId: event.turnId, seq: event.seq, finishReason: event.finishReason };
    case 'error':
      return { type: 'error', turnId: event.turnId, code: event.code, message: event.message, retryAfterSeconds: event.retryAfterSeconds };
  }
}
