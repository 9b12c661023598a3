// The WebSocket the desktop keeps open while chatting about a trace. It
// verifies the user's token before anything else, validates every message
// against the shared schemas, checks trace ownership with the user's own
// token (RLS decides), applies the per-user turn limit, and hands each turn to
// process-ai-turn without waiting for the model: the answer streams to the
// user's private Realtime channel, not through this socket. Tool results, on
// any of the user's sockets, are handed to the database as the user (it
// accepts them once, for the step and calls the turn awaits), then the turn's
// next round is invoked; a tool round costs no turn of the rate limit. Stop marks
// the user's turn stopped in the database, where the running round sees it.
import {
  CHAT_PROTOCOL,
  chatResultsChannel,
  CLOSE_POLICY_VIOLATION,
  JWT_SUBPROTOCOL_PREFIX,
  parseClientMessage,
  turnIdNamedIn,
  type ErrorCode,
  type ServerMessage,
  type StartAnalysis,
  type StopTurn,
  type ToolResults,
  type UserPrompt,
} from '../_shared/chat-messages.ts';
import { decodeJwt } from 'jose';
import { AccessTokenError, verifyAccessToken, type VerifiedUser } from '../_shared/access-token.ts';
import type { AiTurnRequest } from '../_shared/ai-turn-request.ts';
import type { SocketConfig } from '../_shared/config.ts';
import { waitUntil } from '../_shared/edge-runtime.ts';
import { claimTurn } from '../_shared/rate-limit.ts';
import { createUserClient } from '../_shared/supabase-clients.ts';
import { acceptToolResults, type ToolResultsOutcome } from '../_shared/tool-round-store.ts';
import { stopTurn } from '../_shared/turn-stop.ts';
import { utf8ByteLength } from '../_shared/utf8-bytes.ts';
import { findVisibleTrace, isTraceVisible } from '../_shared/traces.ts';

/** Reads the token from `?access_token=` or from a `jwt.<token>` subprotocol. */
export function tokenFromRequest(request: Request): { token: string | undefined; protocols: string[] } {
  const protocols = (request.headers.get('sec-websocket-protocol') ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const fromProtocol = protocols.find((p) => p.startsWith(JWT_SUBPROTOCOL_PREFIX))?.slice(JWT_SUBPROTOCOL_PREFIX.length);
  const fromQuery = new URL(request.url).searchParams.get('access_token') ?? undefined;
  return { token: fromProtocol || fromQuery || undefined, protocols };
}

export function createSocketHandler(config: SocketConfig): (request: Request) => Promise<Response> {
  return async (request) => {
    if ((request.headers.get('upgrade') ?? '').toLowerCase() !== 'websocket') {
      return Response.json({ error: 'This endpoint speaks WebSocket only (protocol trace-analyser.v1).' }, { status: 426 });
    }
    const { token, protocols } = tokenFromRequest(request);
    // A client that offers subprotocols must get one back; the token-bearing one is never echoed.
    if (protocols.length > 0 && !protocols.includes(CHAT_PROTOCOL)) {
      return Response.json({ error: `Offer the subprotocol "${CHAT_PROTOCOL}" alongside the token.` }, { status: 400 });
    }

    let user: VerifiedUser | undefined;
    let refusal: string | undefined;
    try {
      user = await verifyAccessToken(token, config);
    } catch (error) {
      refusal = error instanceof AccessTokenError ? error.message : 'Could not verify the access token.';
      if (!(error instanceof AccessTokenError)) console.error('token verification failed:', error);
    }

    const { socket, response } = Deno.upgradeWebSocket(request);
    // Set by hand: Deno's own `protocol` option splits the offer on ", " only, and the
    // Node `ws` client joins protocols with a bare ",".
    if (protocols.length > 0) response.headers.set('sec-websocket-protocol', CHAT_PROTOCOL);
    const closed = new Promise<void>((resolve) => socket.addEventListener('close', () => resolve()));
    // Keeps the edge isolate alive for as long as the socket is open.
    waitUntil(closed);

    if (!user || !token) {
      // Upgrade first, then close: a browser sees a close reason but never an HTTP error body.
      socket.addEventListener('open', () => socket.close(CLOSE_POLICY_VIOLATION, refusal ?? 'Invalid access token.'));
      return response;
    }
    new SocketSession(socket, config, user, token).attach();
    return response;
  };
}

/** Why the database refused a turn's tool results, for the user. */
const TOOL_RESULTS_REFUSED: Record<Exclude<ToolResultsOutcome, 'accepted' | 'already_accepted'>, (step: number) => string> = {
  unknown_turn: () => 'Tool results for a turn that is not in your account.',
  wrong_step: (step) => `This answer is not waiting for the tool results of step ${step} (already sent, or not asked for).`,
  call_ids_mismatch: () => 'The tool results must answer exactly the calls of their step, each once.',
  invalid_result: () => 'A tool result is not text or is too long.',
  expired: () => 'This answer waited too long for its tool results; ask again.',
};

/** Why a frame got no other answer than an error. */
interface Refusal {
  code: ErrorCode;
  message: string;
}

class SocketSession {
  private readonly userClient;
  /** Traces this socket has seen the user own. */
  private readonly ownedTraces = new Set<string>();
  private inbox: Promise<void> = Promise.resolve();

  constructor(
    private readonly socket: WebSocket,
    private readonly config: SocketConfig,
    private readonly user: VerifiedUser,
    private readonly token: string,
  ) {
    this.userClient = createUserClient(config, this.token);
  }

  attach(): void {
    // The user's token authorises every query this socket makes: when it expires the socket
    // closes, and the client reconnects with its refreshed token.
    const expiresAt = decodeJwt(this.token).exp;
    if (expiresAt !== undefined) {
      const timer = setTimeout(
        () => {
          if (this.socket.readyState === WebSocket.OPEN) this.socket.close(CLOSE_POLICY_VIOLATION, 'Access token expired: reconnect with a fresh token.');
        },
        Math.max(0, expiresAt * 1000 - Date.now()),
      );
      this.socket.addEventListener('close', () => clearTimeout(timer));
    }
    this.socket.addEventListener('open', () => {
      this.send({
        type: 'connection_ack',
        protocol: CHAT_PROTOCOL,
        resultsChannel: chatResultsChannel(this.user.userId),
        turnsPerMinute: this.config.turnsPerMinute,
      });
    });
    // One message at a time, so replies come in the order the client sent its messages
    // (analysis_started before the waiting_for_model of a prompt sent right after it).
    this.socket.addEventListener('message', (event) => {
      this.inbox = this.inbox.then(async () => {
        const refusal = await this.onMessage(event.data).catch((error): Refusal => {
          console.error('socket message failed:', error);
          return { code: 'internal_error', message: 'The server failed to handle that message; try again.' };
        });
        // Named for the turn the frame names, if any: the client then ends that turn alone, not every open one.
        if (refusal) this.sendError(refusal.code, refusal.message, { turnId: typeof event.data === 'string' ? turnIdNamedIn(event.data) : undefined });
      });
    });
  }

  /** Handles one frame; a frame that cannot be read comes back as the refusal to send. */
  private async onMessage(data: unknown): Promise<Refusal | void> {
    if (typeof data !== 'string') return { code: 'invalid_message', message: 'Send JSON text frames, not binary.' };
    // The limit is in bytes: a frame of three-byte characters is three times its length.
    // Every character is at least one byte, so a frame longer than the limit is not measured.
    const limit = this.config.maxMessageBytes;
    if (data.length > limit || utf8ByteLength(data) > limit) {
      return { code: 'invalid_message', message: `Message too large (limit ${limit} bytes of UTF-8); send less history.` };
    }
    const parsed = parseClientMessage(data);
    if (!parsed.ok) return { code: 'invalid_message', message: `Invalid message: ${parsed.reason}` };
    const message = parsed.message;
    if (message.type === 'start_analysis') await this.startAnalysis(message);
    else if (message.type === 'user_prompt') await this.userPrompt(message);
    else if (message.type === 'tool_results') await this.toolResults(message);
    else await this.stopTurn(message);
  }

  private async startAnalysis(message: StartAnalysis): Promise<void> {
    const trace = await findVisibleTrace(this.userClient, message.traceId);
    if (!trace) {
      this.sendError('trace_not_found', 'Trace not found in your account; upload it again.', { traceId: message.traceId });
      return;
    }
    this.ownedTraces.add(trace.id);
    this.send({ type: 'analysis_started', traceId: trace.id, summaryStored: trace.summaryStored });
  }

  private async userPrompt(message: UserPrompt): Promise<void> {
    const { traceId, turnId } = message;
    if (!this.ownedTraces.has(traceId)) {
      if (!(await isTraceVisible(this.userClient, traceId))) {
        this.sendError('trace_not_found', 'Trace not found in your account; upload it again.', { turnId, traceId });
        return;
      }
      this.ownedTraces.add(traceId);
    }

    // The database claims each turn id once, so a replay on any socket or instance is refused here.
    const claim = await claimTurn(this.userClient, turnId, this.config.turnsPerMinute);
    if (claim.outcome === 'duplicate') {
      this.sendError('invalid_message', 'This turn was already submitted.', { turnId });
      return;
    }
    if (claim.outcome === 'rate_limited') {
      this.sendError('rate_limited', `You have asked ${this.config.turnsPerMinute} questions in the last minute; try again in ${claim.retryAfterSeconds} s.`, {
        turnId,
        retryAfterSeconds: claim.retryAfterSeconds,
      });
      return;
    }
    this.send({ type: 'waiting_for_model', turnId });
    // Fire and forget: process-ai-turn answers 202 at once and streams to Realtime.
    waitUntil(this.dispatchTurn({ userId: this.user.userId, traceId, turnId, prompt: message.prompt, history: message.history, round: 1 }));
  }

  /**
   * The desktop's results of a tool step, on whichever of the user's sockets: accepted once by the
   * database (as the user: their turn, the step and calls it awaits), then the turn's next round
   * runs. Results sent again after a drop are acknowledged without running the round twice.
   */
  private async toolResults(message: ToolResults): Promise<void> {
    const { turnId, step } = message;
    const outcome = await acceptToolResults(this.userClient, turnId, step, message.results);
    if (outcome !== 'accepted' && outcome !== 'already_accepted') {
      this.sendError('invalid_message', TOOL_RESULTS_REFUSED[outcome](step), { turnId });
      return;
    }
    this.send({ type: 'waiting_for_model', turnId });
    if (outcome === 'accepted') waitUntil(this.dispatchTurn({ userId: this.user.userId, turnId, round: step + 1 }));
  }

  /** The user's Stop: the turn's row is marked (as the user), which the running round watches. Nothing is sent back. */
  private async stopTurn(message: StopTurn): Promise<void> {
    if (!(await stopTurn(this.userClient, message.turnId))) {
      this.sendError('invalid_message', 'There is no such turn in your account to stop.', { turnId: message.turnId });
    }
  }

  private async dispatchTurn(turn: AiTurnRequest): Promise<void> {
    let failure: string | undefined;
    try {
      const response = await fetch(this.config.processTurnUrl, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${this.config.aiTurnCredential}`,
          apikey: this.config.anonKey,
          'content-type': 'application/json',
        },
        body: JSON.stringify(turn),
      });
      const text = await response.text();
      if (!response.ok) failure = `HTTP ${response.status} ${text.slice(0, 200)}`;
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
    }
    if (failure !== undefined) {
      console.error(`process-ai-turn refused turn ${turn.turnId}: ${failure}`);
      this.sendError('internal_error', 'The server could not start the answer; try again.', { turnId: turn.turnId });
    }
  }

  private sendError(code: ErrorCode, message: string, extra: { turnId?: string; traceId?: string; retryAfterSeconds?: number } = {}): void {
    this.send({ type: 'error', code, message, ...extra });
  }

  private send(message: ServerMessage): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }
}
