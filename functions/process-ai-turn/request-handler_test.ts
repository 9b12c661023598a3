// The server credential gate and request validation of process-ai-turn, run
// through the real handler under Deno.serve.
import { assertEquals, assertMatch } from '../_test/assert.ts';
import type { TurnConfig } from '../_shared/config.ts';
import { createProcessTurnHandler } from './request-handler.ts';

const config: TurnConfig = {
  supabaseUrl: 'http://127.0.0.1:9',
  anonKey: 'anon',
  serviceRoleKey: 'service-role-key',
  aiTurnCredential: 'turn-secret',
  model: { apiKey: 'k', baseURL: 'http://127.0.0.1:9/v1', model: 'm', maxRetries: 0, timeoutMs: 1000 },
  promptTokenBudget: 1000,
  summaryTokenBudget: 500,
  maxSummarizeBytes: 1024,
  chunkFlushMs: 50,
  stopPollMs: 1_000,
};

Deno.test('callers without the server credential get 401; bad bodies 400', async () => {
  const server = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen() {} }, createProcessTurnHandler(config));
  const url = `http://127.0.0.1:${server.addr.port}/functions/v1/process-ai-turn`;
  const call = async (headers: Record<string, string>, body: string) => {
    const response = await fetch(url, { method: 'POST', headers, body });
    return { status: response.status, body: await response.json() };
  };
  const turn = {
    userId: '7b6a5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d',
    traceId: '2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d',
    turnId: '3a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d',
    prompt: 'q',
    history: [],
  };
  try {
    assertEquals((await call({}, JSON.stringify(turn))).status, 401);
    // A user's token or the anon key is not the server credential.
    assertEquals((await call({ authorization: 'Bearer service-role-key' }, JSON.stringify(turn))).status, 401);
    assertEquals((await call({ authorization: 'Bearer turn-secret-but-longer' }, JSON.stringify(turn))).status, 401);
    const auth = { authorization: 'Bearer turn-secret' };
    assertEquals((await call(auth, '{')).status, 400);
    const missing = await call(auth, JSON.stringify({ ...turn, userId: undefined }));
    assertEquals(missing.status, 400);
    assertMatch(missing.body.error, /userId/);
    const extra = await call(auth, JSON.stringify({ ...turn, role: 'admin' }));
    assertEquals(extra.status, 400);
    // A later round's question comes from the turn's row, never from a body.
    const laterWithQuestion = await call(auth, JSON.stringify({ ...turn, round: 2 }));
    assertEquals(laterWithQuestion.status, 400);
    assertMatch(laterWithQuestion.body.error, /traceId|prompt|history/);
    const get = await fetch(url, { headers: auth });
    assertEquals(get.status, 405);
    await get.body?.cancel();
  } finally {
    await server.shutdown();
  }
});
