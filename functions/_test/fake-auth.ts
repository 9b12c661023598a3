// A local HTTP endpoint shaped like Supabase Auth for the Deno tests: the JWKS
// document and GET /auth/v1/user, which verifies the bearer token and answers
// 403 session_not_found for a session that was signed out, as GoTrue does.
// (The cloud tests run against the stand-in's full Auth instead.)
import { createLocalJWKSet, jwtVerify, type JWK } from 'jose';

export interface FakeAuth {
  /** Use as SUPABASE_URL. */
  url: string;
  /** Session ids (the token's session_id claim) that were signed out. */
  endedSessions: Set<string>;
  /** GET /auth/v1/user requests answered so far. */
  userRequests: number;
  close(): Promise<void>;
}

export function startFakeAuth(keys: { secret?: string; jwks?: JWK[] }): FakeAuth {
  const jwks = createLocalJWKSet({ keys: keys.jwks ?? [] });
  const verify = (token: string) => (keys.secret ? jwtVerify(token, new TextEncoder().encode(keys.secret), { algorithms: ['HS256'] }) : jwtVerify(token, jwks));
  const server = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen() {} }, async (request) => {
    const path = new URL(request.url).pathname;
    if (path === '/auth/v1/.well-known/jwks.json') return Response.json({ keys: keys.jwks ?? [] });
    if (path !== '/auth/v1/user') return Response.json({ code: 'not_found' }, { status: 404 });
    fake.userRequests++;
    const token = (request.headers.get('authorization') ?? '').replace(/^Bearer /i, '');
    let claims;
    try {
      ({ payload: claims } = await verify(token));
    } catch {
      return Response.json({ code: 'bad_jwt', message: 'invalid JWT' }, { status: 403 });
    }
    if (typeof claims.session_id === 'string' && fake.endedSessions.has(claims.session_id)) {
      return Response.json({ code: 'session_not_found', message: 'Session from session_id claim in JWT does not exist' }, { status: 403 });
    }
    return Response.json({ id: claims.sub, email: claims.email });
  });
  const fake: FakeAuth = {
    url: `http://127.0.0.1:${server.addr.port}`,
    endedSessions: new Set(),
    userRequests: 0,
    close: () => server.shutdown(),
  };
  return fake;
}
