// The stand-in in ES256 mode, as a project on asymmetric signing keys: user tokens carry a kid,
// the public key is at /auth/v1/.well-known/jwks.json, and every service accepts them.
import { createClient } from '@supabase/supabase-js';
import { createLocalJWKSet, decodeProtectedHeader, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import assert from 'node:assert/strict';
import { afterAll, beforeAll, test } from 'vitest';
import WebSocket from 'ws';
import { startSupabaseStandin, type SupabaseStandin } from './index.ts';

let standin: SupabaseStandin;
beforeAll(async () => {
  standin = await startSupabaseStandin({ userTokenAlgorithm: 'ES256', logFunctionOutput: false });
});
afterAll(() => standin.stop());

test('ES256 user tokens verify against the published JWKS and work across services', async () => {
  const { user, session } = await standin.createUser('carol@example.com', 'carol-password');
  const header = decodeProtectedHeader(session.access_token);
  assert.equal(header.alg, 'ES256');
  assert.equal(typeof header.kid, 'string');

  const jwks = await (await fetch(`${standin.url}/auth/v1/.well-known/jwks.json`)).json();
  assert.deepEqual(
    jwks.keys.map((k: { kid: string }) => k.kid),
    [header.kid],
  );
  assert.equal(jwks.keys[0].d, undefined, 'no private part is published');
  const { payload } = await jwtVerify(session.access_token, createLocalJWKSet(jwks), { audience: 'authenticated' });
  assert.equal(payload.sub, user.id);

  const client = createClient(standin.url, standin.anonKey, {
    realtime: { transport: WebSocket as unknown as typeof globalThis.WebSocket },
    auth: { persistSession: false, autoRefreshToken: false },
  });
  await client.auth.signInWithPassword({ email: 'carol@example.com', password: 'carol-password' });
  const claims = await client.auth.getClaims();
  assert.equal(claims.error, null);
  assert.equal(claims.data?.claims.sub, user.id);

  const inserted = await client.from('traces').insert({ file_name: 'es256.json' }).select('user_id').single();
  assert.deepEqual(inserted.data, { user_id: user.id });

  await client.realtime.setAuth();
  const channel = client.channel(`private-chat-results-${user.id}`, { config: { private: true } });
  const status = await new Promise<string>((resolve) => channel.subscribe((s) => (s === 'SUBSCRIBED' || s === 'CHANNEL_ERROR' ? resolve(s) : undefined)));
  assert.equal(status, 'SUBSCRIBED');
  await client.removeAllChannels();
});

test('a token signed by another key under the same kid is refused', async () => {
  const { session } = await standin.createUser('mallory@example.com', 'mallory-password');
  const { kid } = decodeProtectedHeader(session.access_token);
  const { privateKey } = await generateKeyPair('ES256');
  const claims = JSON.parse(Buffer.from(session.access_token.split('.')[1], 'base64url').toString('utf8'));
  const forged = await new SignJWT(claims).setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid }).sign(privateKey);
  const res = await fetch(`${standin.url}/rest/v1/traces?select=id`, { headers: { apikey: standin.anonKey, authorization: `Bearer ${forged}` } });
  assert.equal(res.status, 401);
  assert.equal((await res.json()).code, 'PGRST301');
});
