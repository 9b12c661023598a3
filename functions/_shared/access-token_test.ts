import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { assertEquals, assertRejects } from '../_test/assert.ts';
import { AccessTokenError, verifyAccessToken } from './access-token.ts';

const secret = 'test-secret-with-at-least-32-characters!!';
const userId = '5f0c2b1a-9d8e-4c7b-a6f5-e4d3c2b1a098';
const key = new TextEncoder().encode(secret);

function hs256(claims: Record<string, unknown>, signingKey = key, expiresIn: string | number = '1h') {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setIssuedAt().setExpirationTime(expiresIn).sign(signingKey);
}
const userClaims = { sub: userId, role: 'authenticated', aud: 'authenticated', email: 'a@example.com' };
const hsConfig = { supabaseUrl: 'http://127.0.0.1:9', anonKey: 'anon', jwtSecret: secret };

async function refusal(token: string | undefined, config: Parameters<typeof verifyAccessToken>[1] = hsConfig): Promise<string> {
  const error = await assertRejects(() => verifyAccessToken(token, config), (e) => e instanceof AccessTokenError);
  return (error as Error).message;
}

Deno.test('an HS256 user token signed with the project secret yields its sub', async () => {
  assertEquals(await verifyAccessToken(await hs256(userClaims), hsConfig), { userId, email: 'a@example.com' });
});

Deno.test('missing, malformed, forged, expired, anon and wrong-audience tokens are refused with a reason', async () => {
  assertEquals(await refusal(undefined), 'Missing access token: sign in first.');
  assertEquals(await refusal('not-a-jwt'), 'Malformed access token.');
  assertEquals(await refusal(await hs256(userClaims, new TextEncoder().encode('some-other-secret-of-32-characters!!'))), 'Access token signature is invalid.');
  assertEquals(await refusal(await hs256(userClaims, key, Math.floor(Date.now() / 1000) - 60)), 'Access token expired: sign in again.');
  assertEquals(await refusal(await hs256({ iss: 'supabase', role: 'anon', aud: 'authenticated' })), 'Access token is not a signed-in user session.');
  assertEquals(await refusal(await hs256({ iss: 'supabase', role: 'service_role', aud: 'authenticated' })), 'Access token is not a signed-in user session.');
  assertEquals(await refusal(await hs256({ ...userClaims, aud: 'somebody-else' })), 'Access token rejected (aud claim).');
  const unsigned = `${btoa(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${btoa(JSON.stringify(userClaims))}.`.replaceAll('=', '');
  assertEquals(await refusal(unsigned), 'Unsupported token algorithm none.');
  // Every close reason must fit a WebSocket close frame (123 bytes).
  for (const reason of ['Missing access token: sign in first.', 'Could not reach the sign-in service to check the token; try again.']) {
    if (new TextEncoder().encode(reason).length > 123) throw new Error(`reason too long: ${reason}`);
  }
});

Deno.test('ES256 tokens are checked against the project JWKS; an unknown key id is refused', async () => {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'key-1', alg: 'ES256', use: 'sig' };
  let jwksRequests = 0;
  const server = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen() {} }, (request) => {
    if (new URL(request.url).pathname !== '/auth/v1/.well-known/jwks.json') return new Response('no', { status: 404 });
    jwksRequests++;
    return Response.json({ keys: [jwk] });
  });
  try {
    const config = { supabaseUrl: `http://127.0.0.1:${server.addr.port}`, anonKey: 'anon' };
    const sign = (kid: string, claims = userClaims) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid }).setIssuedAt().setExpirationTime('1h').sign(privateKey);
    assertEquals((await verifyAccessToken(await sign('key-1'), config)).userId, userId);
    assertEquals((await verifyAccessToken(await sign('key-1'), config)).userId, userId);
    assertEquals(jwksRequests, 1); // cached
    assertEquals(await refusal(await sign('key-2'), config), 'Access token was signed by an unknown key.');
    const { privateKey: otherKey } = await generateKeyPair('ES256');
    const forged = await new SignJWT(userClaims).setProtectedHeader({ alg: 'ES256', kid: 'key-1' }).setExpirationTime('1h').sign(otherKey);
    assertEquals(await refusal(forged, config), 'Access token signature is invalid.');
  } finally {
    await server.shutdown();
  }
});

Deno.test('without the legacy secret, HS256 tokens are checked by Auth (GET /auth/v1/user)', async () => {
  const good = await hs256(userClaims);
  const server = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen() {} }, (request) => {
    const ok = request.headers.get('authorization') === `Bearer ${good}` && request.headers.get('apikey') === 'anon';
    return ok ? Response.json({ id: userId, email: 'a@example.com' }) : Response.json({ msg: 'invalid JWT' }, { status: 401 });
  });
  try {
    const config = { supabaseUrl: `http://127.0.0.1:${server.addr.port}`, anonKey: 'anon' };
    assertEquals(await verifyAccessToken(good, config), { userId, email: 'a@example.com' });
    assertEquals(await refusal(await hs256({ ...userClaims, sub: '00000000-0000-4000-8000-000000000000' }), config), 'Invalid access token.');
    assertEquals(await refusal(await hs256(userClaims, key, Math.floor(Date.now() / 1000) - 5), config), 'Access token expired: sign in again.');
  } finally {
    await server.shutdown();
  }
  assertEquals(
    await refusal(good, { supabaseUrl: `http://127.0.0.1:${server.addr.port}`, anonKey: 'anon' }),
    'Could not reach the sign-in service to check the token; try again.',
  );
});
