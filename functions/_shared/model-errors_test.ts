// Real `openai` client errors (from a local server answering like a provider)
// mapped to the messages the user sees.
import OpenAI from 'openai';
import { assertEquals, assertMatch } from '../_test/assert.ts';
import { describeModelError } from './model-errors.ts';

async function errorFor(status: number, body: unknown, headers: Record<string, string> = {}) {
  const server = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen() {} }, () => Response.json(body, { status, headers }));
  try {
    const client = new OpenAI({ baseURL: `http://127.0.0.1:${server.addr.port}/v1`, apiKey: 'k', maxRetries: 0 });
    await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'q' }] });
    throw new Error('expected a failure');
  } catch (error) {
    return error;
  } finally {
    await server.shutdown();
  }
}

Deno.test('provider failures become actionable messages', async () => {
  const limited = describeModelError(await errorFor(429, { error: { message: 'slow down', type: 'rate_limit_exceeded' } }, { 'retry-after': '12' }), 'm', 0);
  assertEquals(limited, {
    code: 'model_rate_limited',
    message: 'The AI provider is rate limiting requests right now; try again in 12 s.',
    retryAfterSeconds: 12,
  });

  const quota = describeModelError(await errorFor(429, { error: { message: 'quota', code: 'insufficient_quota' } }), 'm', 0);
  assertEquals(quota.code, 'model_unavailable');
  assertMatch(quota.message, /run out of quota/);

  const down = describeModelError(await errorFor(503, { error: { message: 'overloaded' } }), 'm', 0);
  assertEquals(down, { code: 'model_unavailable', message: 'The AI model service is having problems (HTTP 503); try again in a moment.' });

  const missing = describeModelError(await errorFor(404, { error: { message: 'no such model' } }), 'gpt-x', 0);
  assertMatch(missing.message, /"gpt-x" is not available/);

  const auth = describeModelError(await errorFor(401, { error: { message: 'bad key' } }), 'm', 0);
  assertMatch(auth.message, /OPENAI_API_KEY/);
});

Deno.test('in local mode the user is told to fix their settings, not to call an administrator', async () => {
  const auth = describeModelError(await errorFor(401, { error: { message: 'bad key' } }), 'm', 0, 'user');
  assertEquals(auth, { code: 'model_error', message: 'The AI provider refused the API key; check the API key in Settings.' });
  const missing = describeModelError(await errorFor(404, { error: { message: 'no such model' } }), 'llama9', 0, 'user');
  assertEquals(missing.message, 'The AI model "llama9" is not available; check the model in Settings.');
});

Deno.test('an unreachable provider, and a stream cut after some text', async () => {
  const server = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen() {} }, () => new Response('x'));
  const url = `http://127.0.0.1:${server.addr.port}/v1`;
  await server.shutdown();
  let failure: unknown;
  try {
    await new OpenAI({ baseURL: url, apiKey: 'k', maxRetries: 0 }).chat.completions.create({ model: 'm', messages: [] });
  } catch (error) {
    failure = error;
  }
  assertEquals(describeModelError(failure, 'm', 0).message, 'Could not reach the AI model service; try again in a moment.');
  assertEquals(describeModelError(failure, 'm', 10).message, 'The answer was cut off: could not reach the AI model service; try again in a moment.');
  assertMatch(describeModelError(new TypeError('terminated'), 'm', 10).message, /cut off: the connection to the AI model was lost/);
});
