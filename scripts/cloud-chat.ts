// `npm run cloud-chat -- [--url URL] [--anon-key KEY] [--email E] [--password P] <trace-file> <question>`:
// asks the cloud about a trace the way the desktop does. It summarises the trace here (the raw
// trace never leaves the machine), signs in (signing up the first time), stores the summary as a
// row of public.traces, sends the question on the chat socket and prints the answer as it streams
// on the user's private Realtime channel. Trace tools the model calls run here, on the trace
// imported here, as the desktop runs them (each call is named on stderr). URL and key default to SUPABASE_URL and SUPABASE_ANON_KEY;
// `npm run standin` prints both for the local stand-in.
import { createClient } from '@supabase/supabase-js';
import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import type { ServerMessage, ToolRequest } from '../functions/_shared/chat-messages.ts';
import { runTraceTool } from '../functions/_shared/trace-tools.ts';
import { runToolStep } from '../electron/services/chat-tool-steps.ts';
import { importTraceFile } from '../shared-importer/node/node-host.ts';
import { listenForResults, openChatSocket, turnFinished, uploadedSummaryOf, type ChatSocket } from '../test-support/cloud-chat-client.ts';

const usage = 'Usage: npm run cloud-chat -- [--url URL] [--anon-key KEY] [--email E] [--password P] <trace-file> <question>';

function fail(message: string, code = 1): never {
  console.error(message);
  process.exit(code);
}

function parseArguments() {
  try {
    return parseArgs({
      allowPositionals: true,
      options: { url: { type: 'string' }, 'anon-key': { type: 'string' }, email: { type: 'string' }, password: { type: 'string' } },
    });
  } catch (error) {
    fail(`${(error as Error).message}\n${usage}`, 2);
  }
}
const parsed = parseArguments();
const url = parsed.values.url ?? process.env.SUPABASE_URL;
const anonKey = parsed.values['anon-key'] ?? process.env.SUPABASE_ANON_KEY;
const email = parsed.values.email ?? 'you@example.com';
const password = parsed.values.password ?? 'trace-analyser-local';
const [traceFile, question] = parsed.positionals;
if (!url || !anonKey || !traceFile || !question || parsed.positionals.length !== 2) fail(usage, 2);

const client = createClient(url, anonKey, {
  realtime: { transport: WebSocket as never },
  auth: { persistSession: false, autoRefreshToken: false },
});

/** Signs in, or signs up when the account does not exist yet (the stand-in confirms at once). */
async function signIn(): Promise<{ userId: string; accessToken: string }> {
  const signedIn = await client.auth.signInWithPassword({ email, password });
  if (signedIn.data.session) return { userId: signedIn.data.session.user.id, accessToken: signedIn.data.session.access_token };
  const signedUp = await client.auth.signUp({ email, password });
  if (signedUp.error) fail(`Could not sign in or sign up as ${email}: ${signedIn.error?.message}; ${signedUp.error.message}`);
  if (!signedUp.data.session) fail(`Signed up ${email}: confirm the address from the email Supabase sent, then run this again.`);
  console.error(`Signed up ${email}.`);
  return { userId: signedUp.data.session.user.id, accessToken: signedUp.data.session.access_token };
}

console.error(`Summarising ${traceFile} ...`);
const profile = await importTraceFile(traceFile);
const summary = await uploadedSummaryOf(traceFile, profile);
const { userId, accessToken } = await signIn();
const row = await client
  .from('traces')
  .insert({ file_name: basename(traceFile), size_bytes: statSync(traceFile).size, ...summary })
  .select('id')
  .single<{ id: string }>();
if (row.error) fail(`Could not store the trace's summary: ${row.error.message}`);
const traceId = row.data.id;

/** Runs a tool step on the trace imported here and sends the results, as the desktop does (the same step runner). */
async function answerTools(socket: ChatSocket, request: ToolRequest): Promise<void> {
  const results = await runToolStep(
    { traceId, turnId, seq: request.seq, step: request.step, calls: request.calls },
    {
      runTool: async (_traceId, call) => ({ ok: true, text: await runTraceTool(profile, summary.summary, call) }),
      emit: (event) => {
        if (event.type === 'tool_request') for (const call of event.calls) console.error(`[${call.label}]`);
      },
      isCancelled: () => false,
    },
  );
  socket.send({ type: 'tool_results', turnId, step: request.step, results: results! });
}

/** The socket's first error reply (its acknowledgements of tool results are skipped). */
async function socketError(socket: ChatSocket): Promise<Extract<ServerMessage, { type: 'error' }>> {
  for (;;) {
    const reply = await socket.next(300_000);
    if (reply.type === 'error') return reply;
  }
}

const turnId = randomUUID();
const socket = openChatSocket(`${url}/functions/v1/trace-analysis-socket`, accessToken);
const listener = await listenForResults({ client, userId }, userId, (event) => {
  if (event.turnId !== turnId) return;
  if (event.type === 'model_chunk_append') process.stdout.write(event.text);
  if (event.type === 'tool_request') void answerTools(socket, event);
});
try {
  const expect = async (type: string) => {
    const reply = await socket.next(60_000);
    if (reply.type === 'error') fail(`The server refused: ${reply.message}`);
    if (reply.type !== type) fail(`Unexpected reply: ${JSON.stringify(reply)}`);
  };
  await expect('connection_ack');
  socket.send({ type: 'start_analysis', traceId });
  await expect('analysis_started');
  socket.send({ type: 'user_prompt', traceId, turnId, prompt: question, history: [] });
  await expect('waiting_for_model');
  // The answer streams on the channel; the socket speaks again to acknowledge tool results, or when
  // the turn could not start or go on.
  const end = await Promise.race([turnFinished(listener, turnId, 300_000), socketError(socket)]);
  process.stdout.write('\n');
  if (end.type === 'error') fail(`The answer failed: ${end.message}`);
  if (end.type === 'model_response_end' && end.usage) console.error(`(${end.usage.promptTokens} prompt tokens, ${end.usage.completionTokens} in the answer)`);
} finally {
  await socket.close();
  await client.removeAllChannels();
}
process.exit(0);
