// Drives the scripted model with the real `openai` client through baseURL, so
// the wire format (SSE framing, chunk shapes, error statuses) is the one the
// client actually understands.
import assert from 'node:assert/strict';
import { afterAll, beforeAll, test } from 'vitest';
import OpenAI, { APIConnectionError, RateLimitError, InternalServerError } from 'openai';
import { startScriptedModel, textResponse, type ScriptedModelServer } from './scripted-model-server.ts';

let model: ScriptedModelServer;
let client: OpenAI;

beforeAll(async () => {
  model = await startScriptedModel();
  client = new OpenAI({ baseURL: model.baseURL, apiKey: 'test-key', maxRetries: 0 });
});
afterAll(() => model.stop());

async function collect(stream: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>) {
  const deltas: string[] = [];
  let finishReason: string | null = null;
  let usage: OpenAI.CompletionUsage | null | undefined;
  for await (const chunk of stream) {
    const choice = chunk.choices[0];
    if (choice?.delta.content) deltas.push(choice.delta.content);
    if (choice?.finish_reason) finishReason = choice.finish_reason;
    if (chunk.usage) usage = chunk.usage;
  }
  return { deltas, finishReason, usage };
}

test('streams the scripted text as SSE deltas, with usage, and records the request', async () => {
  model.enqueue({ kind: 'text', chunks: ['The hot', ' path is ', 'parse()'], delayMs: 5 });
  const stream = await client.chat.completions.create({
    model: 'gpt-test',
    stream: true,
    stream_options: { include_usage: true },
    messages: [
      { role: 'system', content: 'sys' },
      { role: 'user', content: 'Why is it slow?' },
    ],
  });
  const { deltas, finishReason, usage } = await collect(stream);
  assert.deepEqual(deltas, ['The hot', ' path is ', 'parse()']);
  assert.equal(finishReason, 'stop');
  assert.ok(usage && usage.completion_tokens > 0 && usage.total_tokens === usage.prompt_tokens + usage.completion_tokens);
  const last = model.requests.at(-1);
  assert.equal(last.authorization, 'Bearer test-key');
  assert.equal(last.body.model, 'gpt-test');
  assert.equal(last.body.messages?.[1]?.content, 'Why is it slow?');
});

test('answers non-streaming requests with one completion', async () => {
  model.enqueue(textResponse('Hello there, profiler.'));
  const completion = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(completion.choices[0]?.message.content, 'Hello there, profiler.');
  assert.equal(completion.choices[0]?.finish_reason, 'stop');
});

test('streams tool calls that the client reassembles', async () => {
  model.enqueue({ kind: 'tool_calls', calls: [{ name: 'open_function', arguments: '{"name":"parseJSON","thread":"main"}' }] });
  const runner = client.chat.completions.stream({
    model: 'm',
    messages: [{ role: 'user', content: 'show me' }],
    tools: [{ type: 'function', function: { name: 'open_function', parameters: { type: 'object', properties: {} } } }],
  });
  const final = await runner.finalChatCompletion();
  const call = final.choices[0]?.message.tool_calls?.[0];
  assert.equal(final.choices[0]?.finish_reason, 'tool_calls');
  assert.ok(call && call.type === 'function');
  assert.equal(call.function.name, 'open_function');
  assert.deepEqual(JSON.parse(call.function.arguments), { name: 'parseJSON', thread: 'main' });
});

test('HTTP 429 carries retry-after and becomes a RateLimitError; the client retries when allowed', async () => {
  model.enqueue({ kind: 'http_error', status: 429, retryAfterSeconds: 7, message: 'Rate limit reached' });
  await assert.rejects(
    client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }),
    (error: unknown) => error instanceof RateLimitError && error.headers.get('retry-after') === '7',
  );
  // With retries on, a 429 (retry-after 0) followed by a success yields the success.
  const retrying = new OpenAI({ baseURL: model.baseURL, apiKey: 'k', maxRetries: 1 });
  model.enqueue({ kind: 'http_error', status: 429, retryAfterSeconds: 0 }, textResponse('second try'));
  const before = model.requests.length;
  const completion = await retrying.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
  assert.equal(completion.choices[0]?.message.content, 'second try');
  assert.equal(model.requests.length - before, 2);
});

test('HTTP 500 becomes an InternalServerError', async () => {
  model.enqueue({ kind: 'http_error', status: 500 });
  await assert.rejects(client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }), InternalServerError);
});

test('a stream cut mid-way delivers the first deltas, then fails', async () => {
  model.enqueue({ kind: 'fail_mid_stream', chunks: ['partial ', 'answer'] });
  const stream = await client.chat.completions.create({ model: 'm', stream: true, messages: [{ role: 'user', content: 'x' }] });
  const seen: string[] = [];
  await assert.rejects(async () => {
    for await (const chunk of stream) {
      const text = chunk.choices[0]?.delta.content;
      if (text) seen.push(text);
    }
  });
  assert.deepEqual(seen, ['partial ', 'answer']);
});

test('a slow stream keeps its pacing (first delta waits for firstChunkDelayMs)', async () => {
  model.enqueue(textResponse('slow', { chunkSize: 2, firstChunkDelayMs: 150 }));
  const started = performance.now();
  const stream = await client.chat.completions.create({ model: 'm', stream: true, messages: [{ role: 'user', content: 'x' }] });
  let firstAt = 0;
  const seen: string[] = [];
  for await (const chunk of stream) {
    const text = chunk.choices[0]?.delta.content;
    if (!text) continue;
    if (!firstAt) firstAt = performance.now();
    seen.push(text);
  }
  assert.deepEqual(seen, ['sl', 'ow']);
  assert.ok(firstAt - started >= 140, `first delta after ${firstAt - started} ms`);
});

test('a function step sees the request, and an empty script answers 500 so a test notices', async () => {
  model.enqueue((request) => textResponse(`echo:${String(request.body.messages?.at(-1)?.content)}`));
  const completion = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'ping' }] });
  assert.equal(completion.choices[0]?.message.content, 'echo:ping');
  assert.equal(model.pending(), 0);
  await assert.rejects(client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }), InternalServerError);
  model.setFallback(textResponse('default'));
  const fallback = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
  assert.equal(fallback.choices[0]?.message.content, 'default');
  model.setFallback(undefined);
});

test('unknown routes are 404 and connection refused is an APIConnectionError', async () => {
  const response = await fetch(model.baseURL.replace('/v1', '/v1/models'), { method: 'GET' });
  assert.equal(response.status, 404);
  const dead = await startScriptedModel();
  const url = dead.baseURL;
  await dead.stop();
  const offline = new OpenAI({ baseURL: url, apiKey: 'k', maxRetries: 0 });
  await assert.rejects(offline.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }), APIConnectionError);
});
