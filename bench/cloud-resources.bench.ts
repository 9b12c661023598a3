// CPU time and peak memory per invocation of the two edge functions, cold and
// warm, against hosted Supabase's limits per request (2 s of CPU, 256 MB);
// the targets are half of those: 1 s and 150 MB. Through the real pieces: the
// Supabase stand-in, both functions in real Deno, the scripted model streaming
// an answer of about 1,500 characters. Cases:
//   - initial analysis: a trace with the summary the desktop uploads, a first question;
//   - follow-up: the same trace, 200 history messages and a prompt at the length caps, the
//     frame just under AI_MAX_MESSAGE_BYTES (prose: the worst content for token counting is
//     tests/cloud/hostile-clients.test.ts's business);
//   - in-function summary: a trace uploaded without a summary, its object at
//     AI_SUMMARIZE_MAX_BYTES, once as a Chrome trace and once as a V8 .cpuprofile with deep stacks
//     (the costliest input per byte we know);
//   - tool round 10: a turn whose model asked for a tool in each of nine rounds, each result about
//     8,000 tokens (the tools' cap), measured from the step-9 results to the answer: the socket
//     hands them over, process-ai-turn loads the nine rounds from the turn's row and fits them to
//     the prompt budget (tokenising results newest first). Warm only: the nine unmeasured rounds
//     warm both functions.
// An invocation of the socket is one connection (connect, start_analysis, user_prompt, close);
// of process-ai-turn, one turn until its last event is published.
//
// CPU = utime + stime of the function's whole Deno process, every thread (Linux /proc). Memory is
// what hosted Supabase's limit counts, V8's heap in use plus external memory (edge-runtime's
// MemCheck), at its largest during the invocation: sampled every 10 ms inside the function's
// process (the stand-in's STANDIN_MEMORY_PROBE, which adds a few ms of CPU per second of an
// invocation). The process's peak RSS (VmHWM, reset before each warm invocation) is shown beside
// it as an upper bound: it adds the Deno binary's pages, V8's reserved but unused heap and the
// runtime's own allocations. Cold = a fresh process, so it includes starting Deno itself: the
// "bare function" row is that share (a function that only answers), and the "tokenizer" row what
// loading the tokenizer adds on top (a function that loads it through shared-importer's
// token-count.ts before it serves).
// Writes bench-output/cloud-resources.json.
//
// Run: npm run bench -- cloud-resources   (BENCH_CLOUD_RUNS warm runs per case, default 5;
// AI_SUMMARIZE_MAX_BYTES tries another in-function summary limit)
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_HISTORY_MESSAGES, MAX_PROMPT_CHARS, MAX_TOOL_STEPS, type HistoryMessage, type ToolRequest } from '../functions/_shared/chat-messages.ts';
import { loadTokenizer } from '../shared-importer/src/summary/token-count.ts';
import { TOOL_RESULT_TOKEN_CAP } from '../shared-importer/src/trace-tools/tool-result.ts';
import { DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_SUMMARIZE_MAX_BYTES } from '../functions/_shared/limits.ts';
import { utf8ByteLength } from '../functions/_shared/utf8-bytes.ts';
import { textResponse } from '../test-support/scripted-model/scripted-model-server.ts';
import { MEMORY_PROBE_PATH } from '../test-support/supabase-standin/function-host-protocol.ts';
import { startFunctionProcess } from '../test-support/supabase-standin/functions-gateway.ts';
import {
  insertTrace,
  listenForResults,
  openChatSocket,
  signUpUser,
  startCloudStack,
  turnFinished,
  uploadedSummaryOf,
  type CloudStack,
  type ResultsListener,
  type SignedInUser,
} from '../tests/cloud/cloud-harness.ts';
import { median, printTable, round, writeBenchReport } from './bench-report.ts';
import { sucraseCpuProfile } from './scaled-inputs.ts';
import { generateTrace } from './trace-generator.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const TARGET_CPU_MS = 1000;
const TARGET_MEMORY_MB = 150;
const RUNS = Number(process.env.BENCH_CLOUD_RUNS ?? 5);
const SUMMARIZE_MAX_BYTES = Number(process.env.AI_SUMMARIZE_MAX_BYTES || DEFAULT_SUMMARIZE_MAX_BYTES);
/** A real Performance-panel recording: 31 threads, the largest summary among the sample traces. */
const UPLOADED_TRACE = join(ROOT, '../shared/traces/lighthouse/amp-m86.trace.json');
const FUNCTIONS = ['trace-analysis-socket', 'process-ai-turn'] as const;
type FunctionName = (typeof FUNCTIONS)[number];
const DENO_CONFIG = join(ROOT, 'functions/deno.json');
const MEMORY_PROBE = { STANDIN_MEMORY_PROBE: '1' };

interface Usage {
  cpuMs: number;
  /** Largest V8 heap in use + external memory: what the hosted limit counts, and the targets are checked against. */
  memoryMb: number;
  /** Peak resident set of the whole process. */
  peakRssMb: number;
}

// ---- Reading a process from /proc ------------------------------------------------------------

const TICKS_PER_SECOND = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

function cpuMsOf(pid: number): number {
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

function peakRssMbOf(pid: number): number {
  return Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
}

/** The function's largest heap + external memory since the last call (the host's memory probe), in MB. */
async function probedMemoryMb(functionUrl: string): Promise<number> {
  const response = await fetch(`${functionUrl}${MEMORY_PROBE_PATH}`);
  if (!response.ok) throw new Error(`memory probe: HTTP ${response.status}`);
  return ((await response.json()) as { peakBytes: number }).peakBytes / 1024 / 1024;
}

/** Sets the process's peak resident size back to its current size (Linux: clear_refs 5). */
function resetPeak(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Time for the functions to finish after the client saw the last event (the broadcast's reply). */
const SETTLE_MS = 300;

/** CPU and peak memory of each function over one invocation; a function not running before starts cold. */
async function measure(stack: CloudStack, invoke: () => Promise<void>): Promise<Record<FunctionName, Usage>> {
  const before = new Map<FunctionName, { pid: number; cpuMs: number }>();
  for (const name of FUNCTIONS) {
    const pid = await stack.standin.functionProcessId(name);
    if (pid === undefined) continue;
    await probedMemoryMb(stack.standin.functionUrl(name)); // starts a new maximum
    resetPeak(pid);
    before.set(name, { pid, cpuMs: cpuMsOf(pid) });
  }
  await invoke();
  await sleep(SETTLE_MS);
  const usage = {} as Record<FunctionName, Usage>;
  for (const name of FUNCTIONS) {
    const pid = await stack.standin.functionProcessId(name);
    if (pid === undefined) throw new Error(`${name} did not run`);
    const earlier = before.get(name);
    if (earlier && earlier.pid !== pid) throw new Error(`${name} restarted during the invocation`);
    const cpuMs = cpuMsOf(pid) - (earlier?.cpuMs ?? 0);
    usage[name] = { cpuMs, memoryMb: await probedMemoryMb(stack.standin.functionUrl(name)), peakRssMb: peakRssMbOf(pid) };
  }
  return usage;
}

/** A function process of its own that starts, answers one request and stops: cold start cost. */
async function coldProcessCost(entry: string): Promise<Usage> {
  const started = startFunctionProcess({ entry, env: MEMORY_PROBE, denoConfig: DENO_CONFIG, log: (line) => console.error(line) });
  try {
    const port = await started.listening;
    await (await fetch(`http://127.0.0.1:${port}/`)).text();
    await sleep(100);
    const cpuMs = cpuMsOf(started.child.pid!);
    return { cpuMs, memoryMb: await probedMemoryMb(`http://127.0.0.1:${port}`), peakRssMb: peakRssMbOf(started.child.pid!) };
  } finally {
    started.child.kill('SIGKILL');
  }
}

async function medianCost(entry: string): Promise<Usage> {
  const runs: Usage[] = [];
  for (let i = 0; i < 3; i++) runs.push(await coldProcessCost(entry));
  return { cpuMs: median(runs.map((r) => r.cpuMs)), peakRssMb: median(runs.map((r) => r.peakRssMb)), memoryMb: median(runs.map((r) => r.memoryMb)) };
}

// ---- The cases -----------------------------------------------------------------------------

/** Text of a real summary, cycled into messages of `chars` characters: what a long conversation quotes. */
function proseOf(source: string, chars: number, offset: number): string {
  const doubled = source.repeat(Math.ceil((chars + offset) / source.length) + 1);
  return doubled.slice(offset % source.length, (offset % source.length) + chars);
}

/** 200 history messages and a full-length prompt, as long as fits the frame limit. */
function historyAtTheCaps(source: string, traceId: string): { history: HistoryMessage[]; prompt: string } {
  const prompt = proseOf(source, MAX_PROMPT_CHARS, 0);
  const frameOf = (perMessage: number) => {
    const history = Array.from({ length: MAX_HISTORY_MESSAGES }, (_, i): HistoryMessage => ({
      role: i % 2 ? 'assistant' : 'user',
      content: proseOf(source, perMessage, i * 977),
    }));
    const frame = JSON.stringify({ type: 'user_prompt', traceId, turnId: randomUUID(), prompt, history });
    return { history, bytes: utf8ByteLength(frame) };
  };
  // Largest per-message length whose frame fits.
  let low = 0;
  let high = 32_000;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (frameOf(mid).bytes <= DEFAULT_MAX_MESSAGE_BYTES) low = mid;
    else high = mid - 1;
  }
  return { history: frameOf(low).history, prompt };
}

interface Conversation {
  stack: CloudStack;
  user: SignedInUser;
  listener: ResultsListener;
}

/** One socket invocation as the desktop makes it: connect, start the analysis, ask, wait for the end, close. */
async function ask({ stack, user, listener }: Conversation, traceId: string, prompt: string, history: HistoryMessage[] = []): Promise<void> {
  const socket = openChatSocket(stack.standin.functionUrl('trace-analysis-socket'), user.accessToken);
  try {
    const expect = async (type: string) => {
      const message = await socket.next(60_000);
      if (message.type !== type) throw new Error(`expected ${type}, got ${JSON.stringify(message)}`);
    };
    await expect('connection_ack');
    socket.send({ type: 'start_analysis', traceId });
    await expect('analysis_started');
    const turnId = randomUUID();
    socket.send({ type: 'user_prompt', traceId, turnId, prompt, history });
    await expect('waiting_for_model');
    const end = await turnFinished(listener, turnId, 120_000);
    if (end.type !== 'model_response_end') throw new Error(`turn failed: ${JSON.stringify(end)}`);
  } finally {
    await socket.close();
  }
}

/** Objects at the in-function summary limit, as they would be uploaded. */
async function objectsAtTheLimit(dir: string): Promise<Array<{ label: string; path: string }>> {
  const chrome = join(dir, 'trace.json');
  // The generator stops within one batch of the size asked for: leave it room.
  await generateTrace({ bytes: SUMMARIZE_MAX_BYTES - 256 * 1024, out: chrome });
  const cpuProfile = join(dir, 'deep.cpuprofile');
  writeFileSync(cpuProfile, sucraseCpuProfile(SUMMARIZE_MAX_BYTES - 900 * 1024));
  const objects = [
    { label: 'Chrome trace', path: chrome },
    { label: 'V8 .cpuprofile', path: cpuProfile },
  ];
  for (const { path } of objects) {
    if (statSync(path).size > SUMMARIZE_MAX_BYTES) throw new Error(`${path} is over the limit`);
  }
  return objects;
}

/** Text of the real summary cut to the tools' cap: what a tool result at its largest costs. */
async function resultAtTheCap(source: string): Promise<string> {
  return (await loadTokenizer()).truncate(proseOf(source, 60_000, 0), TOOL_RESULT_TOKEN_CAP);
}

/**
 * One turn through nine tool rounds (unmeasured), then the invocation that answers it measured:
 * the step-9 results sent, round 10 run, its answer published. The scripted model asks for one
 * tool per round, then answers.
 */
async function roundTen(conversation: Conversation, traceId: string, result: string): Promise<Record<FunctionName, Usage>> {
  const { stack, user, listener } = conversation;
  const lastStep = MAX_TOOL_STEPS - 1;
  const asked = stack.model.requests.length; // requests before this turn
  for (let step = 1; step <= lastStep; step++)
    stack.model.enqueue({ kind: 'tool_calls', calls: [{ name: 'markers', arguments: `{"query":"round ${step}"}` }] });
  stack.model.enqueue(textResponse('The main thread is busy for most of the trace. '.repeat(32), { chunkSize: 4, delayMs: 5 }));
  const socket = openChatSocket(stack.standin.functionUrl('trace-analysis-socket'), user.accessToken);
  try {
    await socket.next(60_000);
    const turnId = randomUUID();
    socket.send({ type: 'user_prompt', traceId, turnId, prompt: 'What is inside the longest task?', history: [] });
    await socket.next(60_000);
    const send = async (step: number) => {
      const request = (await listener.waitFor((e) => e.turnId === turnId && e.type === 'tool_request' && e.step === step, 60_000)) as ToolRequest;
      socket.send({ type: 'tool_results', turnId, step, results: request.calls.map((call) => ({ callId: call.callId, content: result })) });
      const ack = await socket.next(60_000);
      if (ack.type !== 'waiting_for_model') throw new Error(`results of step ${step} refused: ${JSON.stringify(ack)}`);
    };
    for (let step = 1; step < lastStep; step++) await send(step);
    await listener.waitFor((e) => e.turnId === turnId && e.type === 'tool_request' && e.step === lastStep, 60_000);
    await sleep(SETTLE_MS);
    return await measure(stack, async () => {
      await send(lastStep);
      const end = await turnFinished(listener, turnId, 120_000);
      if (end.type !== 'model_response_end') throw new Error(`turn failed: ${JSON.stringify(end)}`);
      const tenth = stack.model.requests.at(-1);
      if (stack.model.requests.length - asked !== MAX_TOOL_STEPS) throw new Error('the turn did not take ten rounds');
      if (tenth.body.messages!.filter((m) => m.role === 'tool').length !== lastStep) throw new Error('round 10 did not read nine results');
    });
  } finally {
    await socket.close();
  }
}

interface CaseResult {
  name: string;
  cold: Record<FunctionName, Usage>;
  warm: Record<FunctionName, Usage[]>;
}

async function runCase(conversation: Conversation, name: string, invoke: () => Promise<void>): Promise<CaseResult> {
  const { stack } = conversation;
  console.log(`- ${name}`);
  // Once unmeasured, so Deno's transpile cache holds every module the case loads (hosted functions
  // are deployed bundled); then a fresh process for the cold invocation.
  await invoke();
  await stack.standin.stopFunctions();
  const cold = await measure(stack, invoke);
  const warm = { 'trace-analysis-socket': [] as Usage[], 'process-ai-turn': [] as Usage[] };
  for (let i = 0; i < RUNS; i++) {
    const usage = await measure(stack, invoke);
    for (const fn of FUNCTIONS) warm[fn].push(usage[fn]);
  }
  return { name, cold, warm };
}

// ---- Report ----------------------------------------------------------------------------------

const within = (u: Usage) => u.cpuMs <= TARGET_CPU_MS && u.memoryMb <= TARGET_MEMORY_MB;
const largest = (runs: Usage[], key: keyof Usage) => Math.max(...runs.map((r) => r[key]));
const warmSummary = (runs: Usage[]): Usage => ({
  cpuMs: median(runs.map((r) => r.cpuMs)),
  peakRssMb: largest(runs, 'peakRssMb'),
  memoryMb: largest(runs, 'memoryMb'),
});
const ms = (n: number) => `${round(n, 0)}`;

function report(results: CaseResult[], bare: Usage, tokenizer: Usage, roundTenRuns: Record<FunctionName, Usage[]>): void {
  const rows: string[][] = [];
  const json: Record<string, unknown>[] = [];
  for (const result of results) {
    for (const fn of FUNCTIONS) {
      const cold = result.cold[fn];
      const warm = warmSummary(result.warm[fn]);
      const ok = within(cold) && within(warm);
      rows.push([
        result.name,
        fn,
        ms(cold.cpuMs),
        ms(cold.memoryMb),
        ms(cold.peakRssMb),
        ms(warm.cpuMs),
        ms(warm.memoryMb),
        ms(warm.peakRssMb),
        ok ? 'yes' : 'NO',
      ]);
      json.push({ case: result.name, function: fn, cold, warm, warmRuns: result.warm[fn], withinTargets: ok });
    }
  }
  console.log(`\nPer invocation: CPU ms (user + system); memory MB (V8 heap in use + external, largest seen); peak RSS MB (upper bound)`);
  console.log(
    `Targets: CPU <= ${TARGET_CPU_MS} ms, memory <= ${TARGET_MEMORY_MB} MB. In-function summary limit (AI_SUMMARIZE_MAX_BYTES): ${round(SUMMARIZE_MAX_BYTES / 1024 / 1024, 2)} MiB.`,
  );
  console.log(`Warm: median CPU, largest memory of ${RUNS} runs.\n`);
  printTable(['case', 'function', 'cold CPU', 'cold mem', 'cold RSS', 'warm CPU', 'warm mem', 'warm RSS', 'within'], rows);
  const tokenizerShare = { cpuMs: tokenizer.cpuMs - bare.cpuMs, memoryMb: tokenizer.memoryMb - bare.memoryMb, peakRssMb: tokenizer.peakRssMb - bare.peakRssMb };
  console.log('\nParts of a cold start, each in a process of its own (median of 3):');
  printTable(
    ['process', 'CPU ms', 'memory MB', 'peak RSS'],
    [
      ['bare function (Deno starts, serves one request)', ms(bare.cpuMs), ms(bare.memoryMb), ms(bare.peakRssMb)],
      ['tokenizer function (bare + token-count.ts loaded, one count)', ms(tokenizer.cpuMs), ms(tokenizer.memoryMb), ms(tokenizer.peakRssMb)],
      ["  the tokenizer's share (difference)", ms(tokenizerShare.cpuMs), ms(tokenizerShare.memoryMb), ms(tokenizerShare.peakRssMb)],
    ],
  );
  console.log(`\nTool round 10 (nine earlier rounds, each result ~${TOOL_RESULT_TOKEN_CAP} tokens), warm, ${RUNS} runs:`);
  const roundTenRows = FUNCTIONS.map((fn) => {
    const warm = warmSummary(roundTenRuns[fn]);
    return [fn, ms(warm.cpuMs), ms(largest(roundTenRuns[fn], 'cpuMs')), ms(warm.memoryMb), ms(warm.peakRssMb), within(warm) ? 'yes' : 'NO'];
  });
  printTable(['function', 'median CPU', 'max CPU', 'memory', 'RSS', 'within'], roundTenRows);
  writeBenchReport('cloud-resources', {
    description: 'Per invocation of each function: CPU (utime+stime of its process), memory (largest V8 heap used + external), peak RSS; cold = fresh process',
    targets: { cpuMs: TARGET_CPU_MS, memoryMb: TARGET_MEMORY_MB },
    summarizeMaxBytes: SUMMARIZE_MAX_BYTES,
    bareFunction: bare,
    tokenizerFunction: tokenizer,
    tokenizerShare,
    invocations: json,
    toolRoundTen: roundTenRuns,
  });
  if (json.some((row) => !row.withinTargets) || FUNCTIONS.some((fn) => !within(warmSummary(roundTenRuns[fn]))))
    console.log('\nSome invocations exceed the targets (see "within").');
}

async function main(): Promise<void> {
  if (process.platform !== 'linux') throw new Error('This bench reads /proc: Linux only.');
  const dir = mkdtempSync(join(tmpdir(), 'cloud-resources-'));
  const stack = await startCloudStack({ ...MEMORY_PROBE, AI_TURNS_PER_MINUTE: '100000', AI_SUMMARIZE_MAX_BYTES: String(SUMMARIZE_MAX_BYTES) });
  try {
    // An answer of about 1,500 characters, streamed over about two seconds as a model would.
    const answer = 'The main thread is busy for most of the trace. '.repeat(32);
    stack.model.setFallback(textResponse(answer, { chunkSize: 4, delayMs: 5 }));
    const user = await signUpUser(stack.standin, 'bench-resources@example.com');
    const conversation: Conversation = { stack, user, listener: await listenForResults(user) };
    const uploaded = await uploadedSummaryOf(UPLOADED_TRACE);
    const traceId = await insertTrace(user, { file_name: 'amp-m86.trace.json', size_bytes: statSync(UPLOADED_TRACE).size, ...uploaded });
    const { history, prompt } = historyAtTheCaps(uploaded.summary_text, traceId);

    const results: CaseResult[] = [];
    results.push(
      await runCase(conversation, 'initial analysis, stored summary', () => ask(conversation, traceId, 'Where does the main thread spend its time?')),
    );
    results.push(await runCase(conversation, `follow-up, ${history.length} messages at the caps`, () => ask(conversation, traceId, prompt, history)));
    for (const object of await objectsAtTheLimit(dir)) {
      const bytes = readFileSync(object.path);
      const blobPath = `${user.userId}/${randomUUID()}`;
      const upload = await user.client.storage.from('traces').upload(blobPath, bytes, { contentType: 'application/octet-stream' });
      if (upload.error) throw new Error(`upload failed: ${upload.error.message}`);
      // A new row each time: the function stores the summary it makes, and would not make it again.
      const summarised = async () => {
        const id = await insertTrace(user, { file_name: object.path.slice(object.path.lastIndexOf('/') + 1), blob_path: blobPath, size_bytes: bytes.length });
        await ask(conversation, id, 'What is slow in this trace?');
      };
      results.push(await runCase(conversation, `in-function summary, ${object.label} ${round(bytes.length / 1024 / 1024, 1)} MB`, summarised));
    }
    const result = await resultAtTheCap(uploaded.summary_text);
    console.log('- tool round 10');
    await roundTen(conversation, traceId, result); // unmeasured: Deno's transpile cache
    const roundTenRuns = { 'trace-analysis-socket': [] as Usage[], 'process-ai-turn': [] as Usage[] };
    for (let i = 0; i < RUNS; i++) {
      const usage = await roundTen(conversation, traceId, result);
      for (const fn of FUNCTIONS) roundTenRuns[fn].push(usage[fn]);
    }
    await user.client.removeAllChannels();

    const bare = await medianCost(join(ROOT, 'bench/cloud-functions/bare-function.ts'));
    const tokenizer = await medianCost(join(ROOT, 'bench/cloud-functions/tokenizer-function.ts'));
    report(results, bare, tokenizer, roundTenRuns);
  } finally {
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
