// Verifies a Supabase user access token before the socket does anything else.
// Asymmetric tokens (ES256/RS256 with a kid, the current Supabase default) are
// checked against the project's JWKS without a round trip; HS256 tokens are
// checked locally when the legacy secret is configured, otherwise by asking
// Auth (GET /auth/v1/user), which also catches signed-out sessions.
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

export async function verifyAccessToken(
  token: string | undefined,
  config: Pick<SupabaseConfig, 'supabaseUrl' | 'anonKey' | 'jwtSecret'>,
): Promise<VerifiedUser> {
  if (!token) throw new AccessTokenError('Missing access token: sign in first.');
  let alg: string | undefined;
  try {
    alg = decodeProtectedHeader(token).alg;
    decodeJwt(token);
  } catch {
    throw new AccessTokenError('Malformed access token.');
  }

  let claims: JWTPayload;
  try {
    if (alg === 'HS256') {
      if (!config.jwtSecret) return await verifyWithAuthServer(token, config);
      ({ payload: claims } = await jwtVerify(token, new TextEncoder().encode(config.jwtSecret), {
        algorithms: ['HS256'],
        audience: AUDIENCE,
      }));
    } else if (alg === 'ES256' || alg === 'RS256') {
      ({ payload: claims } = await jwtVerify(token, jwksFor(config.supabaseUrl), { algorithms: [alg], audience: AUDIENCE }));
    } else {
      throw new AccessTokenError(`Unsupported token algorithm ${alg ?? '(none)'}.`);
    }
  } catch (error) {
    throw asAccessTokenError(error);
  }
  return userFromClaims(claims);
}

function userFromClaims(claims: JWTPayload): VerifiedUser {
  // Only user sessions may chat: the anon and service_role keys are valid JWTs too.
  if (claims.role !== 'authenticated') throw new AccessTokenError('Access token is not a signed-in user session.');
  if (typeof claims.sub !== 'string' || claims.sub === '') throw new AccessTokenError('Access token names no user.');
  return { userId: claims.sub, email: typeof claims.email === 'string' ? claims.email : undefined };
}

async function verifyWithAuthServer(token: string, config: Pick<SupabaseConfig, 'supabaseUrl' | 'anonKey'>): Promise<VerifiedUser> {
  const claims = decodeJwt(token);
  if (claims.role !== 'authenticated') throw new AccessTokenError('Access token is not a signed-in user session.');
  let response: Response;
  try {
    response = await fetch(`${config.supabaseUrl}/auth/v1/user`, {
      headers: { apikey: config.anonKey, authorization: `Bearer ${token}` },
    });
  } catch {
    throw new AccessTokenError('Could not reach the sign-in service to check the token; try again.');
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new AccessTokenError(claims.exp !== undefined && claims.exp * 1000 < Date.now() ? 'Access token expired: sign in again.' : 'Invalid access token.');
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
