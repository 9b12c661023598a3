// Shared setup for the cloud tests and benches: the Supabase stand-in (real
// Postgres with our migrations, real Deno running our functions) plus the
// scripted model server, signed-in users, and the chat client
// (test-support/cloud-chat-client.ts) they talk through.
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startScriptedModel, type ScriptedModelServer } from '../../test-support/scripted-model/scripted-model-server.ts';
import { startSupabaseStandin, type SupabaseStandin } from '../../test-support/supabase-standin/index.ts';
import { SAMPLE_TRACES } from '../../shared-importer/node/trace-fixtures.ts';
import { listenForResults, openChatSocket, uploadedSummaryOf, type ChatSocket, type ResultsListener } from '../../test-support/cloud-chat-client.ts';

export {
  listenForResults,
  openChatSocket,
  turnFinished,
  turnText,
  uploadedSummaryOf,
  type ChatSocket,
  type ResultsListener,
} from '../../test-support/cloud-chat-client.ts';

/** A real recording (perf samples of a Vert.x server, collapsed stacks, 264 KB). */
export const SAMPLE_TRACE_FILE = join(SAMPLE_TRACES, 'stackcollapse/perf-vertx-stacks-01-collapsed-all.txt');

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
  return data.id;
}

/** A user chatting about one trace as the desktop does: the socket acknowledged, the results channel joined. */
export interface ChatClient {
  user: SignedInUser;
  traceId: string;
  socket: ChatSocket;
  results: ResultsListener;
}

/** A cloud stack whose `client(email)` is a new user chatting about the sample trace; `stop` closes them all, then the stack. */
export interface ChatStack extends CloudStack {
  client(email: string): Promise<ChatClient>;
}

export async function startChatStack(functionEnv: Record<string, string> = {}): Promise<ChatStack> {
  const stack = await startCloudStack(functionEnv);
  const row = { file_name: 'perf-vertx-stacks.txt', ...(await uploadedSummaryOf(SAMPLE_TRACE_FILE)) };
  const clients: Awaited<ReturnType<typeof chatClient>>[] = [];
  return {
    ...stack,
    async client(email) {
      const c = await chatClient(stack, email, row);
      clients.push(c);
      return c;
    },
    async stop() {
      for (const c of clients) await c.close();
      await stack.stop();
    },
  };
}

/** A new user with a trace row made of `row`, connected. `close` it when done. */
async function chatClient(stack: CloudStack, email: string, row: Record<string, unknown>): Promise<ChatClient & { close(): Promise<void> }> {
  const user = await signUpUser(stack.standin, email);
  const traceId = await insertTrace(user, row);
  const socket = openChatSocket(stack.standin.functionUrl('trace-analysis-socket'), user.accessToken);
  const ack = await socket.next(30_000);
  if (ack.type !== 'connection_ack') throw new Error(`expected connection_ack, got ${JSON.stringify(ack)}`);
  const results = await listenForResults(user);
  return {
    user,
    traceId,
    socket,
    results,
    async close() {
      await socket.close();
      await user.client.removeAllChannels();
    },
  };
}

/** Sends a question; resolves with its turn id once the socket took it. */
export async function ask(c: ChatClient, prompt: string): Promise<string> {
  const turnId = randomUUID();
  c.socket.send({ type: 'user_prompt', traceId: c.traceId, turnId, prompt, history: [] });
  const reply = await c.socket.next();
  if (reply.type !== 'waiting_for_model' || reply.turnId !== turnId) throw new Error(`expected waiting_for_model for ${turnId}, got ${JSON.stringify(reply)}`);
  return turnId;
}
