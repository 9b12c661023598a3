// Auth (GoTrue subset): email/password sign-up and sign-in, email one-time codes (the "email"
// goes to an in-memory mailbox, as `supabase start` sends it to its local mail catcher),
// refresh tokens, /user. Issues HS256
// JWTs carrying the same claims as a hosted project, signed with the stand-in's secret; the anon
// and service_role API keys are HS256 JWTs too, like a project's legacy keys.
import type { PGlite } from '@electric-sql/pglite';
import { randomBytes, randomInt, randomUUID, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import type { JwtClaims } from './database.ts';
import type { JwtKeys } from './jwt-keys.ts';
import { readBody, sendEmpty, sendJson } from '../http-util.ts';

const scrypt = promisify(scryptCallback) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;

export interface StandinUser {
  id: string;
  aud: string;
  role: string;
  email: string;
  email_confirmed_at: string;
  confirmed_at: string;
  last_sign_in_at: string | null;
  phone: string;
  app_metadata: Record<string, unknown>;
  user_metadata: Record<string, unknown>;
  identities: unknown[];
  created_at: string;
  updated_at: string;
  is_anonymous: boolean;
}

export interface StandinSession {
  access_token: string;
  token_type: 'bearer';
  expires_in: number;
  expires_at: number;
  refresh_token: string;
  user: StandinUser;
}

/** An email the stand-in "sent" (GoTrue's mailer); tests read one-time codes from it. */
export interface SentEmail {
  to: string;
  subject: string;
  /** The one-time code the email carries. */
  code: string;
  sentAt: number;
}

/** One-time codes live as long as GoTrue's default (GOTRUE_MAILER_OTP_EXP, 1 hour). */
const OTP_LIFETIME_MS = 3600_000;
const OTP_DIGITS = 6;

/** API keys as a project's legacy keys: long-lived HS256 JWTs naming only a role. */
export async function makeApiKey(role: 'anon' | 'service_role', keys: JwtKeys): Promise<string> {
  const iat = Math.floor(Date.now() / 1000);
  return keys.signWithSecret({ iss: 'supabase', ref: 'standin', role, iat, exp: iat + 10 * 365 * 24 * 3600 });
}

const API_VERSION_HEADERS = { 'x-supabase-api-version': '2024-01-01' };

function authError(res: ServerResponse, status: number, code: string, message: string): void {
  sendJson(res, status, { code, message }, API_VERSION_HEADERS);
}

interface UserRow {
  id: string;
  email: string;
  encrypted_password: string;
  raw_app_meta_data: Record<string, unknown> | null;
  raw_user_meta_data: Record<string, unknown> | null;
  email_confirmed_at: Date | null;
  last_sign_in_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, 32);
  return `scrypt$${salt.toString('base64')}$${hash.toString('base64')}`;
}

async function passwordMatches(password: string, stored: string): Promise<boolean> {
  const [scheme, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await scrypt(password, Buffer.from(salt, 'base64'), expected.length);
  return timingSafeEqual(actual, expected);
}

function toUser(row: UserRow): StandinUser {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    id: row.id,
    aud: 'authenticated',
    role: 'authenticated',
    email: row.email,
    email_confirmed_at: iso(row.email_confirmed_at) ?? '',
    confirmed_at: iso(row.email_confirmed_at) ?? '',
    last_sign_in_at: iso(row.last_sign_in_at),
    phone: '',
    app_metadata: row.raw_app_meta_data ?? {},
    user_metadata: row.raw_user_meta_data ?? {},
    identities: [],
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    is_anonymous: false,
  };
}

export class AuthService {
  /** Every email sent, oldest first. */
  readonly mailbox: SentEmail[] = [];
  /** The pending one-time code per email address (a new request replaces it, as in GoTrue). */
  private readonly pendingCodes = new Map<string, { code: string; expiresAt: number }>();

  constructor(
    private readonly db: PGlite,
    private readonly keys: JwtKeys,
    private readonly issuer: string,
    private readonly expirySeconds: number,
    private readonly onEmail: (email: SentEmail) => void = () => {},
  ) {}

  async createUser(email: string, password: string, userMetadata: Record<string, unknown> = {}): Promise<StandinUser> {
    const normalised = email.trim().toLowerCase();
    if (!/^[^@\s]+@[^@\s]+$/.test(normalised)) throw new AuthFailure(400, 'validation_failed', 'Unable to validate email address: invalid format');
    if (password.length < 6) throw new AuthFailure(422, 'weak_password', 'Password should be at least 6 characters.');
    const existing = await this.db.query('select 1 from auth.users where email = $1', [normalised]);
    if (existing.rows.length > 0) throw new AuthFailure(422, 'user_already_exists', 'User already registered');
    const { rows } = await this.db.query<UserRow>(
      `insert into auth.users (id, aud, role, email, encrypted_password, email_confirmed_at, raw_app_meta_data, raw_user_meta_data)
       values ($1, 'authenticated', 'authenticated', $2, $3, now(), $4, $5) returning *`,
      [randomUUID(), normalised, await hashPassword(password), { provider: 'email', providers: ['email'] }, userMetadata],
    );
    return toUser(rows[0]);
  }

  async signInWithPassword(email: string, password: string): Promise<StandinSession> {
    const { rows } = await this.db.query<UserRow>('select * from auth.users where email = $1', [email.trim().toLowerCase()]);
    const row = rows[0];
    if (!row || !(await passwordMatches(password, row.encrypted_password))) {
      throw new AuthFailure(400, 'invalid_credentials', 'Invalid login credentials');
    }
    return this.startSession(row.id);
  }

  /** A new session (a row of auth.sessions, which sign-out ends) and its first tokens. */
  private async startSession(userId: string): Promise<StandinSession> {
    const sessionId = randomUUID();
    await this.db.query('insert into auth.sessions (id, user_id) values ($1, $2)', [sessionId, userId]);
    return this.issueSession(userId, sessionId);
  }

  /** POST /otp: emails a one-time code, creating a (passwordless) user when asked to and none exists. */
  async sendOtp(email: string, createUser: boolean): Promise<void> {
    const normalised = email.trim().toLowerCase();
    if (!/^[^@\s]+@[^@\s]+$/.test(normalised)) throw new AuthFailure(400, 'validation_failed', 'Unable to validate email address: invalid format');
    const existing = await this.db.query('select 1 from auth.users where email = $1', [normalised]);
    if (existing.rows.length === 0) {
      if (!createUser) throw new AuthFailure(422, 'otp_disabled', 'Signups not allowed for otp');
      await this.db.query(
        `insert into auth.users (id, aud, role, email, encrypted_password, email_confirmed_at, raw_app_meta_data, raw_user_meta_data)
         values ($1, 'authenticated', 'authenticated', $2, '', now(), $3, '{}')`,
        [randomUUID(), normalised, { provider: 'email', providers: ['email'] }],
      );
    }
    const code = String(randomInt(10 ** OTP_DIGITS)).padStart(OTP_DIGITS, '0');
    this.pendingCodes.set(normalised, { code, expiresAt: Date.now() + OTP_LIFETIME_MS });
    const sent: SentEmail = { to: normalised, subject: 'Your sign-in code', code, sentAt: Date.now() };
    this.mailbox.push(sent);
    this.onEmail(sent);
  }

  /** POST /verify with an email code: single use, then a session as a password sign-in gives. */
  async verifyOtp(email: string, token: string): Promise<StandinSession> {
    const normalised = email.trim().toLowerCase();
    const pending = this.pendingCodes.get(normalised);
    const matches = pending !== undefined && pending.code.length === token.length && timingSafeEqual(Buffer.from(pending.code), Buffer.from(token));
    if (!pending || !matches || pending.expiresAt < Date.now()) {
      throw new AuthFailure(403, 'otp_expired', 'Token has expired or is invalid');
    }
    this.pendingCodes.delete(normalised);
    const { rows } = await this.db.query<{ id: string }>('select id from auth.users where email = $1', [normalised]);
    if (!rows[0]) throw new AuthFailure(403, 'otp_expired', 'Token has expired or is invalid');
    return this.startSession(rows[0].id);
  }

  async refresh(refreshToken: string): Promise<StandinSession> {
    // Rotation as GoTrue does it: a refresh token is single-use.
    const { rows } = await this.db.query<{ user_id: string; session_id: string }>(
      'update auth.refresh_tokens set revoked = true where token = $1 and not revoked returning user_id, session_id',
      [refreshToken],
    );
    const row = rows[0];
    if (!row) throw new AuthFailure(400, 'refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found');
    return this.issueSession(row.user_id, row.session_id);
  }

  async userFromToken(token: string): Promise<StandinUser> {
    let claims: JwtClaims;
    try {
      claims = await this.keys.verify(token);
    } catch (error) {
      throw new AuthFailure(403, 'bad_jwt', `invalid JWT: unable to parse or verify signature, ${(error as Error).message}`);
    }
    if (typeof claims.sub !== 'string') throw new AuthFailure(403, 'bad_jwt', 'invalid claim: missing sub claim');
    const { rows } = await this.db.query<UserRow>('select * from auth.users where id = $1', [claims.sub]);
    if (!rows[0]) throw new AuthFailure(403, 'user_not_found', 'User from sub claim in JWT does not exist');
    // As GoTrue: a token outlives its session only until Auth is asked.
    if (typeof claims.session_id === 'string') {
      const session = await this.db.query('select 1 from auth.sessions where id = $1 and user_id = $2', [claims.session_id, claims.sub]);
      if (session.rows.length === 0) throw new AuthFailure(403, 'session_not_found', 'Session from session_id claim in JWT does not exist');
    }
    return toUser(rows[0]);
  }

  /** Ends sessions as GoTrue's `POST /logout?scope=`: global (default) all of the user's, local this one, others the rest. */
  async logout(token: string, scope: string): Promise<void> {
    const claims = await this.keys.verify(token).catch(() => undefined);
    if (typeof claims?.sub !== 'string' || typeof claims.session_id !== 'string') return;
    // Deleting a session deletes its refresh tokens (foreign key cascade).
    if (scope === 'local') {
      await this.db.query('delete from auth.sessions where id = $1', [claims.session_id]);
    } else if (scope === 'others') {
      await this.db.query('delete from auth.sessions where user_id = $1 and id <> $2', [claims.sub, claims.session_id]);
    } else {
      await this.db.query('delete from auth.sessions where user_id = $1', [claims.sub]);
    }
  }

  private async issueSession(userId: string, sessionId: string): Promise<StandinSession> {
    const { rows } = await this.db.query<UserRow>('update auth.users set last_sign_in_at = now() where id = $1 returning *', [userId]);
    const user = toUser(rows[0]);
    const iat = Math.floor(Date.now() / 1000);
    const exp = iat + this.expirySeconds;
    const accessToken = await this.keys.signUserToken({
      iss: this.issuer,
      sub: user.id,
      aud: 'authenticated',
      exp,
      iat,
      email: user.email,
      phone: '',
      app_metadata: user.app_metadata,
      user_metadata: user.user_metadata,
      role: 'authenticated',
      aal: 'aal1',
      amr: [{ method: 'password', timestamp: iat }],
      session_id: sessionId,
      is_anonymous: false,
    });
    const refreshToken = randomBytes(12).toString('base64url');
    await this.db.query('insert into auth.refresh_tokens (token, user_id, session_id) values ($1, $2, $3)', [refreshToken, user.id, sessionId]);
    return {
      access_token: accessToken,
      token_type: 'bearer',
      expires_in: this.expirySeconds,
      expires_at: exp,
      refresh_token: refreshToken,
      user,
    };
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: URL, subpath: string): Promise<void> {
    try {
      if (req.method === 'POST' && subpath === '/signup') {
        const body = JSON.parse((await readBody(req)).toString('utf8') || '{}');
        const user = await this.createUser(String(body.email ?? ''), String(body.password ?? ''), body.data ?? {});
        // Email confirmation is off (as `supabase start` defaults), so sign-up returns a session.
        sendJson(res, 200, await this.signInWithPassword(user.email, String(body.password)), API_VERSION_HEADERS);
      } else if (req.method === 'POST' && subpath === '/token') {
        const body = JSON.parse((await readBody(req)).toString('utf8') || '{}');
        const grant = url.searchParams.get('grant_type');
        if (grant === 'password') {
          sendJson(res, 200, await this.signInWithPassword(String(body.email ?? ''), String(body.password ?? '')), API_VERSION_HEADERS);
        } else if (grant === 'refresh_token') {
          sendJson(res, 200, await this.refresh(String(body.refresh_token ?? '')), API_VERSION_HEADERS);
        } else {
          authError(res, 400, 'validation_failed', 'unsupported_grant_type');
        }
      } else if (req.method === 'POST' && subpath === '/otp') {
        const body = JSON.parse((await readBody(req)).toString('utf8') || '{}');
        if (typeof body.email !== 'string') return authError(res, 400, 'validation_failed', 'Only email one-time codes are provided by the stand-in');
        await this.sendOtp(body.email, body.create_user !== false);
        sendJson(res, 200, {}, API_VERSION_HEADERS);
      } else if (req.method === 'POST' && subpath === '/verify') {
        const body = JSON.parse((await readBody(req)).toString('utf8') || '{}');
        if (!['email', 'magiclink', 'signup'].includes(body.type) || typeof body.email !== 'string' || typeof body.token !== 'string') {
          return authError(res, 400, 'validation_failed', 'Verify requires an email, a token and type email');
        }
        sendJson(res, 200, await this.verifyOtp(body.email, body.token), API_VERSION_HEADERS);
      } else if (req.method === 'GET' && subpath === '/user') {
        const token = bearerOf(req);
        if (!token) return authError(res, 401, 'no_authorization', 'This endpoint requires a Bearer token');
        sendJson(res, 200, await this.userFromToken(token), API_VERSION_HEADERS);
      } else if (req.method === 'POST' && subpath === '/logout') {
        const token = bearerOf(req);
        if (!token) return authError(res, 401, 'no_authorization', 'This endpoint requires a Bearer token');
        const scope = url.searchParams.get('scope') ?? 'global';
        if (!['global', 'local', 'others'].includes(scope)) return authError(res, 400, 'validation_failed', 'Unsupported logout scope');
        await this.logout(token, scope);
        sendEmpty(res, 204);
      } else if (req.method === 'GET' && subpath === '/.well-known/jwks.json') {
        // With HS256 user tokens this is empty and clients fall back to GET /user, as on a legacy project.
        sendJson(res, 200, this.keys.jwks());
      } else if (req.method === 'GET' && subpath === '/health') {
        sendJson(res, 200, { version: 'standin', name: 'GoTrue', description: 'Supabase stand-in auth' });
      } else {
        authError(res, 404, 'not_found', `${req.method} /auth/v1${subpath} is not provided by the stand-in`);
      }
    } catch (error) {
      if (error instanceof AuthFailure) return authError(res, error.status, error.code, error.message);
      if (error instanceof SyntaxError) return authError(res, 400, 'bad_json', 'Could not parse request body as JSON');
      throw error;
    }
  }
}

function bearerOf(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  return auth && /^bearer /i.test(auth) ? auth.slice(7).trim() : undefined;
}

export class AuthFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
