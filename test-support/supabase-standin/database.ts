// Real Postgres (PGlite) holding what a Supabase project holds: bootstrap.sql (roles, auth/storage/
// realtime schemas) and then supabase/migrations/*.sql in name order. Every API request runs through
// `asCaller`, which switches to the caller's role and JWT claims inside a transaction, exactly as
// PostgREST, Storage and Realtime do, so the RLS policies decide.
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type JwtClaims = Record<string, unknown> & { role?: string; sub?: string };

/** Roles a request may run as. Anything else in a token's `role` claim is refused. */
export const API_ROLES = ['anon', 'authenticated', 'service_role'] as const;
export type ApiRole = (typeof API_ROLES)[number];

export function isApiRole(role: unknown): role is ApiRole {
  return typeof role === 'string' && (API_ROLES as readonly string[]).includes(role);
}

const bootstrapSqlPath = new URL('./bootstrap.sql', import.meta.url).pathname;

/**
 * Creating a PGlite cluster (initdb in WASM) costs seconds; loading a dump of one costs a fraction.
 * So the first start with a given PGlite version, bootstrap and migrations saves a dump under the
 * OS temp dir, and later starts load it. Any change to those inputs changes the cache key.
 */
export async function openDatabase(migrationsDir: string): Promise<PGlite> {
  const bootstrap = readFileSync(bootstrapSqlPath, 'utf8');
  const migrations = readdirSync(migrationsDir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((file) => ({ file, sql: readFileSync(join(migrationsDir, file), 'utf8') }));
  const key = createHash('sha256');
  key.update(pgliteVersion()).update(bootstrap);
  for (const m of migrations) key.update(m.file).update(m.sql);
  const cachePath = join(tmpdir(), `supabase-standin-db-${key.digest('hex').slice(0, 16)}.tar`);

  const cached = await readFile(cachePath).catch(() => undefined);
  if (cached) {
    try {
      const db = new PGlite({ loadDataDir: new Blob([new Uint8Array(cached)]) });
      await db.waitReady;
      return db;
    } catch {
      // A truncated or foreign file: rebuild below and overwrite it.
    }
  }
  const db = new PGlite();
  await db.exec(bootstrap);
  for (const { file, sql } of migrations) {
    try {
      await db.exec(sql);
    } catch (error) {
      throw new Error(`migration ${file} failed: ${(error as Error).message}`, { cause: error });
    }
  }
  const dump = Buffer.from(await (await db.dumpDataDir('none')).arrayBuffer());
  const partial = `${cachePath}.${process.pid}.partial`;
  await writeFile(partial, dump);
  await rename(partial, cachePath);
  return db;
}

function pgliteVersion(): string {
  const pkg = new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url);
  try {
    return String(JSON.parse(readFileSync(pkg, 'utf8')).version);
  } catch {
    return 'unknown';
  }
}

export interface CallerSettings {
  claims: JwtClaims;
  /** Extra transaction-local settings, e.g. `realtime.topic`. */
  settings?: Record<string, string>;
}

/**
 * Runs `work` in one transaction as the role named in the claims, with `request.jwt.claims` (and
 * the per-claim settings older policies read) set transaction-locally. Rolled back if `work` throws.
 */
export async function asCaller<T>(db: PGlite, caller: CallerSettings, work: (tx: Transaction) => Promise<T>): Promise<T> {
  const role = caller.claims.role;
  if (!isApiRole(role)) throw new Error(`refusing to run as role ${String(role)}`);
  return db.transaction(async (tx) => {
    await setCallerSettings(tx, caller);
    // Role names come from the fixed API_ROLES list, so interpolating them is safe.
    await tx.exec(`set local role ${role}`);
    return work(tx);
  });
}

export async function setCallerSettings(tx: Transaction, caller: CallerSettings): Promise<void> {
  const settings: Record<string, string> = {
    'request.jwt.claims': JSON.stringify(caller.claims),
    'request.jwt.claim.sub': typeof caller.claims.sub === 'string' ? caller.claims.sub : '',
    'request.jwt.claim.role': String(caller.claims.role ?? ''),
    ...caller.settings,
  };
  // One round trip for all settings: each request pays this, so keep it to a single statement.
  const entries = Object.entries(settings);
  const calls = entries.map((_, i) => `set_config($${2 * i + 1}, $${2 * i + 2}, true)`).join(', ');
  await tx.query(`select ${calls}`, entries.flat());
}

/** Postgres error fields PGlite exposes on its DatabaseError. */
export interface PgError {
  code?: string;
  message: string;
  detail?: string;
  hint?: string;
}

export function asPgError(error: unknown): PgError | undefined {
  if (error && typeof error === 'object' && 'code' in error && typeof (error as PgError).code === 'string') {
    return error as PgError;
  }
  return undefined;
}
