// Added latency of the cloud chat path, from `user_prompt` sent on the socket
// to the first answer chunk received on the user's private Realtime channel,
// with an instant scripted model, measured through the real pieces (Supabase
// stand-in, both edge functions in real Deno, supabase-js Realtime client).
//   - Baseline, same run: the same model reached directly with the openai client
//     (request to first delta). "Added" latency = path p50 - baseline p50.
//   - A trace with a 1 MB and one with a 300 MB object in Storage, both with a
//     stored summary: the turn must not grow with trace size (target ratio ~1).
//   - 50 concurrent users, one turn each at the same moment: every user must
//     receive only their own chunks (isolation checked), p50/p95 reported.
// Writes bench-output/cloud-latency.json.
//
// Run: npm run bench -- cloud   (or node --import tsx bench/cloud-latency.bench.ts)
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { textResponse } from '../test-support/scripted-model/scripted-model-server.ts';
import {
  insertTrace,
  listenForResults,
  SAMPLE_TRACE_FILE,
  openChatSocket,
  signUpUser,
  startCloudStack,
  turnFinished,
  turnText,
  uploadedSummaryOf,
  type ChatSocket,
  type CloudStack,
  type ResultsListener,
  type SignedInUser,
} from '../tests/cloud/cloud-harness.ts';
import { percentile, round } from './bench-report.ts';
import { directModelFirstDeltaMs } from './model-baseline.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const MB = 1024 * 1024;
const TURNS_PER_SIZE = Number(process.env.BENCH_CLOUD_TURNS ?? 15);
const CONCURRENT_USERS = Number(process.env.BENCH_CLOUD_USERS ?? 50);

const stats = (values: number[]) => ({
  n: values.length,
  p50Ms: round(percentile(values, 50)),
  p95Ms: round(percentile(values, 95)),
  maxMs: round(Math.max(...values)),
});

/** Streams `bytes` of real trace text (the sample repeated) into the user's folder of the traces bucket. */
async function uploadObject(stack: CloudStack, user: SignedInUser, bytes: number): Promise<string> {
  const block = readFileSync(SAMPLE_TRACE_FILE);
  const path = `${user.userId}/${randomUUID()}.txt`;
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= bytes) return controller.close();
      const part = block.subarray(0, Math.min(block.length, bytes - sent));
      sent += part.length;
      controller.enqueue(part);
    },
  });
  const response = await fetch(`${stack.standin.url}/storage/v1/object/traces/${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${user.accessToken}`, apikey: stack.standin.anonKey, 'content-type': 'text/plain' },
    body,
    duplex: 'half',
  } as RequestInit);
  if (!response.ok) throw new Error(`upload of ${bytes} bytes failed: HTTP ${response.status} ${await response.text()}`);
  return path;
}

async function startAnalysis(socket: ChatSocket, traceId: string): Promise<void> {
  socket.send({ type: 'start_analysis', traceId });
  const reply = await socket.next(30_000);
  if (reply.type !== 'analysis_started') throw new Error(`start_analysis failed: ${JSON.stringify(reply)}`);
}

interface TurnTiming {
  ackMs: number;
  firstChunkMs: number;
  endMs: number;
}

/** One turn: time from sending the prompt to the ack, the first chunk and the end, all on this process's clock. */
async function timedTurn(
  socket: ChatSocket,
  listener: ResultsListener,
  traceId: string,
  prompt: string,
): Promise<TurnTiming & { text: string; turnId: string }> {
  const turnId = randomUUID();
  const sentAt = performance.now();
  socket.send({ type: 'user_prompt', traceId, turnId, prompt, history: [] });
  const ack = await socket.next(30_000);
  const ackAt = performance.now();
  if (ack.type !== 'waiting_for_model' || ack.turnId !== turnId) throw new Error(`unexpected reply ${JSON.stringify(ack)}`);
  const end = await turnFinished(listener, turnId, 60_000);
  if (end.type !== 'model_response_end') throw new Error(`turn failed: ${JSON.stringify(end)}`);
  const index = listener.events.findIndex((e) => e.turnId === turnId && e.type === 'model_chunk_append');
  const endIndex = listener.events.indexOf(end);
  return {
    turnId,
    text: turnText(listener.turn(turnId)),
    ackMs: ackAt - sentAt,
    firstChunkMs: listener.arrivals[index] - sentAt,
    endMs: listener.arrivals[endIndex] - sentAt,
  };
}

async function main(): Promise<void> {
  // What the desktop uploads with a trace: the summary and its budgeted text.
  const stored = await uploadedSummaryOf(SAMPLE_TRACE_FILE);
  const stack = await startCloudStack({ AI_TURNS_PER_MINUTE: '100000' }, { fileSizeLimit: 400 * MB });
  try {
    // An instant model whose answer echoes the question, so each user can check they got their own.
    stack.model.setFallback((request) => textResponse(`Answer to: ${String(request.body.messages?.at(-1)?.content)}`, { chunkSize: 6 }));
    const socketUrl = stack.standin.functionUrl('trace-analysis-socket');

    // --- Trace size: 1 MB vs 300 MB objects, stored summaries ---------------------------------
    const owner = await signUpUser(stack.standin, 'bench-owner@example.com');
    const sizes = [1 * MB, 300 * MB];
    const traces: Array<{ bytes: number; traceId: string; uploadMs: number }> = [];
    for (const bytes of sizes) {
      const started = performance.now();
      const blobPath = await uploadObject(stack, owner, bytes);
      const uploadMs = performance.now() - started;
      const traceId = await insertTrace(owner, { file_name: `bench-${bytes}.txt`, blob_path: blobPath, size_bytes: bytes, ...stored });
      traces.push({ bytes, traceId, uploadMs });
    }
    const listener = await listenForResults(owner);
    const socket = openChatSocket(socketUrl, owner.accessToken);
    const ack = await socket.next(60_000);
    if (ack.type !== 'connection_ack') throw new Error(`no ack: ${JSON.stringify(ack)}`);
    // As the desktop does: start the analysis of a trace once, then ask.
    for (const trace of traces) await startAnalysis(socket, trace.traceId);
    // Warm-up: boots both functions' Deno processes and loads the tokenizer.
    for (let i = 0; i < 3; i++) await timedTurn(socket, listener, traces[0].traceId, `warm-up ${i}`);

    const baseline = await directModelFirstDeltaMs(stack.model.baseURL, TURNS_PER_SIZE);
    const bySize: Record<string, TurnTiming[]> = {};
    // Interleave sizes so drift in machine load affects both alike.
    for (let i = 0; i < TURNS_PER_SIZE; i++) {
      for (const trace of traces) {
        const prompt = `size ${trace.bytes} turn ${i}`;
        const timing = await timedTurn(socket, listener, trace.traceId, prompt);
        if (timing.text !== `Answer to: ${prompt}`) throw new Error(`wrong answer text: ${timing.text}`);
        (bySize[trace.bytes] ??= []).push(timing);
      }
    }
    await socket.close();
    await owner.client.removeAllChannels();

    // --- 50 concurrent users -----------------------------------------------------------------
    // Set up a few users at a time (sign-up hashes passwords; all at once only measures the stand-in's CPU).
    const setUpUser = async (i: number) => {
      const user = await signUpUser(stack.standin, `bench-user-${i}@example.com`);
      // Each user's trace has its own summary text (the function caches token counts per text).
      const traceId = await insertTrace(user, {
        file_name: `user-${i}.txt`,
        size_bytes: MB,
        ...stored,
        summary_text: `${stored.summary_text}\nuploaded by bench user ${i}`,
      });
      const results = await listenForResults(user);
      const chat = openChatSocket(socketUrl, user.accessToken);
      const hello = await chat.next(60_000);
      if (hello.type !== 'connection_ack') throw new Error(`user ${i}: no ack`);
      await startAnalysis(chat, traceId);
      return { user, traceId, results, chat, i };
    };
    const users: Array<Awaited<ReturnType<typeof setUpUser>>> = [];
    for (let i = 0; i < CONCURRENT_USERS; i += 5) {
      users.push(...(await Promise.all(Array.from({ length: Math.min(5, CONCURRENT_USERS - i) }, (_, k) => setUpUser(i + k)))));
    }
    const concurrent = await Promise.all(users.map((u) => timedTurn(u.chat, u.results, u.traceId, `user ${u.i} (${u.user.userId}) asks`)));
    // Let any stray broadcast arrive before checking isolation.
    await new Promise((resolve) => setTimeout(resolve, 500));
    let isolationViolations = 0;
    for (const [k, u] of users.entries()) {
      const own = concurrent[k];
      if (own.text !== `Answer to: user ${u.i} (${u.user.userId}) asks`) isolationViolations++;
      if (u.results.events.some((e) => e.turnId !== own.turnId)) isolationViolations++;
    }
    await Promise.all(
      users.map(async (u) => {
        await u.chat.close();
        await u.user.client.removeAllChannels();
      }),
    );

    const baselineStats = stats(baseline);
    const sizeStats = Object.fromEntries(
      traces.map((t) => [
        `${t.bytes / MB}MB`,
        {
          objectBytes: t.bytes,
          uploadMs: round(t.uploadMs),
          ack: stats(bySize[t.bytes].map((x) => x.ackMs)),
          ackToFirstChunk: stats(bySize[t.bytes].map((x) => x.firstChunkMs - x.ackMs)),
          firstChunk: stats(bySize[t.bytes].map((x) => x.firstChunkMs)),
          end: stats(bySize[t.bytes].map((x) => x.endMs)),
        },
      ]),
    );
    const small = sizeStats['1MB'].firstChunk.p50Ms;
    const large = sizeStats['300MB'].firstChunk.p50Ms;
    const concurrentStats = stats(concurrent.map((x) => x.firstChunkMs));
    const result = {
      description:
        'user_prompt sent -> first model_chunk_append received on the private Realtime channel; instant scripted model; stand-in + real Deno functions on loopback',
      baselineDirectModelFirstDelta: baselineStats,
      traceSize: sizeStats,
      addedLatencyP50Ms: { '1MB': round(small - baselineStats.p50Ms), '300MB': round(large - baselineStats.p50Ms) },
      ratio300MbTo1MbP50: Math.round((large / small) * 100) / 100,
      concurrentUsers: {
        users: CONCURRENT_USERS,
        ack: stats(concurrent.map((x) => x.ackMs)),
        // The share after the socket's checks: process-ai-turn, the model and the broadcast.
        ackToFirstChunk: stats(concurrent.map((x) => x.firstChunkMs - x.ackMs)),
        firstChunk: concurrentStats,
        end: stats(concurrent.map((x) => x.endMs)),
        isolationViolations,
      },
    };

    console.log('\nCloud chat latency (ms), user_prompt -> first chunk on the private channel');
    console.table({
      'direct model (baseline)': baselineStats,
      'trace 1 MB object': sizeStats['1MB'].firstChunk,
      'trace 300 MB object': sizeStats['300MB'].firstChunk,
      [`${CONCURRENT_USERS} concurrent users`]: concurrentStats,
    });
    console.log(`300 MB / 1 MB p50 ratio: ${result.ratio300MbTo1MbP50} (target ~1: the stored summary does not grow with the trace)`);
    console.log(`added p50 latency over the bare model: 1 MB ${result.addedLatencyP50Ms['1MB']} ms, 300 MB ${result.addedLatencyP50Ms['300MB']} ms`);
    console.log(
      `${CONCURRENT_USERS} users: socket ack p50 ${result.concurrentUsers.ack.p50Ms} ms, ack -> first chunk p50 ${result.concurrentUsers.ackToFirstChunk.p50Ms} ms`,
    );
    console.log(`isolation violations among ${CONCURRENT_USERS} concurrent users: ${isolationViolations}`);
    mkdirSync(join(ROOT, 'bench-output'), { recursive: true });
    writeFileSync(join(ROOT, 'bench-output', 'cloud-latency.json'), JSON.stringify(result, null, 2) + '\n');
    if (isolationViolations > 0) process.exitCode = 1;
  } finally {
    await stack.stop();
  }
}

await main();
