// startSupabaseStandin(): one loopback HTTP/WebSocket server speaking the Supabase APIs the project
// uses (auth, rest, storage, realtime, functions), backed by real Postgres (PGlite) with our
// migrations applied. See README.md in this folder.
import type { PGlite } from '@electric-sql/pglite';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { AuthService, makeApiKey, type SentEmail, type StandinSession, type StandinUser } from './auth.ts';
import { readFunctionConfigs } from './config-toml.ts';
import { openDatabase } from './database.ts';
import { FunctionsGateway } from './functions-gateway.ts';
import { JwtKeys, type UserTokenAlgorithm } from './jwt-keys.ts';
import { CORS_HEADERS, sendJson } from '../http-util.ts';
import { PostgrestService } from './postgrest.ts';
import { REALTIME_SOCKET_PATH, RealtimeService } from './realtime.ts';
import { StorageService } from './storage.ts';

const repoRoot = new URL('../../', import.meta.url).pathname;

export interface StandinOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Folder with one `<slug>/index.ts` per function (default `<repo>/functions`). */
  functionsDir?: string;
  /** supabase/config.toml to read `[functions.<slug>]` from (default `<repo>/supabase/config.toml`). */
  configToml?: string;
  /** deno.json for the functions (default `<repo>/functions/deno.json` when it exists). */
  denoConfig?: string;
  /** Extra environment for every function, e.g. OPENAI_BASE_URL of a scripted model server. */
  functionEnv?: Record<string, string>;
  migrationsDir?: string;
  /** Lifetime of user access tokens (default 3600 s, as a project's default). */
  jwtExpirySeconds?: number;
  /** Global object size limit in bytes (default 50 MB, the Free plan limit). */
  fileSizeLimit?: number;
  /** Forward function logs to stderr (default true). */
  logFunctionOutput?: boolean;
  /** HS256 secret for every token (default: random per start). Fix it to hand it to functions too. */
  jwtSecret?: string;
  /** Sign user access tokens with HS256 (default, the shared secret) or ES256 (key published via JWKS). */
  userTokenAlgorithm?: UserTokenAlgorithm;
  /** Called with every email Auth "sends": the CLI prints one-time codes, as `supabase start`'s mail catcher shows them. */
  onEmail?: (email: SentEmail) => void;
}

export interface SupabaseStandin {
  url: string;
  anonKey: string;
  serviceRoleKey: string;
  jwtSecret: string;
  db: PGlite;
  storageDir: string;
  createUser(email: string, password: string): Promise<{ user: StandinUser; session: StandinSession }>;
  signIn(email: string, password: string): Promise<{ user: StandinUser; session: StandinSession }>;
  /** Emails Auth has sent (one-time codes), oldest first. */
  mailbox: readonly SentEmail[];
  functionUrl(name: string): string;
  /** Process id of a function's running Deno process (undefined before its first request), for benchmarks. */
  functionProcessId(name: string): Promise<number | undefined>;
  /** Stops the functions' Deno processes; the next request starts each again, cold. */
  stopFunctions(): Promise<void>;
  stop(): Promise<void>;
}

export async function startSupabaseStandin(options: StandinOptions = {}): Promise<SupabaseStandin> {
  const jwtSecret = options.jwtSecret ?? randomBytes(32).toString('base64url');
  if (jwtSecret.length < 32) throw new Error('jwtSecret must be at least 32 characters, as Supabase requires');
  const db = await openDatabase(options.migrationsDir ?? join(repoRoot, 'supabase', 'migrations'));
  const storageDir = mkdtempSync(join(tmpdir(), 'supabase-standin-'));
  const keys = await JwtKeys.create(jwtSecret, options.userTokenAlgorithm ?? 'HS256');
  const anonKey = await makeApiKey('anon', keys);
  const serviceRoleKey = await makeApiKey('service_role', keys);

  const server = createServer();
  await new Promise<void>((listening) => server.listen(options.port ?? 0, '127.0.0.1', listening));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const auth = new AuthService(db, keys, `${url}/auth/v1`, options.jwtExpirySeconds ?? 3600, options.onEmail);
  const rest = new PostgrestService(db, keys);
  const storage = new StorageService(db, keys, storageDir, options.fileSizeLimit ?? 50 * 1000 * 1000);
  const realtime = new RealtimeService(db, keys);
  const defaultDenoConfig = join(repoRoot, 'functions', 'deno.json');
  const functions = new FunctionsGateway({
    functionsDir: options.functionsDir ?? join(repoRoot, 'functions'),
    configs: readFunctionConfigs(options.configToml ?? join(repoRoot, 'supabase', 'config.toml')),
    denoConfig: options.denoConfig ?? (existsSync(defaultDenoConfig) ? defaultDenoConfig : undefined),
    env: { SUPABASE_URL: url, SUPABASE_ANON_KEY: anonKey, SUPABASE_SERVICE_ROLE_KEY: serviceRoleKey, ...options.functionEnv },
    keys,
    logOutput: options.logFunctionOutput ?? true,
  });

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requestUrl = new URL(req.url ?? '/', url);
    const path = requestUrl.pathname;
    const under = (prefix: string) => (path === prefix || path.startsWith(prefix + '/') ? path.slice(prefix.length) : undefined);
    let rest_: string | undefined;
    // Functions answer their own CORS preflights; everything else is the gateway's.
    if ((rest_ = under('/functions/v1')) !== undefined) return functions.handle(req, res, requestUrl, rest_);
    if (req.method === 'OPTIONS') {
      res.writeHead(204, CORS_HEADERS);
      return void res.end();
    }
    for (const [header, value] of Object.entries(CORS_HEADERS)) res.setHeader(header, value);
    if ((rest_ = under('/auth/v1')) !== undefined) return auth.handle(req, res, requestUrl, rest_);
    if ((rest_ = under('/rest/v1')) !== undefined) return rest.handle(req, res, requestUrl, rest_);
    if ((rest_ = under('/storage/v1')) !== undefined) return storage.handle(req, res, requestUrl, rest_);
    if ((rest_ = under('/realtime/v1')) !== undefined) return realtime.handleRest(req, res, requestUrl, rest_);
    sendJson(res, 404, { message: 'no Route matched with those values' });
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    route(req, res).catch((error: unknown) => {
      console.error('[standin] request failed:', error);
      if (!res.headersSent) sendJson(res, 500, { message: (error as Error).message });
      else res.destroy();
    });
  });

  // Upgraded sockets are no longer the HTTP server's: track them so stop() can close them.
  const upgradedSockets = new Set<Duplex>();
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    upgradedSockets.add(socket);
    socket.once('close', () => upgradedSockets.delete(socket));
    const requestUrl = new URL(req.url ?? '/', url);
    const path = requestUrl.pathname;
    const upgrade =
      path === REALTIME_SOCKET_PATH
        ? realtime.upgrade(req, socket, head, requestUrl)
        : path.startsWith('/functions/v1/')
          ? functions.upgrade(req, socket, head, requestUrl, path.slice('/functions/v1'.length))
          : Promise.resolve(void socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\ncontent-length: 0\r\n\r\n'));
    upgrade.catch((error: unknown) => {
      console.error('[standin] upgrade failed:', error);
      socket.destroy();
    });
  });

  const session = async (getSession: () => Promise<StandinSession>) => {
    const s = await getSession();
    return { user: s.user, session: s };
  };

  return {
    url,
    anonKey,
    serviceRoleKey,
    jwtSecret,
    db,
    storageDir,
    createUser: async (email, password) => {
      await auth.createUser(email, password);
      return session(() => auth.signInWithPassword(email, password));
    },
    signIn: (email, password) => session(() => auth.signInWithPassword(email, password)),
    mailbox: auth.mailbox,
    functionUrl: (name) => `${url}/functions/v1/${name}`,
    functionProcessId: (name) => functions.processId(name),
    stopFunctions: () => functions.stop(),
    async stop() {
      realtime.close();
      for (const socket of upgradedSockets) socket.destroy();
      server.closeAllConnections();
      await new Promise<void>((closed) => server.close(() => closed()));
      await functions.stop();
      await db.close();
      await rm(storageDir, { recursive: true, force: true });
    },
  };
}
