// Shared setup for the cloud tests and the latency benchmark: the Supabase
// stand-in (real Postgres with our migrations, real Deno running our
// functions) plus the scripted model server, and small clients for the chat
// socket and the user's private results channel.
import { createClient, type RealtimeChannel, type SupabaseClient } from '@supabase/supabase-js';
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
} from '../../functions/_shared/chat-messages.ts';
import { startScriptedModel, type ScriptedModelServer } from '../../test-support/scripted-model/scripted-model-server.ts';
import { startSupabaseStandin, type SupabaseStandin } from '../../test-support/supabase-standin/index.ts';

export interface CloudStack {
  standin: SupabaseStandin;
  model: ScriptedModelServer;
  stop(): Promise<void>;
}

export async function startCloudStack(
  functionEnv: Record<string, string> = {},
  options: { fileSizeLimit?: number; jwtExpirySeconds?: number } = {},
): Promise<CloudStack> {
  const model = await startScriptedModel();
  const standin = await startSupabaseStandin({
    fileSizeLimit: options.fileSizeLimit,
    jwtExpirySeconds: options.jwtExpirySeconds,
    functionEnv: {
      OPENAI_BASE_URL: model.baseURL,
      OPENAI_API_KEY: 'scripted-key',
      AI_MODEL: 'scripted-model',
      AI_MAX_RETRIES: '0',
      ...functionEnv,
    },
    logFunctionOutput: process.env.CLOUD_TEST_LOGS === '1',
  });
  return {
    standin,
    model,
    async stop() {
      await standin.stop();
      await model.stop();
    },
  };
}

export interface SignedInUser {
  userId: string;
  accessToken: string;
  client: SupabaseClient;
}

export async function signUpUser(standin: SupabaseStandin, email: string, password = 'correct horse battery'): Promise<SignedInUser> {
  await standin.createUser(email, password);
  const client = createClient(standin.url, standin.anonKey, {
    realtime: { transport: WebSocket as never },
    auth: { persistSession: false, autoRefreshToken: false },
  });
  const { data, error } = await client.auth.signInWithPassword({ email, password });
  if (error || !data.session) throw new Error(`sign-in failed: ${error?.message}`);
  return { userId: data.session.user.id, accessToken: data.session.access_token, client };
}

export async function insertTrace(user: SignedInUser, row: Record<string, unknown>): Promise<string> {
  const { data, error } = await user.client.from('traces').insert(row).select('id').single();
  if (error) throw new Error(`insert trace failed: ${error.message}`);
  return (data as { id: string }).id;
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

export async function listenForResults(user: SignedInUser, topicUserId = user.userId): Promise<ResultsListener> {
  const events: RealtimeEvent[] = [];
  const arrivals: number[] = [];
  const waiters: Array<() => void> = [];
  const channel = user.client.channel(chatResultsChannel(topicUserId), { config: { private: true } });
  channel.on('broadcast', { event: AI_RESPONSE_EVENT }, (message) => {
    arrivals.push(performance.now());
    events.push(RealtimeEventSchema.parse(message.payload));
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
