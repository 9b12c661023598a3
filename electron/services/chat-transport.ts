// What the chat service asks of a way to get answers: the cloud bridge (the
// chat socket and the Realtime channel) and local mode (an OpenAI-compatible
// endpoint called from here) both take a turn and report the same events, so
// the conversation, its persistence and the windows never know which it was.
import type { HistoryMessage } from '../../functions/_shared/chat-messages.ts';
import type { ToolOutcome } from '../../shared-importer/src/trace-tools/run-tool.ts';
import type { ChatConnectionEvent, ChatTurnEvent } from '../ipc-contract.ts';

/** The open trace as a chat needs it. */
export interface ChatTrace {
  /** The desktop's id of the loaded trace (TraceLoadedEvent.traceId). */
  traceId: string;
  fileName: string;
}

export interface TurnRequest {
  turnId: string;
  prompt: string;
  /** Earlier turns of the conversation, oldest first. */
  history: HistoryMessage[];
}

/**
 * Runs one trace-tool call on the open trace `traceId` (in the app: the import
 * worker holding its profile). Never rejects for a call that cannot run: its
 * text says why, `ok` false.
 */
export type TraceToolRunner = (traceId: string, call: { name: string; arguments: string }) => Promise<ToolOutcome>;

/** Events of a turn, without the chat's own `turn_accepted`. */
export type TransportTurnEvent = Exclude<ChatTurnEvent, { type: 'turn_accepted' }>;

export interface TransportListener {
  onTurnEvent(event: TransportTurnEvent): void;
  /** The connection's state, without the trace id (the chat service adds it). */
  onConnection(event: Omit<ChatConnectionEvent, 'traceId'>): void;
}

export interface ChatTransport {
  /** Connects for this trace; resolves once connecting has started (the state follows as events). */
  open(trace: ChatTrace, listener: TransportListener): Promise<void>;
  /** Starts a turn; its events follow. Rejects only when the turn cannot even be started. */
  send(turn: TurnRequest): Promise<void>;
  /** Stops listening to a turn (and stops it where the transport can); no event follows for it. */
  stop(turnId: string): void;
  /** Disconnects; turns still running are reported interrupted. */
  close(): Promise<void>;
}
