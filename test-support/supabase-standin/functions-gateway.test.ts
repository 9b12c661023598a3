// The functions gateway with fixture functions run by real Deno: verify_jwt from a config.toml,
// env and path as the hosted runtime gives them, supabase-js inside Deno (RLS as the caller),
// EdgeRuntime.waitUntil work finishing after the response, and WebSocket passthrough.
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, test } from 'vitest';
import WebSocket from 'ws';
import { startSupabaseStandin, type SupabaseStandin } from './index.ts';

const fixtures = new URL('./fixtures/', import.meta.url).pathname;

let standin: SupabaseStandin;
let alice: SupabaseClient;
let aliceId: string;
let aliceToken: string;

beforeAll(async () => {
  standin = await startSupabaseStandin({
    functionsDir: `${fixtures}functions`,
    configToml: `${fixtures}config.toml`,
    denoConfig: `${fixtures}deno.json`,
    functionEnv: { FIXTURE_GREETING: 'hello from the test' },
    logFunctionOutput: false,
  });
  const created = await standin.createUser('alice@example.com', 'alice-password');
  aliceId = created.user.id;
  aliceToken = created.session.access_token;
  alice = createClient(standin.url, standin.anonKey, {
    realtime: { transport: WebSocket as unknown as typeof globalThis.WebSocket },
    auth: { persistSession: false, autoRefreshToken: false },
  });
  await alice.auth.signInWithPassword({ email: 'alice@example.com', password: 'alice-password' });
  const bob = await standin.createUser('bob@example.com', 'bob-password');
  await standin.db.query(`insert into public.traces (user_id, file_name) values ($1, 'a.json'), ($2, 'b.json')`, [aliceId, bob.user.id]);
});
afterAll(async () => {
  await alice.removeAllChannels();
  await standin.stop();
});

describe('functions gateway', () => {
  test('functions.invoke reaches the function with the hosted path, env and headers', async () => {
    const { data, error } = await alice.functions.invoke('echo', { body: { question: 'why slow?' } });
    assert.equal(error, null);
    assert.equal(data.method, 'POST');
    assert.equal(data.path, '/echo');
    // invoke() forwards the signed-in session's token, not the anon key.
    assert.equal(data.authorization, `Bearer ${(await alice.auth.getSession()).data.session!.access_token}`);
    assert.deepEqual(JSON.parse(data.body), { question: 'why slow?' });
    assert.deepEqual(data.env, { SUPABASE_URL: standin.url, hasAnonKey: true, hasServiceRoleKey: true, FIXTURE_GREETING: 'hello from the test' });
  });

  test('verify_jwt on: a missing or forged bearer is 401 {"msg":"Invalid JWT"}', async () => {
    const none = await fetch(standin.functionUrl('echo'));
    assert.equal(none.status, 401);
    assert.deepEqual(await none.json(), { msg: 'Invalid JWT' });
    const forged = await fetch(standin.functionUrl('echo'), { headers: { authorization: `Bearer ${aliceToken.slice(0, -2)}xx` } });
    assert.equal(forged.status, 401);
    const anonOk = await fetch(`${standin.functionUrl('echo')}/sub?x=1`, { headers: { authorization: `Bearer ${standin.anonKey}` } });
    assert.equal(anonOk.status, 200);
    const body = await anonOk.json();
    assert.deepEqual([body.path, body.search], ['/echo/sub', '?x=1']);
  });

  test('unknown functions are 404 NOT_FOUND', async () => {
    const res = await fetch(standin.functionUrl('nope'), { headers: { authorization: `Bearer ${standin.anonKey}` } });
    assert.equal(res.status, 404);
    assert.equal((await res.json()).code, 'NOT_FOUND');
  });

  test('supabase-js inside Deno queries as the calling user (RLS applies)', async () => {
    const { data, error } = await alice.functions.invoke('echo/traces', { body: {} });
    assert.equal(error, null);
    assert.equal(data.error, null);
    assert.deepEqual(
      data.data.map((r: { file_name: string }) => r.file_name),
      ['a.json'],
    );
  });

  test('work under EdgeRuntime.waitUntil completes after a 202 and broadcasts to the user', async () => {
    await alice.realtime.setAuth();
    const channel = alice.channel(`private-chat-results-${aliceId}`, { config: { private: true } });
    const answer = new Promise<Record<string, unknown>>((resolve) => channel.on('broadcast', { event: 'answer' }, resolve));
    await new Promise<void>((resolve, reject) =>
      channel.subscribe((status, err) => (status === 'SUBSCRIBED' ? resolve() : status === 'CHANNEL_ERROR' ? reject(err ?? new Error(status)) : undefined)),
    );
    const res = await fetch(`${standin.functionUrl('echo')}/background`, {
      method: 'POST',
      headers: { authorization: `Bearer ${aliceToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ topic: `private-chat-results-${aliceId}`, text: 'done later' }),
    });
    assert.equal(res.status, 202);
    assert.deepEqual(await answer, { type: 'broadcast', event: 'answer', payload: { text: 'done later' } });
  });

  test('WebSocket passthrough with verify_jwt off: token in the query, subprotocol echoed', async () => {
    const ws = new WebSocket(`${standin.functionUrl('echo-ws').replace('http', 'ws')}?access_token=${aliceToken}`, ['trace-chat.v1']);
    const messages: string[] = [];
    const firstTwo = new Promise<void>((resolve) =>
      ws.on('message', (data) => {
        messages.push(String(data));
        if (messages.length === 2) resolve();
      }),
    );
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    assert.equal(ws.protocol, 'trace-chat.v1');
    ws.send('flame graph');
    await firstTwo;
    assert.deepEqual(messages, [JSON.stringify({ user: aliceId }), 'FLAME GRAPH']);
    ws.close();
  });

  test('WebSocket with a bad token is refused by the function itself', async () => {
    const ws = new WebSocket(`${standin.functionUrl('echo-ws').replace('http', 'ws')}?access_token=forged`);
    const status = await new Promise<number>((resolve) => {
      ws.once('unexpected-response', (req, res) => {
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      ws.once('open', () => resolve(101));
    });
    assert.equal(status, 401);
  });
});
