// The migrations' row-level security, checked on real Postgres (PGlite) exactly as the Supabase
// services apply it: each statement runs as `anon` / `authenticated` / `service_role` with the
// caller's JWT claims in request.jwt.claims (and realtime.topic for channel checks).
import type { PGlite, Transaction } from '@electric-sql/pglite';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { asCaller, openDatabase, type JwtClaims } from '../../test-support/supabase-standin/database.ts';
import { realtimeMayRead } from '../../test-support/supabase-standin/realtime.ts';

const migrationsDir = new URL('../../supabase/migrations', import.meta.url).pathname;
const userA = randomUUID();
const userB = randomUUID();
const claimsOf = (sub: string): JwtClaims => ({ sub, role: 'authenticated', aud: 'authenticated' });
const anon: JwtClaims = { role: 'anon' };
const service: JwtClaims = { role: 'service_role' };

let db: PGlite;

function as<T>(claims: JwtClaims, work: (tx: Transaction) => Promise<T>, settings?: Record<string, string>): Promise<T> {
  return asCaller(db, { claims, settings }, work);
}

async function errorCode(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

beforeAll(async () => {
  db = await openDatabase(migrationsDir);
  await db.query(`insert into auth.users (id, email) values ($1, 'a@example.com'), ($2, 'b@example.com')`, [userA, userB]);
});
afterAll(() => db.close());

describe('public.traces', () => {
  let traceA: string;
  let traceB: string;
  beforeAll(async () => {
    traceA = (await as(claimsOf(userA), (tx) => tx.query<{ id: string }>(`insert into public.traces (file_name) values ('a.json') returning id`))).rows[0].id;
    traceB = (await as(claimsOf(userB), (tx) => tx.query<{ id: string }>(`insert into public.traces (file_name) values ('b.json') returning id`))).rows[0].id;
  });

  test('user_id defaults to the caller', async () => {
    const { rows } = await db.query<{ user_id: string }>('select user_id from public.traces where id = $1', [traceA]);
    assert.equal(rows[0].user_id, userA);
  });

  test('a user reads only their own rows', async () => {
    const { rows } = await as(claimsOf(userA), (tx) => tx.query<{ id: string }>('select id from public.traces'));
    assert.deepEqual(
      rows.map((r) => r.id),
      [traceA],
    );
    const direct = await as(claimsOf(userA), (tx) => tx.query('select id from public.traces where id = $1', [traceB]));
    assert.equal(direct.rows.length, 0);
  });

  test("a user cannot update or delete another user's row", async () => {
    const updated = await as(claimsOf(userA), (tx) => tx.query(`update public.traces set file_name = 'stolen' where id = $1`, [traceB]));
    assert.equal(updated.affectedRows, 0);
    const deleted = await as(claimsOf(userA), (tx) => tx.query('delete from public.traces where id = $1', [traceB]));
    assert.equal(deleted.affectedRows, 0);
    const { rows } = await db.query<{ file_name: string }>('select file_name from public.traces where id = $1', [traceB]);
    assert.equal(rows[0].file_name, 'b.json');
  });

  test('a user cannot insert a row for someone else, nor hand their row over', async () => {
    assert.equal(await errorCode(as(claimsOf(userA), (tx) => tx.query('insert into public.traces (user_id) values ($1)', [userB]))), '42501');
    assert.equal(await errorCode(as(claimsOf(userA), (tx) => tx.query('update public.traces set user_id = $1 where id = $2', [userB, traceA]))), '42501');
  });

  test('an owner may update and delete their row; updated_at moves', async () => {
    const id = (await as(claimsOf(userA), (tx) => tx.query<{ id: string }>(`insert into public.traces (file_name) values ('tmp') returning id`))).rows[0].id;
    const before = (await db.query<{ updated_at: Date }>('select updated_at from public.traces where id = $1', [id])).rows[0].updated_at;
    await new Promise((r) => setTimeout(r, 5));
    const updated = await as(claimsOf(userA), (tx) => tx.query(`update public.traces set summary_text = 'x' where id = $1`, [id]));
    assert.equal(updated.affectedRows, 1);
    const afterUpdate = (await db.query<{ updated_at: Date }>('select updated_at from public.traces where id = $1', [id])).rows[0].updated_at;
    assert.ok(afterUpdate > before, 'trigger sets updated_at');
    const deleted = await as(claimsOf(userA), (tx) => tx.query('delete from public.traces where id = $1', [id]));
    assert.equal(deleted.affectedRows, 1);
  });

  test('a summary must be a JSON object of at most 1 MiB, its text at most 256 KiB', async () => {
    const insert = (columns: Record<string, unknown>) =>
      as(claimsOf(userA), (tx) =>
        tx.query('insert into public.traces (summary, summary_text) values ($1, $2)', [columns.summary ?? null, columns.summary_text ?? null]),
      );
    assert.equal(await errorCode(insert({ summary: JSON.stringify('a summary') })), '23514');
    assert.equal(await errorCode(insert({ summary: JSON.stringify([1, 2]) })), '23514');
    assert.equal(await errorCode(insert({ summary: JSON.stringify({ warnings: ['x'.repeat(1024 * 1024)] }) })), '23514');
    assert.equal(await errorCode(insert({ summary_text: '€'.repeat(90_000) })), '23514', '270 KB of UTF-8');
    assert.equal(
      await errorCode(insert({ summary: JSON.stringify({ format: 'collapsed-stacks', threads: [] }), summary_text: '€'.repeat(80_000) })),
      undefined,
    );
  });

  test('anon has no access at all', async () => {
    assert.equal(await errorCode(as(anon, (tx) => tx.query('select * from public.traces'))), '42501');
    assert.equal(await errorCode(as(anon, (tx) => tx.query(`insert into public.traces (file_name) values ('x')`))), '42501');
  });

  test('service_role sees every row (it bypasses RLS)', async () => {
    const { rows } = await as(service, (tx) => tx.query('select id from public.traces where id in ($1, $2)', [traceA, traceB]));
    assert.equal(rows.length, 2);
  });
});

describe('storage.objects in bucket traces', () => {
  const insertObject = (claims: JwtClaims, name: string, bucket = 'traces') =>
    as(claims, (tx) => tx.query('insert into storage.objects (bucket_id, name, owner) values ($1, $2, $3)', [bucket, name, claims.sub ?? null]));

  beforeAll(async () => {
    await insertObject(claimsOf(userB), `${userB}/trace.json`);
  });

  test('the bucket exists and is private', async () => {
    const { rows } = await db.query<{ public: boolean }>(`select public from storage.buckets where id = 'traces'`);
    assert.equal(rows[0]?.public, false);
  });

  test('a user may write under their own uid folder only', async () => {
    await insertObject(claimsOf(userA), `${userA}/trace.json`);
    await insertObject(claimsOf(userA), `${userA}/nested/deeper/trace.json.gz`);
    assert.equal(await errorCode(insertObject(claimsOf(userA), `${userB}/planted.json`)), '42501');
    assert.equal(await errorCode(insertObject(claimsOf(userA), 'at-root.json')), '42501');
    assert.equal(await errorCode(insertObject(claimsOf(userA), `x/${userA}/trace.json`)), '42501');
  });

  test("a user can neither see, change nor delete another user's objects", async () => {
    const seen = await as(claimsOf(userA), (tx) => tx.query<{ name: string }>(`select name from storage.objects where bucket_id = 'traces'`));
    assert.ok(seen.rows.length >= 1);
    assert.ok(seen.rows.every((r) => r.name.startsWith(`${userA}/`)));
    const updated = await as(claimsOf(userA), (tx) => tx.query(`update storage.objects set metadata = '{}' where name = $1`, [`${userB}/trace.json`]));
    assert.equal(updated.affectedRows, 0);
    const moved = await errorCode(
      as(claimsOf(userA), (tx) => tx.query(`update storage.objects set name = $1 where name = $2`, [`${userB}/moved.json`, `${userA}/trace.json`])),
    );
    assert.equal(moved, '42501', 'cannot move an own object into another user folder');
    const deleted = await as(claimsOf(userA), (tx) => tx.query('delete from storage.objects where name = $1', [`${userB}/trace.json`]));
    assert.equal(deleted.affectedRows, 0);
  });

  test('policies are scoped to the traces bucket', async () => {
    await db.query(`insert into storage.buckets (id, name) values ('elsewhere', 'elsewhere') on conflict do nothing`);
    assert.equal(await errorCode(insertObject(claimsOf(userA), `${userA}/x.json`, 'elsewhere')), '42501');
  });

  test('anon sees no objects and cannot write', async () => {
    const { rows } = await as(anon, (tx) => tx.query('select * from storage.objects'));
    assert.equal(rows.length, 0);
    assert.equal(await errorCode(insertObject(anon, `${userA}/anon.json`)), '42501');
  });
});

describe('realtime.messages (private channel authorisation)', () => {
  const topicOf = (uid: string) => `private-chat-results-${uid}`;

  /** The read check Realtime runs on join (the stand-in's own). */
  const mayRead = (claims: JwtClaims, topic: string, extension = 'broadcast') => realtimeMayRead(db, claims, topic, extension);

  const insertAs = (claims: JwtClaims, topic: string) =>
    as(claims, (tx) => tx.query(`insert into realtime.messages (topic, extension, private) values ($1, 'broadcast', true)`, [topic]), {
      'realtime.topic': topic,
    });

  test('a user may join their own chat-results channel', async () => {
    assert.equal(await mayRead(claimsOf(userA), topicOf(userA)), true);
  });

  test("a user may not join another user's channel, nor any other topic", async () => {
    assert.equal(await mayRead(claimsOf(userA), topicOf(userB)), false);
    assert.equal(await mayRead(claimsOf(userA), 'private-chat-results-'), false);
    assert.equal(await mayRead(claimsOf(userA), `other-${userA}`), false);
  });

  test('the grant covers broadcast only, not presence', async () => {
    assert.equal(await mayRead(claimsOf(userA), topicOf(userA), 'presence'), false);
  });

  test('anon may not join any chat-results channel', async () => {
    assert.equal(await mayRead(anon, topicOf(userA)), false);
  });

  test('no authenticated user may publish, not even on their own channel', async () => {
    assert.equal(await errorCode(insertAs(claimsOf(userA), topicOf(userA))), '42501');
    assert.equal(await errorCode(insertAs(claimsOf(userA), topicOf(userB))), '42501');
    assert.equal(await errorCode(insertAs(anon, topicOf(userA))), '42501');
  });

  test('service_role may publish', async () => {
    assert.equal(await errorCode(insertAs(service, topicOf(userA))), undefined);
  });
});

describe('AI turn claims: each turn id once, at most max_per_minute per user', () => {
  const claim = (uid: string, turnId: string = randomUUID(), max = 100) =>
    as(claimsOf(uid), (tx) => tx.query<{ outcome: string }>('select public.claim_ai_turn($1, $2) as outcome', [turnId, max])).then((r) => r.rows[0].outcome);

  test('claim_ai_turn allows max_per_minute turns per user, then refuses', async () => {
    assert.equal(await claim(userA, randomUUID(), 2), 'claimed');
    assert.equal(await claim(userA, randomUUID(), 2), 'claimed');
    assert.equal(await claim(userA, randomUUID(), 2), 'rate_limited');
    assert.equal(await claim(userB, randomUUID(), 2), 'claimed', "one user's usage does not count against another");
    const { rows } = await as(claimsOf(userA), (tx) => tx.query<{ user_id: string }>('select user_id from public.ai_turns'));
    assert.equal(rows.length, 2);
    assert.ok(rows.every((r) => r.user_id === userA));
  });

  test('turns older than a minute no longer count', async () => {
    const uid = randomUUID();
    await db.query(`insert into auth.users (id, email) values ($1, $2)`, [uid, `${uid}@example.com`]);
    await db.query(`insert into public.ai_turns (user_id, turn_id, created_at) values ($1, $2, now() - interval '61 seconds')`, [uid, randomUUID()]);
    assert.equal(await claim(uid, randomUUID(), 1), 'claimed');
  });

  test('a turn id is claimed once: a replay by the same user, or by another, is refused and costs no slot', async () => {
    const uid = randomUUID();
    await db.query(`insert into auth.users (id, email) values ($1, $2)`, [uid, `${uid}@example.com`]);
    const turnId = randomUUID();
    assert.equal(await claim(uid, turnId, 2), 'claimed');
    assert.equal(await claim(uid, turnId, 2), 'duplicate');
    assert.equal(await claim(userB, turnId), 'duplicate');
    assert.equal(await claim(uid, randomUUID(), 2), 'claimed', 'the refused replays used none of the two slots');
    assert.equal(await claim(uid, turnId, 2), 'duplicate', 'a replay at the limit is a replay, not a rate limit');
    const { rows } = await db.query<{ user_id: string }>('select user_id from public.ai_turns where turn_id = $1', [turnId]);
    assert.deepEqual(
      rows.map((r) => r.user_id),
      [uid],
    );
  });

  test('the turn id is unique in the table itself, whoever writes the row', async () => {
    const turnId = randomUUID();
    assert.equal(await claim(userA, turnId), 'claimed');
    const write = as(service, (tx) => tx.query('insert into public.ai_turns (user_id, turn_id) values ($1, $2)', [userB, turnId]));
    assert.equal(await errorCode(write), '23505');
  });

  test('users cannot bypass it: no direct inserts, no claiming for others, no turn without an id', async () => {
    assert.equal(
      await errorCode(as(claimsOf(userA), (tx) => tx.query('insert into public.ai_turns (user_id, turn_id) values ($1, $2)', [userA, randomUUID()]))),
      '42501',
    );
    assert.equal(await errorCode(as(claimsOf(userA), (tx) => tx.query('select public.claim_ai_turn_for_user($1, $2, 100)', [userB, randomUUID()]))), '42501');
    assert.equal(await errorCode(as(anon, (tx) => tx.query('select public.claim_ai_turn($1, 100)', [randomUUID()]))), '42501');
    assert.equal(await errorCode(as(claimsOf(userA), (tx) => tx.query('select public.claim_ai_turn(null, 100)'))), '22023');
  });

  test("stop_ai_turn marks only the caller's own turn; anon may not call it, nor may a user write the mark directly", async () => {
    const turnId = randomUUID();
    assert.equal(await claim(userA, turnId), 'claimed');
    const stop = (claims: Parameters<typeof as>[0]) =>
      as(claims, (tx) => tx.query<{ stopped: boolean }>('select public.stop_ai_turn($1) as stopped', [turnId])).then((r) => r.rows[0].stopped);
    const mark = async () =>
      (await db.query<{ stopped_at: Date | null }>('select stopped_at from public.ai_turns where turn_id = $1', [turnId])).rows[0].stopped_at;
    assert.equal(await stop(claimsOf(userB)), false);
    assert.equal(await mark(), null, "another user's stop leaves the turn running");
    assert.equal(await errorCode(as(anon, (tx) => tx.query('select public.stop_ai_turn($1)', [turnId]))), '42501');
    assert.equal(await errorCode(as(claimsOf(userA), (tx) => tx.query('update public.ai_turns set stopped_at = now() where turn_id = $1', [turnId]))), '42501');
    assert.equal(await stop(claimsOf(userA)), true);
    const first = await mark();
    assert.ok(first instanceof Date);
    assert.equal(await stop(claimsOf(userA)), true);
    assert.deepEqual(await mark(), first, 'stopping again keeps the first time');
    // A round whose model asked for tools just after the Stop records nothing on the stopped turn.
    const recorded = await as(service, (tx) =>
      tx.query<{ recorded: boolean }>("select public.record_tool_request($1, $2, 1, '[]', '[]', 0, '{}') as recorded", [userA, turnId]),
    );
    assert.equal(recorded.rows[0].recorded, false);
  });

  test('service_role claims for a given user', async () => {
    const { rows } = await as(service, (tx) =>
      tx.query<{ outcome: string }>('select public.claim_ai_turn_for_user($1, $2, 100) as outcome', [userB, randomUUID()]),
    );
    assert.equal(rows[0].outcome, 'claimed');
    assert.equal(
      await errorCode(as(service, (tx) => tx.query('select public.claim_ai_turn($1, 100)', [randomUUID()]))),
      '28000',
      'service role has no auth.uid()',
    );
  });
});
