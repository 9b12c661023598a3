import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { assertEquals, assertRejects } from '../_test/assert.ts';
import { startFakeAuth, type FakeAuth } from '../_test/fake-auth.ts';
import { AccessTokenError, verifyAccessToken } from './access-token.ts';

const secret = 'test-secret-with-at-least-32-characters!!';
const userId = '5f0c2b1a-9d8e-4c7b-a6f5-e4d3c2b1a098';
const key = new TextEncoder().encode(secret);

function hs256(claims: Record<string, unknown>, signingKey = key, expiresIn: string | number = '1h') {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setIssuedAt().setExpirationTime(expiresIn).sign(signingKey);
}
const userClaims = { sub: userId, role: 'authenticated', aud: 'authenticated', email: 'a@example.com', session_id: 'session-1' };

async function withAuth(keys: Parameters<typeof startFakeAuth>[0], run: (auth: FakeAuth) => Promise<void>) {
  const auth = startFakeAuth(keys);
  try {
    await run(auth);
  } finally {
    await auth.close();
  }
}

async function refusal(token: string | undefined, config: Parameters<typeof verifyAccessToken>[1]): Promise<string> {
  const error = await assertRejects(
    () => verifyAccessToken(token, config),
    (e) => e instanceof AccessTokenError,
  );
  return (error as Error).message;
}

Deno.test('an HS256 user token signed with the project secret yields its sub, once Auth confirms the session', async () => {
  await withAuth({ secret }, async (auth) => {
    const config = { supabaseUrl: auth.url, anonKey: 'anon', jwtSecret: secret };
    assertEquals(await verifyAccessToken(await hs256(userClaims), config), { userId, email: 'a@example.com' });
    assertEquals(auth.userRequests, 1);
  });
});

Deno.test('missing, malformed, forged, expired, anon and wrong-audience tokens are refused with a reason, without asking Auth', async () => {
  await withAuth({ secret }, async (auth) => {
    const config = { supabaseUrl: auth.url, anonKey: 'anon', jwtSecret: secret };
    assertEquals(await refusal(undefined, config), 'Missing access token: sign in first.');
    assertEquals(await refusal('not-a-jwt', config), 'Malformed access token.');
    assertEquals(
      await refusal(await hs256(userClaims, new TextEncoder().encode('some-other-secret-of-32-characters!!')), config),
      'Access token signature is invalid.',
    );
    assertEquals(await refusal(await hs256(userClaims, key, Math.floor(Date.now() / 1000) - 60), config), 'Access token expired: sign in again.');
    assertEquals(await refusal(await hs256({ iss: 'supabase', role: 'anon', aud: 'authenticated' }), config), 'Access token is not a signed-in user session.');
    assertEquals(
      await refusal(await hs256({ iss: 'supabase', role: 'service_role', aud: 'authenticated' }), config),
      'Access token is not a signed-in user session.',
    );
    assertEquals(await refusal(await hs256({ ...userClaims, aud: 'somebody-else' }), config), 'Access token rejected (aud claim).');
    const unsigned = `${btoa(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${btoa(JSON.stringify(userClaims))}.`.replaceAll('=', '');
    assertEquals(await refusal(unsigned, config), 'Unsupported token algorithm none.');
    assertEquals(auth.userRequests, 0);
  });
  // Every close reason must fit a WebSocket close frame (123 bytes).
  for (const reason of [
    'Missing access token: sign in first.',
    'Could not reach the sign-in service to check the token; try again.',
    'Session ended (signed out): sign in again.',
  ]) {
    if (new TextEncoder().encode(reason).length > 123) throw new Error(`reason too long: ${reason}`);
  }
});

Deno.test('ES256 tokens are checked against the project JWKS; an unknown key id is refused', async () => {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'key-1', alg: 'ES256', use: 'sig' };
  await withAuth({ jwks: [jwk] }, async (auth) => {
    const config = { supabaseUrl: auth.url, anonKey: 'anon' };
    const sign = (kid: string, claims = userClaims) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid }).setIssuedAt().setExpirationTime('1h').sign(privateKey);
    assertEquals((await verifyAccessToken(await sign('key-1'), config)).userId, userId);
    assertEquals(await refusal(await sign('key-2'), config), 'Access token was signed by an unknown key.');
    const { privateKey: otherKey } = await generateKeyPair('ES256');
    const forged = await new SignJWT(userClaims).setProtectedHeader({ alg: 'ES256', kid: 'key-1' }).setExpirationTime('1h').sign(otherKey);
    assertEquals(await refusal(forged, config), 'Access token signature is invalid.');
    assertEquals(auth.userRequests, 1, 'only the valid token reached Auth');
  });
});

Deno.test('a token whose session was signed out is refused, however it is signed', async () => {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'key-1', alg: 'ES256', use: 'sig' };
  const es256 = new SignJWT(userClaims).setProtectedHeader({ alg: 'ES256', kid: 'key-1' }).setIssuedAt().setExpirationTime('1h').sign(privateKey);
  await withAuth({ jwks: [jwk] }, async (auth) => {
    const config = { supabaseUrl: auth.url, anonKey: 'anon' };
    const token = await es256;
    assertEquals((await verifyAccessToken(token, config)).userId, userId);
    auth.endedSessions.add('session-1');
    assertEquals(await refusal(token, config), 'Session ended (signed out): sign in again.');
  });
  await withAuth({ secret }, async (auth) => {
    const token = await hs256(userClaims);
    auth.endedSessions.add('session-1');
    for (const config of [
      { supabaseUrl: auth.url, anonKey: 'anon', jwtSecret: secret },
      { supabaseUrl: auth.url, anonKey: 'anon' },
    ]) {
      assertEquals(await refusal(token, config), 'Session ended (signed out): sign in again.');
    }
  });
});

Deno.test('without the legacy secret, HS256 tokens are checked by Auth (GET /auth/v1/user)', async () => {
  let url = '';
  await withAuth({ secret }, async (auth) => {
    url = auth.url;
    const config = { supabaseUrl: auth.url, anonKey: 'anon' };
    assertEquals(await verifyAccessToken(await hs256(userClaims), config), { userId, email: 'a@example.com' });
    assertEquals(await refusal(await hs256(userClaims, new TextEncoder().encode('some-other-secret-of-32-characters!!')), config), 'Invalid access token.');
    assertEquals(await refusal(await hs256(userClaims, key, Math.floor(Date.now() / 1000) - 5), config), 'Access token expired: sign in again.');
  });
  assertEquals(
    await refusal(await hs256(userClaims), { supabaseUrl: url, anonKey: 'anon' }),
    'Could not reach the sign-in service to check the token; try again.',
  );
});
