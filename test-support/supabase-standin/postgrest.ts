// PostgREST subset that @supabase/postgrest-js sends: read (select/filters/order/limit/single),
// insert and upsert, update, delete, and rpc. SQL is built with quoted identifiers checked against
// the catalog and every value passed as a parameter. Each request runs as the caller's role with
// its JWT claims in one transaction, so Postgres enforces the RLS policies.
import type { PGlite } from '@electric-sql/pglite';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CallerError, resolveCaller } from './caller.ts';
import { asCaller, asPgError, type JwtClaims } from './database.ts';
import { readBody, sendJson } from '../http-util.ts';
import type { JwtKeys } from './jwt-keys.ts';

const EXPOSED_SCHEMAS = ['public'];
const RESERVED_PARAMS = new Set(['select', 'order', 'limit', 'offset', 'columns', 'on_conflict', 'apikey']);

interface PostgrestErrorBody {
  code: string;
  message: string;
  details: string | null;
  hint: string | null;
}

class PostgrestError extends Error {
  constructor(
    readonly status: number,
    readonly body: PostgrestErrorBody,
  ) {
    super(body.message);
  }
}

function fail(status: number, code: string, message: string, details: string | null = null, hint: string | null = null): never {
  throw new PostgrestError(status, { code, message, details, hint });
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

interface Relation {
  schema: string;
  name: string;
  columns: Set<string>;
  primaryKey: string[];
}

async function findRelation(db: PGlite, schema: string, name: string): Promise<Relation> {
  const { rows } = await db.query<{ attname: string; is_pk: boolean }>(
    `select a.attname,
            exists (select 1 from pg_index i where i.indrelid = c.oid and i.indisprimary and a.attnum = any(i.indkey)) as is_pk
       from pg_class c
       join pg_namespace n on n.oid = c.relnamespace
       join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
      where n.nspname = $1 and c.relname = $2 and c.relkind in ('r', 'v', 'm', 'p', 'f')
      order by a.attnum`,
    [schema, name],
  );
  if (rows.length === 0) {
    fail(404, 'PGRST205', `Could not find the table '${schema}.${name}' in the schema cache`);
  }
  return {
    schema,
    name,
    columns: new Set(rows.map((r) => r.attname)),
    primaryKey: rows.filter((r) => r.is_pk).map((r) => r.attname),
  };
}

function checkColumn(relation: Relation, column: string): string {
  if (!relation.columns.has(column)) {
    fail(400, '42703', `column ${relation.name}.${column} does not exist`);
  }
  return quoteIdent(column);
}

/** `select=` list: `*`, `col`, `alias:col`, `col::type`; no embedding (the project never uses it). */
function selectList(relation: Relation, select: string | null): string {
  if (!select || select.trim() === '*') return '*';
  const parts = splitTopLevel(select);
  return parts
    .map((raw) => {
      const item = raw.trim();
      if (item === '*') return '*';
      if (item.includes('('))
        fail(400, 'PGRST200', `Could not find a relationship for '${item}' in the schema cache (embedding is not supported by the stand-in)`);
      const match = /^(?:([^:]+):(?!:))?([^:]+)(?:::([a-z0-9_ ]+))?$/i.exec(item);
      if (!match) fail(400, 'PGRST100', `failed to parse select parameter (${select})`);
      const [, alias, column, cast] = match;
      let sql = checkColumn(relation, column);
      if (cast) {
        if (!/^[a-z_][a-z0-9_ ]*$/i.test(cast)) fail(400, 'PGRST100', `invalid cast ${cast}`);
        sql += `::${cast}`;
      }
      return alias || cast ? `${sql} as ${quoteIdent(alias ?? column)}` : sql;
    })
    .join(', ');
}

/** `columns` / `on_conflict` lists; postgrest-js double-quotes each name. */
function columnNames(list: string): string[] {
  return splitTopLevel(list).map((c) => c.trim().replace(/^"(.*)"$/, (_, inner: string) => inner.replaceAll('""', '"')));
}

function splitTopLevel(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let current = '';
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    if (!quoted && ch === '(') depth++;
    if (!quoted && ch === ')') depth--;
    if (!quoted && depth === 0 && ch === ',') {
      out.push(current);
      current = '';
    } else current += ch;
  }
  if (current) out.push(current);
  return out;
}

const COMPARISONS: Record<string, string> = { eq: '=', neq: '<>', gt: '>', gte: '>=', lt: '<', lte: '<=', like: 'like', ilike: 'ilike' };

class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** Horizontal filters from the query string, e.g. `id=eq.42`, `name=not.is.null`, `id=in.(1,2)`. */
function whereClause(relation: Relation, search: URLSearchParams, params: Params): string {
  const conditions: string[] = [];
  for (const [key, raw] of search) {
    if (RESERVED_PARAMS.has(key)) continue;
    if (key === 'or' || key === 'and') fail(400, 'PGRST100', `"${key}" filters are not supported by the stand-in`);
    const column = checkColumn(relation, key);
    let expression = raw;
    let negate = false;
    if (expression.startsWith('not.')) {
      negate = true;
      expression = expression.slice(4);
    }
    const dot = expression.indexOf('.');
    if (dot < 0) fail(400, 'PGRST100', `"failed to parse filter (${raw})" (line 1, column 1)`);
    const op = expression.slice(0, dot);
    const value = expression.slice(dot + 1);
    let condition: string;
    if (op in COMPARISONS) {
      const operand = op === 'like' || op === 'ilike' ? value.replaceAll('*', '%') : value;
      condition = `${column} ${COMPARISONS[op]} ${params.add(operand)}`;
    } else if (op === 'is') {
      const literal = { null: 'null', true: 'true', false: 'false', unknown: 'unknown' }[value.toLowerCase()];
      if (!literal) fail(400, 'PGRST100', `"failed to parse filter (${raw})" (line 1, column 4)`);
      condition = `${column} is ${literal}`;
    } else if (op === 'in') {
      const list = /^\((.*)\)$/.exec(value);
      if (!list) fail(400, 'PGRST100', `"failed to parse filter (${raw})" (line 1, column 4)`);
      const items = list[1] === '' ? [] : splitTopLevel(list[1]).map((v) => v.trim().replace(/^"(.*)"$/, '$1'));
      condition = items.length === 0 ? 'false' : `${column} in (${items.map((v) => params.add(v)).join(', ')})`;
    } else {
      fail(400, 'PGRST100', `"failed to parse filter (${raw})" (unknown operator ${op})`);
    }
    conditions.push(negate ? `not (${condition})` : condition);
  }
  return conditions.length ? ` where ${conditions.join(' and ')}` : '';
}

function orderClause(relation: Relation, order: string | null): string {
  if (!order) return '';
  const terms = order.split(',').map((term) => {
    const [column, ...modifiers] = term.split('.');
    let sql = checkColumn(relation, column);
    for (const m of modifiers) {
      if (m === 'asc' || m === 'desc') sql += ` ${m}`;
      else if (m === 'nullsfirst') sql += ' nulls first';
      else if (m === 'nullslast') sql += ' nulls last';
      else fail(400, 'PGRST100', `"failed to parse order (${order})"`);
    }
    return sql;
  });
  return ` order by ${terms.join(', ')}`;
}

function nonNegativeInt(value: string | null, name: string): number | undefined {
  if (value === null) return undefined;
  if (!/^\d+$/.test(value)) fail(400, 'PGRST100', `"failed to parse ${name} (${value})"`);
  return Number(value);
}

function preferences(req: IncomingMessage): Map<string, string> {
  const prefs = new Map<string, string>();
  for (const part of String(req.headers.prefer ?? '').split(',')) {
    const [key, value] = part.trim().split('=');
    if (key) prefs.set(key, value ?? '');
  }
  return prefs;
}

function wantsObject(req: IncomingMessage): boolean {
  return String(req.headers.accept ?? '').includes('application/vnd.pgrst.object+json');
}

/** HTTP status PostgREST gives a Postgres error (its Error.hs table, reduced). */
function statusForPgError(code: string | undefined, role: string): number {
  if (!code) return 500;
  if (code === '42501') return role === 'anon' ? 401 : 403;
  if (code === '23505' || code === '23503') return 409;
  if (code === '42883' || code === '42P01') return 404;
  if (code === '21000') return 400;
  if (code.startsWith('23') || code.startsWith('22') || code.startsWith('42') || code === 'P0001') return 400;
  if (code === '28000' || code === '28P01') return 403;
  if (code === '25006') return 405;
  return 500;
}

interface Outcome {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

/** Wraps a data-modifying or reading statement so Postgres returns the JSON body and row count. */
function jsonAggregate(source: string, columns: string): string {
  return `select coalesce(json_agg(_pgrst_t), '[]'::json)::text as body, count(*)::int as n from (select ${columns} from ${source}) _pgrst_t`;
}

export class PostgrestService {
  constructor(
    private readonly db: PGlite,
    private readonly keys: JwtKeys,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse, url: URL, subpath: string): Promise<void> {
    let role = 'anon';
    try {
      const claims = await resolveCaller(req, url, this.keys).catch((error: unknown) => {
        if (!(error instanceof CallerError)) throw error;
        if (error.kind === 'no_api_key' || error.kind === 'bad_api_key') {
          return fail(
            401,
            error.kind === 'no_api_key' ? 'PGRST000' : 'PGRST301',
            error.message,
            null,
            'Double check your Supabase `anon` or `service_role` API key.',
          );
        }
        return fail(401, error.kind === 'bad_role' ? '42704' : 'PGRST301', error.message);
      });
      role = String(claims.role);
      const profile = String((req.method === 'GET' || req.method === 'HEAD' ? req.headers['accept-profile'] : req.headers['content-profile']) ?? 'public');
      if (!EXPOSED_SCHEMAS.includes(profile)) {
        fail(406, 'PGRST106', 'Invalid schema: ' + profile, null, `Only the following schemas are exposed: ${EXPOSED_SCHEMAS.join(', ')}`);
      }
      const outcome = subpath.startsWith('/rpc/')
        ? await this.rpc(req, url, claims, profile, decodeURIComponent(subpath.slice(5)))
        : await this.table(req, url, claims, profile, decodeURIComponent(subpath.slice(1)));
      res.writeHead(outcome.status, {
        ...(outcome.body !== undefined ? { 'content-type': 'application/json; charset=utf-8' } : {}),
        ...outcome.headers,
      });
      res.end(req.method === 'HEAD' ? undefined : outcome.body);
    } catch (error) {
      if (error instanceof PostgrestError) return sendJson(res, error.status, error.body);
      const pg = asPgError(error);
      if (pg) {
        return sendJson(res, statusForPgError(pg.code, role), {
          code: pg.code,
          message: pg.message,
          details: pg.detail ?? null,
          hint: pg.hint ?? null,
        });
      }
      if (error instanceof SyntaxError) return sendJson(res, 400, { code: 'PGRST102', message: 'Empty or invalid json', details: null, hint: null });
      throw error;
    }
  }

  private async table(req: IncomingMessage, url: URL, claims: JwtClaims, schema: string, name: string): Promise<Outcome> {
    const relation = await findRelation(this.db, schema, name);
    const target = `${quoteIdent(schema)}.${quoteIdent(name)}`;
    const search = url.searchParams;
    const params = new Params();
    const prefs = preferences(req);
    const columns = selectList(relation, search.get('select'));
    const returnRepresentation = prefs.get('return') === 'representation';

    let statement: string;
    let successStatus: number;
    switch (req.method) {
      case 'GET':
      case 'HEAD': {
        const limit = nonNegativeInt(search.get('limit'), 'limit');
        const offset = nonNegativeInt(search.get('offset'), 'offset');
        const where = whereClause(relation, search, params);
        const source = `(select * from ${target}${where}${orderClause(relation, search.get('order'))}${
          limit !== undefined ? ` limit ${limit}` : ''
        }${offset !== undefined ? ` offset ${offset}` : ''}) _pgrst_source`;
        statement = jsonAggregate(source, columns);
        successStatus = 200;
        const countExact = prefs.get('count') === 'exact';
        const result = await asCaller(this.db, { claims }, async (tx) => {
          const page = await tx.query<{ body: string; n: number }>(statement, params.values);
          const total = countExact
            ? (await tx.query<{ n: number }>(`select count(*)::int as n from ${target}${where}`, params.values.slice())).rows[0].n
            : undefined;
          return { ...page.rows[0], total };
        });
        return this.respond(req, result.body, result.n, successStatus, true, offset ?? 0, result.total);
      }
      case 'POST': {
        const rows = this.bodyRows(JSON.parse((await readBody(req)).toString('utf8')));
        const columnsParam = search.get('columns');
        const insertColumns = columnsParam !== null ? columnNames(columnsParam) : [...new Set(rows.flatMap((r) => Object.keys(r)))];
        const quoted = insertColumns.map((c) => checkColumn(relation, c));
        const resolution = prefs.get('resolution');
        let conflict = '';
        if (resolution === 'merge-duplicates' || resolution === 'ignore-duplicates') {
          const onConflict = search.get('on_conflict');
          const keys = onConflict !== null ? columnNames(onConflict) : relation.primaryKey;
          if (keys.length === 0) fail(400, 'PGRST100', 'on_conflict requires a unique key');
          const conflictTarget = keys.map((k) => checkColumn(relation, k)).join(', ');
          const updates = quoted.filter((_, i) => !keys.includes(insertColumns[i])).map((c) => `${c} = excluded.${c}`);
          conflict =
            resolution === 'ignore-duplicates' || updates.length === 0
              ? ` on conflict (${conflictTarget}) do nothing`
              : ` on conflict (${conflictTarget}) do update set ${updates.join(', ')}`;
        }
        const insert =
          quoted.length === 0
            ? `insert into ${target} default values`
            : `insert into ${target} (${quoted.join(', ')}) select ${quoted.join(', ')} from json_populate_recordset(null::${target}, ${params.add(JSON.stringify(rows))}::json) _${conflict}`;
        statement = `with _pgrst_source as (${insert} returning *) ${jsonAggregate('_pgrst_source', columns)}`;
        successStatus = 201;
        break;
      }
      case 'PATCH': {
        const body = JSON.parse((await readBody(req)).toString('utf8'));
        if (!body || typeof body !== 'object' || Array.isArray(body)) fail(400, 'PGRST102', 'Empty or invalid json');
        const updateColumns = Object.keys(body);
        const quoted = updateColumns.map((c) => checkColumn(relation, c));
        const record = params.add(JSON.stringify(body));
        const where = whereClause(relation, search, params);
        if (!where) fail(400, '21000', 'UPDATE requires a WHERE clause');
        if (quoted.length === 0) return { status: returnRepresentation ? 200 : 204, body: returnRepresentation ? '[]' : undefined };
        const assignment = `(${quoted.join(', ')}) = (select ${quoted.join(', ')} from json_populate_record(null::${target}, ${record}::json))`;
        statement = `with _pgrst_source as (update ${target} set ${assignment}${where} returning *) ${jsonAggregate('_pgrst_source', columns)}`;
        successStatus = returnRepresentation ? 200 : 204;
        break;
      }
      case 'DELETE': {
        const where = whereClause(relation, search, params);
        if (!where) fail(400, '21000', 'DELETE requires a WHERE clause');
        statement = `with _pgrst_source as (delete from ${target}${where} returning *) ${jsonAggregate('_pgrst_source', columns)}`;
        successStatus = returnRepresentation ? 200 : 204;
        break;
      }
      default:
        fail(405, 'PGRST117', `Unsupported HTTP method: ${req.method}`);
    }
    const result = await asCaller(this.db, { claims }, async (tx) => {
      const { rows } = await tx.query<{ body: string; n: number }>(statement, params.values);
      const out = rows[0];
      // A single-object response that does not hold exactly one row must not commit (PostgREST rolls back).
      if (wantsObject(req) && returnRepresentation && out.n !== 1) throw singleRowError(out.n);
      return out;
    });
    return this.respond(req, result.body, result.n, successStatus, returnRepresentation, 0, undefined);
  }

  private respond(req: IncomingMessage, body: string, n: number, status: number, withBody: boolean, offset: number, total: number | undefined): Outcome {
    const range = n === 0 ? `*/${total ?? '*'}` : `${offset}-${offset + n - 1}/${total ?? '*'}`;
    const headers = { 'content-range': range };
    if (!withBody) return { status, headers };
    if (wantsObject(req)) {
      if (n !== 1) throw singleRowError(n);
      return { status, headers, body: JSON.stringify((JSON.parse(body) as unknown[])[0]) };
    }
    return { status, headers, body };
  }

  private bodyRows(body: unknown): Record<string, unknown>[] {
    const rows = Array.isArray(body) ? body : [body];
    for (const row of rows) {
      if (!row || typeof row !== 'object' || Array.isArray(row)) fail(400, 'PGRST102', 'All object keys must match');
    }
    return rows as Record<string, unknown>[];
  }

  private async rpc(req: IncomingMessage, url: URL, claims: JwtClaims, schema: string, name: string): Promise<Outcome> {
    const args: Record<string, unknown> =
      req.method === 'POST'
        ? JSON.parse((await readBody(req)).toString('utf8') || '{}')
        : Object.fromEntries([...url.searchParams].filter(([k]) => k !== 'apikey'));
    const { rows } = await this.db.query<{ retset: boolean; typtype: string; rettype: string; argnames: string[] | null }>(
      `select p.proretset as retset, t.typtype, t.typname as rettype, p.proargnames as argnames
         from pg_proc p
         join pg_namespace n on n.oid = p.pronamespace
         join pg_type t on t.oid = p.prorettype
        where n.nspname = $1 and p.proname = $2`,
      [schema, name],
    );
    const argNames = Object.keys(args);
    const fn = rows.find((r) => argNames.every((a) => (r.argnames ?? []).includes(a)));
    if (!fn) {
      fail(404, 'PGRST202', `Could not find the function ${schema}.${name}(${argNames.join(', ')}) in the schema cache`);
    }
    const params = new Params();
    const call = `${quoteIdent(schema)}.${quoteIdent(name)}(${argNames
      .map((a) => {
        const value = args[a];
        return `${quoteIdent(a)} => ${params.add(value !== null && typeof value === 'object' ? JSON.stringify(value) : value)}`;
      })
      .join(', ')})`;
    const returnsRows = fn.retset || fn.typtype === 'c' || fn.rettype === 'record';
    const statement = returnsRows ? jsonAggregate(`${call} _pgrst_source`, '*') : `select to_json(${call})::text as body, 1 as n`;
    const result = await asCaller(this.db, { claims }, async (tx) => (await tx.query<{ body: string; n: number }>(statement, params.values)).rows[0]);
    if (fn.rettype === 'void') return { status: 204 };
    if (!returnsRows) return { status: 200, body: result.body ?? 'null' };
    return this.respond(req, result.body, result.n, 200, true, 0, undefined);
  }
}

function singleRowError(n: number): PostgrestError {
  return new PostgrestError(406, {
    code: 'PGRST116',
    message: 'JSON object requested, multiple (or no) rows returned',
    details: `The result contains ${n} rows`,
    hint: null,
  });
}
