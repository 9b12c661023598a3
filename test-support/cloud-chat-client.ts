// A Node client of the chat protocol, as the desktop speaks it: the chat
// socket (trace-analysis-socket) and the user's private Realtime channel the
// answers stream on; plus the summary columns the desktop uploads with a
// trace. Used by the cloud tests, the cloud benches and `npm run cloud-chat`.
import type { RealtimeChannel, SupabaseClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import {
  AI_RESPONSE_EVENT,
  CHAT_PROTOCOL,
  chatResultsChannel,
  JWT_SUBPROTOCOL_PREFIX,
  RealtimeEventSchema,
  ServerMessageSchema,
  type ClientMessage,
  type RealtimeEvent,
  type ServerMessage,
} from '../functions/_shared/chat-messages.ts';
import { importTraceFile } from '../shared-importer/node/node-host.ts';
import type { Profile } from '../shared-importer/src/model/profile.ts';
import { renderSummaryText } from '../shared-importer/src/summary/render-summary-text.ts';
import { summarizeProfile } from '../shared-importer/src/summary/summarize-profile.ts';
import type { TraceSummary } from '../shared-importer/src/summary/summary-types.ts';

/** The columns of public.traces the desktop fills when it uploads a trace: its summary and the budgeted text the model reads (of `profile` when the caller imported it already). */
export async function uploadedSummaryOf(file: string, profile?: Profile): Promise<{ summary: TraceSummary; summary_text: string; format: string }> {
  const summary = summarizeProfile(profile ?? (await importTraceFile(file)));
  return { summary, summary_text: (await renderSummaryText(summary)).text, format: summary.format };
}

/** A signed-in user's supabase-js client and id. */
export interface ChatUser {
  userId: string;
  client: SupabaseClient;
}

/** A chat socket client: collects server messages; `next()` waits for the next one. */
export interface ChatSocket {
  socket: WebSocket;
  messages: ServerMessage[];
  /** Resolves with the close code and reason. */
  closed: Promise<{ code: number; reason: string }>;
  next(timeoutMs?: number): Promise<ServerMessage>;
  send(message: ClientMessage | Record<string, unknown> | string): void;
  close(): Promise<void>;
}

export function openChatSocket(functionUrl: string, token: string | undefined, via: 'query' | 'subprotocol' = 'subprotocol'): ChatSocket {
  const url = new URL(functionUrl.replace(/^http/, 'ws'));
  if (token && via === 'query') url.searchParams.set('access_token', token);
  const protocols = token && via === 'subprotocol' ? [CHAT_PROTOCOL, `${JWT_SUBPROTOCOL_PREFIX}${token}`] : [CHAT_PROTOCOL];
  const socket = new WebSocket(url, protocols);
  const messages: ServerMessage[] = [];
  let read = 0;
  const waiters: Array<() => void> = [];
  socket.on('message', (data) => {
    messages.push(ServerMessageSchema.parse(JSON.parse(String(data))));
    waiters.splice(0).forEach((wake) => wake());
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    socket.on('close', (code, reason) => {
      resolve({ code, reason: reason.toString() });
      waiters.splice(0).forEach((wake) => wake());
    });
  });
  socket.on('error', () => {}); // surfaced through `closed`
  return {
    socket,
    messages,
    closed,
    async next(timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length <= read) {
        if (socket.readyState === WebSocket.CLOSED) throw new Error('socket closed while waiting for a message');
        if (Date.now() > deadline) throw new Error('timed out waiting for a socket message');
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
      return messages[read++];
    },
    send(message) {
      socket.send(typeof message === 'string' ? message : JSON.stringify(message));
    },
    async close() {
      if (socket.readyState !== WebSocket.CLOSED) {
        socket.close();
        await closed;
      }
    },
  };
}

/** The user's private results channel, joined with their own token; records every event. */
export interface ResultsListener {
  channel: RealtimeChannel;
  events: RealtimeEvent[];
  /** Local arrival time (performance.now()) of each event, same index as `events`. */
  arrivals: number[];
  /** Resolves when an event matching `predicate` has arrived. */
  waitFor(predicate: (event: RealtimeEvent) => boolean, timeoutMs?: number): Promise<RealtimeEvent>;
  /** Events of one turn, in arrival order. */
  turn(turnId: string): RealtimeEvent[];
}

/** Joins the user's results channel (or `topicUserId`'s, which RLS refuses); `onEvent` sees each event as it arrives. */
export async function listenForResults(user: ChatUser, topicUserId = user.userId, onEvent?: (event: RealtimeEvent) => void): Promise<ResultsListener> {
  const events: RealtimeEvent[] = [];
  const arrivals: number[] = [];
  const waiters: Array<() => void> = [];
  const channel = user.client.channel(chatResultsChannel(topicUserId), { config: { private: true } });
  channel.on('broadcast', { event: AI_RESPONSE_EVENT }, (message) => {
    arrivals.push(performance.now());
    const event = RealtimeEventSchema.parse(message.payload);
    events.push(event);
    onEvent?.(event);
    waiters.splice(0).forEach((wake) => wake());
  });
  await new Promise<void>((resolve, reject) => {
    channel.subscribe((status, error) => {
      if (status === 'SUBSCRIBED') resolve();
      else if (status === 'CHANNEL_ERROR' || status === 'TIMED_OUT') reject(new Error(`results channel: ${status} ${error?.message ?? ''}`));
    });
  });
  return {
    channel,
    events,
    arrivals,
    async waitFor(predicate, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = events.find(predicate);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`timed out waiting for a Realtime event; got ${JSON.stringify(events)}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
    },
    turn: (turnId) => events.filter((e) => e.turnId === turnId),
  };
}

/** Waits for the terminal event (end or error) of a turn. */
export function turnFinished(listener: ResultsListener, turnId: string, timeoutMs?: number): Promise<RealtimeEvent> {
  return listener.waitFor((e) => e.turnId === turnId && (e.type === 'model_response_end' || e.type === 'error'), timeoutMs);
}

/** The streamed text of a turn, after checking its sequence numbers are contiguous from 0. */
export function turnText(events: RealtimeEvent[]): string {
  const seqs = events.map((e) => e.seq);
  const expected = events.map((_, i) => i);
  if (JSON.stringify(seqs) !== JSON.stringify(expected)) throw new Error(`sequence numbers not contiguous: ${seqs.join(',')}`);
  return events.flatMap((e) => (e.type === 'model_chunk_append' ? [e.text] : [])).join('');
}
