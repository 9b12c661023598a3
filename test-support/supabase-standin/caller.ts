// Who is calling: the API gateway part of Supabase. The `apikey` must be one of the project's keys;
// the JWT in `Authorization: Bearer` (else the apikey itself) decides the Postgres role and claims.
import type { IncomingMessage } from 'node:http';
import { isApiRole, type JwtClaims } from './database.ts';
import { apiKeyOf } from '../http-util.ts';
import type { JwtKeys } from './jwt-keys.ts';

export class CallerError extends Error {
  constructor(
    readonly kind: 'no_api_key' | 'bad_api_key' | 'bad_jwt' | 'bad_role',
    message: string,
  ) {
    super(message);
  }
}

export async function resolveCaller(req: IncomingMessage, url: URL, keys: JwtKeys): Promise<JwtClaims> {
  const apiKey = apiKeyOf(req, url);
  if (!apiKey) throw new CallerError('no_api_key', 'No API key found in request');
  try {
    await keys.verify(apiKey);
  } catch {
    throw new CallerError('bad_api_key', 'Invalid API key');
  }
  const auth = req.headers.authorization;
  const token = auth && /^bearer /i.test(auth) ? auth.slice(7).trim() : apiKey;
  return claimsOfToken(token, keys);
}

export async function claimsOfToken(token: string, keys: JwtKeys): Promise<JwtClaims> {
  let claims: JwtClaims;
  try {
    claims = await keys.verify(token);
  } catch (error) {
    const reason = (error as { code?: string }).code === 'ERR_JWT_EXPIRED' ? 'JWT expired' : (error as Error).message;
    throw new CallerError('bad_jwt', reason);
  }
  if (!isApiRole(claims.role)) throw new CallerError('bad_role', `role "${String(claims.role)}" does not exist`);
  return claims;
}
