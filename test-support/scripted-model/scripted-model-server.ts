// An OpenAI-compatible chat completions server driven by a script, for tests
// and benchmarks: the real `openai` client (and our edge functions) talk to it
// over HTTP on 127.0.0.1, so streaming, retries and failures are exercised for
// real without calling a paid API.
import { readBody, sendJson } from '../http-util.ts';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChatMessage {
  role: string;
  content: unknown;
  [key: string]: unknown;
}

/** One request the server received, as parsed JSON plus the headers that matter. */
export interface RecordedRequest {
  path: string;
  authorization: string | undefined;
  body: {
    model?: string;
    stream?: boolean;
    messages?: ChatMessage[];
    stream_options?: { include_usage?: boolean };
    [key: string]: unknown;
  };
  receivedAt: number;
  /** When the connection closed before the response was complete: the client aborted (or a scripted fail_mid_stream cut it). */
  closedBeforeEndAt?: number;
}

export interface ScriptedToolCall {
  name: string;
  arguments: string;
}

/** What the server does with one request. */
export type ScriptedResponse =
  | {
      kind: 'text';
      /** The answer, already split into the deltas to stream. */
      chunks: string[];
      /** Pause before each chunk (ms). */
      delayMs?: number;
      /** Extra pause before the first chunk (ms), to simulate model latency. */
      firstChunkDelayMs?: number;
      finishReason?: string;
      usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
    }
  /** `holdUntil`: the stream starts, then its calls wait for this (a test does something in between). */
  /** `text`: what the model writes before its calls ("Let me look at the call tree."), streamed first. */
  | { kind: 'tool_calls'; calls: ScriptedToolCall[]; text?: string; delayMs?: number; holdUntil?: Promise<unknown> }
  /** Streams `chunks`, then destroys the socket without finishing the stream. */
  | { kind: 'fail_mid_stream'; chunks: string[]; delayMs?: number }
  | { kind: 'http_error'; status: number; retryAfterSeconds?: number; message?: string };

export type ScriptStep = ScriptedResponse | ((request: RecordedRequest) => ScriptedResponse);

export interface ScriptedModelServer {
  /** Base URL for the openai client: `http://127.0.0.1:<port>/v1`. */
  baseURL: string;
  /** Every request received, in arrival order. */
  requests: RecordedRequest[];
  /** Queues responses; each request consumes the next one. */
  enqueue(...steps: ScriptStep[]): void;
  /** Response used when the queue is empty (default: HTTP 500 "script exhausted", so a test notices). */
  setFallback(step: ScriptStep | undefined): void;
  /** Steps still queued. */
  pending(): number;
  stop(): Promise<void>;
}

/** Splits text into deltas of at most `size` characters. */
export function splitIntoChunks(text: string, size: number): string[] {
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
  return chunks;
}

export function textResponse(text: string, options: { chunkSize?: number; delayMs?: number; firstChunkDelayMs?: number } = {}): ScriptedResponse {
  return {
    kind: 'text',
    chunks: splitIntoChunks(text, options.chunkSize ?? 4),
    delayMs: options.delayMs,
    firstChunkDelayMs: options.firstChunkDelayMs,
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function startScriptedModel(options: { port?: number } = {}): Promise<ScriptedModelServer> {
  const queue: ScriptStep[] = [];
  const requests: RecordedRequest[] = [];
  let fallback: ScriptStep | undefined;
  let completionCounter = 0;

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: { message: String(error), type: 'server_error' } });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'POST' || path !== '/v1/chat/completions') {
      sendJson(res, 404, { error: { message: `No route ${req.method} ${path}`, type: 'invalid_request_error' } });
      return;
    }
    const raw = (await readBody(req)).toString('utf8');
    let body: RecordedRequest['body'];
    try {
      body = JSON.parse(raw) as RecordedRequest['body'];
    } catch {
      sendJson(res, 400, { error: { message: 'Body is not JSON', type: 'invalid_request_error' } });
      return;
    }
    const recorded: RecordedRequest = { path, authorization: req.headers.authorization, body, receivedAt: Date.now() };
    requests.push(recorded);
    res.on('close', () => {
      if (!res.writableEnded) recorded.closedBeforeEndAt = Date.now();
    });

    const step = queue.shift() ?? fallback;
    if (!step) {
      sendJson(res, 500, { error: { message: 'Scripted model: script exhausted (no response queued)', type: 'server_error' } });
      return;
    }
    const response = typeof step === 'function' ? step(recorded) : step;
    const id = `chatcmpl-scripted-${++completionCounter}`;
    const model = body.model ?? 'scripted-model';

    if (response.kind === 'http_error') {
      const headers: Record<string, string> = {};
      if (response.retryAfterSeconds !== undefined) headers['retry-after'] = String(response.retryAfterSeconds);
      const type = response.status === 429 ? 'rate_limit_exceeded' : response.status >= 500 ? 'server_error' : 'invalid_request_error';
      sendJson(res, response.status, { error: { message: response.message ?? `Scripted HTTP ${response.status}`, type, code: type } }, headers);
      return;
    }

    if (!body.stream) {
      if (response.kind === 'fail_mid_stream') res.socket?.destroy();
      else sendJson(res, 200, nonStreamingCompletion(id, model, response));
      return;
    }

    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.flushHeaders();
    const created = Math.floor(Date.now() / 1000);
    const chunk = (delta: Record<string, unknown>, finishReason: string | null) => ({
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }],
    });
    const send = (data: unknown) => res.write(`data: ${JSON.stringify(data)}\n\n`);

    if (response.kind === 'tool_calls') {
      send(chunk({ role: 'assistant', content: response.text ?? null }, null));
      await response.holdUntil;
      for (const [index, call] of response.calls.entries()) {
        if (response.delayMs) await sleep(response.delayMs);
        send(chunk({ tool_calls: [{ index, id: `call_${index}`, type: 'function', function: { name: call.name, arguments: '' } }] }, null));
        for (const part of splitIntoChunks(call.arguments, 8)) {
          send(chunk({ tool_calls: [{ index, function: { arguments: part } }] }, null));
        }
      }
      send(chunk({}, 'tool_calls'));
      res.end('data: [DONE]\n\n');
      return;
    }

    send(chunk({ role: 'assistant', content: '' }, null));
    if (response.kind === 'text' && response.firstChunkDelayMs) await sleep(response.firstChunkDelayMs);
    for (const text of response.chunks) {
      if (response.delayMs) await sleep(response.delayMs);
      if (res.destroyed) return; // the client went away
      send(chunk({ content: text }, null));
    }
    if (response.kind === 'fail_mid_stream') {
      // Let the written chunks reach the client, then cut the connection.
      await sleep(10);
      res.socket?.destroy();
      return;
    }
    send(chunk({}, response.finishReason ?? 'stop'));
    if (body.stream_options?.include_usage) {
      send({ id, object: 'chat.completion.chunk', created, model, choices: [], usage: usageOf(response, body) });
    }
    res.end('data: [DONE]\n\n');
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    enqueue: (...steps) => void queue.push(...steps),
    setFallback(step) {
      fallback = step;
    },
    pending: () => queue.length,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function usageOf(response: Extract<ScriptedResponse, { kind: 'text' }>, body: RecordedRequest['body']) {
  if (response.usage) return response.usage;
  // A rough count is enough for tests: about four characters per token.
  const promptChars = (body.messages ?? []).reduce((n, m) => n + (typeof m.content === 'string' ? m.content.length : 0), 0);
  const prompt_tokens = Math.ceil(promptChars / 4);
  const completion_tokens = Math.ceil(response.chunks.join('').length / 4);
  return { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens };
}

function nonStreamingCompletion(id: string, model: string, response: Extract<ScriptedResponse, { kind: 'text' | 'tool_calls' }>) {
  const created = Math.floor(Date.now() / 1000);
  if (response.kind === 'tool_calls') {
    return {
      id,
      object: 'chat.completion',
      created,
      model,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: null,
            refusal: null,
            tool_calls: response.calls.map((call, i) => ({ id: `call_${i}`, type: 'function', function: call })),
          },
          finish_reason: 'tool_calls',
          logprobs: null,
        },
      ],
      usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
    };
  }
  const content = response.chunks.join('');
  const completion_tokens = Math.ceil(content.length / 4);
  return {
    id,
    object: 'chat.completion',
    created,
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content, refusal: null },
        finish_reason: response.finishReason ?? 'stop',
        logprobs: null,
      },
    ],
    usage: { prompt_tokens: 1, completion_tokens, total_tokens: 1 + completion_tokens },
  };
}
