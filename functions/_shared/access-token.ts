// Verifies a Supabase user access token before the socket does anything else.
// Two steps:
//   1. The signature and expiry, locally where we hold the key: asymmetric
//      tokens (ES256/RS256 with a kid, the current Supabase default) against
//      the project's JWKS, HS256 tokens with the legacy secret when it is
//      configured. Forged and expired tokens are refused without a round trip.
//   2. The session, by asking Auth (GET /auth/v1/user), always: a token stays
//      validly signed until it expires, even after its user signed out, and
//      only Auth knows the session ended (it answers 403 session_not_found).
// Step 2 alone also verifies the token, so legacy HS256 tokens without the
// secret rely on it.
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import type { SupabaseConfig } from './config.ts';

export interface VerifiedUser {
  userId: string;
  email?: string;
}

/** Why a token was refused; `message` fits a WebSocket close reason (<= 123 bytes). */
export class AccessTokenError extends Error {
  override readonly name = 'AccessTokenError';
}

type TokenConfig = Pick<SupabaseConfig, 'supabaseUrl' | 'anonKey' | 'jwtSecret'>;

const AUDIENCE = 'authenticated';
const jwksByUrl = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

function jwksFor(supabaseUrl: string) {
  const url = `${supabaseUrl}/auth/v1/.well-known/jwks.json`;
  let jwks = jwksByUrl.get(url);
  if (!jwks) {
    jwks = createRemoteJWKSet(new URL(url), { cooldownDuration: 30_000, timeoutDuration: 5_000 });
    jwksByUrl.set(url, jwks);
  }
  return jwks;
}

export async function verifyAccessToken(token: string | undefined, config: TokenConfig): Promise<VerifiedUser> {
  if (!token) throw new AccessTokenError('Missing access token: sign in first.');
  const claims = await checkedClaims(token, config);
  // Only user sessions may chat: the anon and service_role keys are valid JWTs too.
  if (claims.role !== 'authenticated') throw new AccessTokenError('Access token is not a signed-in user session.');
  if (typeof claims.sub !== 'string' || claims.sub === '') throw new AccessTokenError('Access token names no user.');
  return await userWithLiveSession(token, claims, config);
}

/** The token's claims, with signature and expiry verified where a key is at hand. */
async function checkedClaims(token: string, config: TokenConfig): Promise<JWTPayload> {
  let alg: string | undefined;
  let claims: JWTPayload;
  try {
    alg = decodeProtectedHeader(token).alg;
    claims = decodeJwt(token);
  } catch {
    throw new AccessTokenError('Malformed access token.');
  }
  try {
    if (alg === 'HS256') {
      if (!config.jwtSecret) return claims; // Auth verifies it in the next step
      return (await jwtVerify(token, new TextEncoder().encode(config.jwtSecret), { algorithms: ['HS256'], audience: AUDIENCE })).payload;
    }
    if (alg === 'ES256' || alg === 'RS256') {
      return (await jwtVerify(token, jwksFor(config.supabaseUrl), { algorithms: [alg], audience: AUDIENCE })).payload;
    }
  } catch (error) {
    throw asAccessTokenError(error);
  }
  throw new AccessTokenError(`Unsupported token algorithm ${alg ?? '(none)'}.`);
}

async function userWithLiveSession(token: string, claims: JWTPayload, config: TokenConfig): Promise<VerifiedUser> {
  let response: Response;
  try {
    response = await fetch(`${config.supabaseUrl}/auth/v1/user`, {
      headers: { apikey: config.anonKey, authorization: `Bearer ${token}` },
    });
  } catch {
    throw new AccessTokenError('Could not reach the sign-in service to check the token; try again.');
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { code?: unknown; error_code?: unknown };
    if (body.code === 'session_not_found' || body.error_code === 'session_not_found') {
      throw new AccessTokenError('Session ended (signed out): sign in again.');
    }
    const expired = claims.exp !== undefined && claims.exp * 1000 < Date.now();
    throw new AccessTokenError(expired ? 'Access token expired: sign in again.' : 'Invalid access token.');
  }
  const user = (await response.json()) as { id?: unknown; email?: unknown };
  if (typeof user.id !== 'string' || user.id !== claims.sub) throw new AccessTokenError('Invalid access token.');
  return { userId: user.id, email: typeof user.email === 'string' ? user.email : undefined };
}

function asAccessTokenError(error: unknown): AccessTokenError {
  if (error instanceof AccessTokenError) return error;
  if (error instanceof errors.JWTExpired) return new AccessTokenError('Access token expired: sign in again.');
  if (error instanceof errors.JWTClaimValidationFailed) return new AccessTokenError(`Access token rejected (${error.claim} claim).`);
  if (error instanceof errors.JWSSignatureVerificationFailed) return new AccessTokenError('Access token signature is invalid.');
  if (error instanceof errors.JWKSNoMatchingKey) return new AccessTokenError('Access token was signed by an unknown key.');
  if (error instanceof errors.JOSEError) return new AccessTokenError('Invalid access token.');
  return new AccessTokenError('Could not verify the access token; try again.');
}
