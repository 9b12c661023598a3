// The unmodified supabase-js client against the stand-in: auth, PostgREST and Storage (plain and
// TUS), with RLS from supabase/migrations deciding what each user sees.
import { createClient, isAuthSessionMissingError, type SupabaseClient } from '@supabase/supabase-js';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, test } from 'vitest';
import WebSocket from 'ws';
import { startSupabaseStandin, type SupabaseStandin } from './index.ts';
import { join } from 'node:path';
import { SAMPLE_TRACES } from '../../shared-importer/node/trace-fixtures.ts';

const TRACE = join(SAMPLE_TRACES, 'Chrome/116/Trace-20230603T221323.json');
const SMALL_PROFILE = join(SAMPLE_TRACES, 'Chrome/65/simple.cpuprofile');

let standin: SupabaseStandin;
let alice: SupabaseClient;
let bob: SupabaseClient;
let aliceId: string;
let bobId: string;

function client(key: string): SupabaseClient {
  return createClient(standin.url, key, {
    realtime: { transport: WebSocket as unknown as typeof globalThis.WebSocket },
    auth: { persistSession: false, autoRefreshToken: false },
  });
}

async function signedIn(email: string, password: string): Promise<[SupabaseClient, string]> {
  const c = client(standin.anonKey);
  const { data, error } = await c.auth.signUp({ email, password });
  assert.equal(error, null);
  assert.ok(data.session, 'sign-up returns a session (email confirmation off)');
  return [c, data.user!.id];
}

beforeAll(async () => {
  standin = await startSupabaseStandin({ logFunctionOutput: false });
  [alice, aliceId] = await signedIn('alice@example.com', 'alice-password');
  [bob, bobId] = await signedIn('bob@example.com', 'bob-password');
});
afterAll(async () => {
  await Promise.all([alice, bob].map((c) => c.removeAllChannels()));
  await standin.stop();
});

describe('auth', () => {
  test('password sign-in, /user and token claims', async () => {
    const c = client(standin.anonKey);
    const { data, error } = await c.auth.signInWithPassword({ email: 'alice@example.com', password: 'alice-password' });
    assert.equal(error, null);
    assert.equal(data.user?.id, aliceId);
    const claims = JSON.parse(Buffer.from(data.session.access_token.split('.')[1], 'base64url').toString('utf8'));
    assert.equal(claims.role, 'authenticated');
    assert.equal(claims.aud, 'authenticated');
    assert.equal(claims.sub, aliceId);
    assert.equal(claims.iss, `${standin.url}/auth/v1`);
    assert.equal(typeof claims.session_id, 'string');
    const user = await c.auth.getUser();
    assert.equal(user.data.user?.email, 'alice@example.com');
  });

  test('wrong password and duplicate sign-up fail with GoTrue codes', async () => {
    const c = client(standin.anonKey);
    const wrong = await c.auth.signInWithPassword({ email: 'alice@example.com', password: 'nope-nope' });
    assert.equal(wrong.error?.status, 400);
    assert.equal(wrong.error?.code, 'invalid_credentials');
    const again = await c.auth.signUp({ email: 'alice@example.com', password: 'whatever1' });
    assert.equal(again.error?.code, 'user_already_exists');
  });

  test('refresh tokens rotate and are single-use', async () => {
    const c = client(standin.anonKey);
    const { data } = await c.auth.signInWithPassword({ email: 'bob@example.com', password: 'bob-password' });
    const first = data.session!.refresh_token;
    const refreshed = await c.auth.refreshSession();
    assert.equal(refreshed.error, null);
    assert.notEqual(refreshed.data.session?.refresh_token, first);
    const reuse = await fetch(`${standin.url}/auth/v1/token?grant_type=refresh_token`, {
      method: 'POST',
      headers: { apikey: standin.anonKey, 'content-type': 'application/json' },
      body: JSON.stringify({ refresh_token: first }),
    });
    assert.equal(reuse.status, 400);
    assert.equal((await reuse.json()).code, 'refresh_token_not_found');
  });

  test('sign-out ends sessions as hosted Auth does: /user refuses their tokens before they expire', async () => {
    const signIn = async () => {
      const c = client(standin.anonKey);
      const { data } = await c.auth.signInWithPassword({ email: 'bob@example.com', password: 'bob-password' });
      return { c, token: data.session!.access_token, refresh: data.session!.refresh_token };
    };
    // GET /user as a function calls it; supabase-js turns session_not_found into AuthSessionMissingError.
    const userOf = async (token: string) => {
      const res = await fetch(`${standin.url}/auth/v1/user`, { headers: { apikey: standin.anonKey, authorization: `Bearer ${token}` } });
      const body = await res.json();
      return res.ok ? 'ok' : `${res.status} ${body.code}`;
    };
    const [laptop, phone, tablet] = [await signIn(), await signIn(), await signIn()];
    assert.equal(await userOf(laptop.token), 'ok');

    assert.equal((await laptop.c.auth.signOut({ scope: 'local' })).error, null);
    assert.equal(await userOf(laptop.token), '403 session_not_found');
    assert.equal(await userOf(phone.token), 'ok', 'local sign-out ends only its own session');
    const { error } = await client(standin.anonKey).auth.getUser(laptop.token);
    assert.ok(isAuthSessionMissingError(error), String(error));

    assert.equal((await phone.c.auth.signOut({ scope: 'others' })).error, null);
    assert.equal(await userOf(phone.token), 'ok');
    assert.equal(await userOf(tablet.token), '403 session_not_found');

    assert.equal((await phone.c.auth.signOut()).error, null); // global, the default
    assert.equal(await userOf(phone.token), '403 session_not_found');
    const refresh = await fetch(`${standin.url}/auth/v1/token?grant_type=refresh_token`, {
      method: 'POST',
      headers: { apikey: standin.anonKey, 'content-type': 'application/json' },
      body: JSON.stringify({ refresh_token: phone.refresh }),
    });
    assert.equal((await refresh.json()).code, 'refresh_token_not_found', "a signed-out session's refresh token is gone too");
  });

  test('a forged token is refused by /user', async () => {
    const { error } = await client(standin.anonKey).auth.getUser(standin.anonKey.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')));
    assert.equal(error?.status, 403);
  });
});

describe('PostgREST', () => {
  let aliceTrace: string;
  beforeAll(async () => {
    const { data, error, status } = await alice
      .from('traces')
      .insert({ file_name: 'alice.json', size_bytes: 544863, format: 'chrome-trace', summary: { threads: 3 } })
      .select()
      .single();
    assert.equal(error, null);
    assert.equal(status, 201);
    aliceTrace = data.id;
    const bobInsert = await bob.from('traces').insert([{ file_name: 'bob-1.json' }, { file_name: 'bob-2.json' }]);
    assert.equal(bobInsert.error, null);
    assert.equal(bobInsert.status, 201);
  });

  test('insert returns the row with defaults filled by Postgres', async () => {
    const { data } = await alice.from('traces').select('*').eq('id', aliceTrace).single();
    assert.equal(data.user_id, aliceId);
    assert.deepEqual(data.summary, { threads: 3 });
    assert.equal(data.size_bytes, 544863);
    assert.match(data.created_at, /^\d{4}-\d\d-\d\dT.*\+00:00$/);
  });

  test('each user sees only their own rows', async () => {
    const mine = await bob.from('traces').select('file_name').order('file_name', { ascending: false });
    assert.deepEqual(mine.data, [{ file_name: 'bob-2.json' }, { file_name: 'bob-1.json' }]);
    const theirs = await bob.from('traces').select('id').eq('id', aliceTrace);
    assert.deepEqual(theirs.data, []);
  });

  test('single() on a row the caller may not see is 406 PGRST116', async () => {
    const { error, status } = await bob.from('traces').select('blob_path').eq('id', aliceTrace).single();
    assert.equal(status, 406);
    assert.equal(error?.code, 'PGRST116');
  });

  test("updating or deleting another user's row changes nothing", async () => {
    const upd = await bob.from('traces').update({ file_name: 'hacked' }).eq('id', aliceTrace).select();
    assert.deepEqual(upd.data, []);
    const del = await bob.from('traces').delete().eq('id', aliceTrace).select();
    assert.deepEqual(del.data, []);
    const still = await alice.from('traces').select('file_name').eq('id', aliceTrace).single();
    assert.equal(still.data?.file_name, 'alice.json');
  });

  test('inserting a row owned by someone else is 403 with the Postgres code', async () => {
    const { error, status } = await bob.from('traces').insert({ user_id: aliceId, file_name: 'planted' });
    assert.equal(status, 403);
    assert.equal(error?.code, '42501');
    assert.match(error.message, /row-level security/);
  });

  test('anon is refused (401) and service_role sees everything', async () => {
    const anon = await client(standin.anonKey).from('traces').select('id');
    assert.equal(anon.status, 401);
    assert.equal(anon.error?.code, '42501');
    const all = await client(standin.serviceRoleKey).from('traces').select('id', { count: 'exact' });
    assert.equal(all.count, 3);
  });

  test('owner update and delete with filters, limit and count', async () => {
    const upd = await alice.from('traces').update({ summary_text: 'three threads' }).eq('id', aliceTrace).select('summary_text, updated_at').single();
    assert.equal(upd.data?.summary_text, 'three threads');
    const limited = await bob.from('traces').select('file_name', { count: 'exact' }).order('file_name').limit(1);
    assert.deepEqual(limited.data, [{ file_name: 'bob-1.json' }]);
    assert.equal(limited.count, 2);
    const filtered = await bob.from('traces').select('file_name').in('file_name', ['bob-2.json', 'nope']).neq('file_name', 'bob-1.json');
    assert.deepEqual(filtered.data, [{ file_name: 'bob-2.json' }]);
    const removed = await bob.from('traces').delete().eq('file_name', 'bob-1.json');
    assert.equal(removed.status, 204);
    const left = await bob.from('traces').select('file_name');
    assert.deepEqual(left.data, [{ file_name: 'bob-2.json' }]);
  });

  test('upsert merges on the primary key', async () => {
    const { data, error } = await alice.from('traces').upsert({ id: aliceTrace, file_name: 'renamed.json' }).select('id,file_name').single();
    assert.equal(error, null);
    assert.deepEqual(data, { id: aliceTrace, file_name: 'renamed.json' });
  });

  test('values are data, identifiers are checked (no injection)', async () => {
    const sneaky = await alice.from('traces').select('id').eq('file_name', "x' or '1'='1");
    assert.deepEqual(sneaky.data, []);
    const badColumn = await alice.from('traces').select('id').eq('file_name"; drop table public.traces; --', 'x');
    assert.equal(badColumn.status, 400);
    assert.equal(badColumn.error?.code, '42703');
    const badTable = await alice.from('no_such_table').select('*');
    assert.equal(badTable.status, 404);
    assert.equal(badTable.error?.code, 'PGRST205');
    const stillThere = await alice.from('traces').select('id');
    assert.equal(stillThere.data?.length, 1);
  });

  test('rpc claim_ai_turn enforces the per-minute limit', async () => {
    const results = [];
    for (let i = 0; i < 3; i++) results.push((await alice.rpc('claim_ai_turn', { max_per_minute: 2, p_turn_id: `t${i}` })).data);
    assert.deepEqual(results, ['claimed', 'claimed', 'rate_limited']);
    const forOther = await alice.rpc('claim_ai_turn_for_user', { p_user_id: bobId, p_turn_id: 'other', max_per_minute: 5 });
    assert.equal(forOther.status, 403);
  });

  test('a request with a bad apikey is refused before Postgres', async () => {
    const res = await fetch(`${standin.url}/rest/v1/traces?select=id`, { headers: { apikey: 'not-a-key' } });
    assert.equal(res.status, 401);
  });
});

describe('Storage', () => {
  test('upload and download own object (raw body)', async () => {
    const bytes = await readFile(SMALL_PROFILE);
    const path = `${aliceId}/simple.cpuprofile`;
    const up = await alice.storage.from('traces').upload(path, bytes, { contentType: 'application/json' });
    assert.equal(up.error, null);
    assert.equal(up.data?.fullPath, `traces/${path}`);
    const down = await alice.storage.from('traces').download(path);
    assert.equal(down.error, null);
    assert.deepEqual(Buffer.from(await down.data.arrayBuffer()), bytes);
    assert.equal(down.data.type, 'application/json');
  });

  test('Blob bodies go multipart and round-trip', async () => {
    const path = `${aliceId}/note.txt`;
    const up = await alice.storage.from('traces').upload(path, new Blob(['hello trace'], { type: 'text/plain' }));
    assert.equal(up.error, null);
    const down = await alice.storage.from('traces').download(path);
    assert.equal(await down.data!.text(), 'hello trace');
  });

  test("another user's object is invisible and their folder is not writable", async () => {
    const path = `${aliceId}/simple.cpuprofile`;
    const read = await bob.storage.from('traces').download(path);
    assert.ok(read.error);
    const raw = await fetch(`${standin.url}/storage/v1/object/traces/${path}`, {
      headers: { apikey: standin.anonKey, authorization: `Bearer ${(await bob.auth.getSession()).data.session!.access_token}` },
    });
    assert.equal(raw.status, 400);
    assert.deepEqual(await raw.json(), { statusCode: '404', code: 'NoSuchKey', error: 'not_found', message: 'Object not found' });
    const write = await bob.storage.from('traces').upload(`${aliceId}/planted.json`, Buffer.from('{}'));
    assert.equal((write.error as { statusCode?: string } | null)?.statusCode, '403');
    const remove = await bob.storage.from('traces').remove([path]);
    assert.deepEqual(remove.data, []);
    assert.equal((await alice.storage.from('traces').download(path)).error, null, 'still there for its owner');
  });

  test('duplicate upload is 409 unless upsert; remove deletes', async () => {
    const path = `${aliceId}/dup.json`;
    assert.equal((await alice.storage.from('traces').upload(path, Buffer.from('1'))).error, null);
    const dup = await alice.storage.from('traces').upload(path, Buffer.from('2'));
    assert.equal((dup.error as { statusCode?: string } | null)?.statusCode, '409');
    assert.equal((await alice.storage.from('traces').upload(path, Buffer.from('3'), { upsert: true })).error, null);
    assert.equal(await (await alice.storage.from('traces').download(path)).data!.text(), '3');
    const removed = await alice.storage.from('traces').remove([path]);
    assert.equal(removed.data?.length, 1);
    assert.ok((await alice.storage.from('traces').download(path)).error);
  });

  test('signed URLs: readable objects only, token bound to its path', async () => {
    const path = `${aliceId}/simple.cpuprofile`;
    const signed = await alice.storage.from('traces').createSignedUrl(path, 60);
    assert.equal(signed.error, null);
    const plain = await fetch(signed.data.signedUrl);
    assert.equal(plain.status, 200);
    assert.deepEqual(Buffer.from(await plain.arrayBuffer()), await readFile(SMALL_PROFILE));
    const notYours = await bob.storage.from('traces').createSignedUrl(path, 60);
    assert.equal((notYours.error as { statusCode?: string } | null)?.statusCode, '404');
    const token = new URL(signed.data.signedUrl).searchParams.get('token')!;
    const otherPath = await fetch(`${standin.url}/storage/v1/object/sign/traces/${aliceId}/note.txt?token=${token}`);
    assert.equal(otherPath.status, 400);
    assert.equal((await otherPath.json()).error, 'InvalidSignature');
    const badToken = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
    const tampered = await fetch(`${standin.url}/storage/v1/object/sign/traces/${path}?token=${badToken}`);
    assert.equal(tampered.status, 400);
    assert.equal((await tampered.json()).error, 'InvalidJWT');
  });

  test('unknown bucket is a 404 inside a 400', async () => {
    const res = await alice.storage.from('nope').upload(`${aliceId}/x`, Buffer.from('x'));
    assert.equal((res.error as { statusCode?: string } | null)?.statusCode, '404');
  });
});

describe('Storage TUS resumable upload', () => {
  const tusHeaders = async (c: SupabaseClient) => ({
    apikey: standin.anonKey,
    authorization: `Bearer ${(await c.auth.getSession()).data.session!.access_token}`,
    'tus-resumable': '1.0.0',
  });
  const metadata = (fields: Record<string, string>) =>
    Object.entries(fields)
      .map(([k, v]) => `${k} ${Buffer.from(v).toString('base64')}`)
      .join(',');

  test('a real trace uploaded in chunks, resumed after a HEAD, then downloaded intact', async () => {
    const bytes = await readFile(TRACE);
    const objectName = `${aliceId}/chrome-116.json`;
    const headers = await tusHeaders(alice);
    const create = await fetch(`${standin.url}/storage/v1/upload/resumable`, {
      method: 'POST',
      headers: {
        ...headers,
        'upload-length': String(bytes.length),
        'upload-metadata': metadata({ bucketName: 'traces', objectName, contentType: 'application/json', cacheControl: '3600' }),
      },
    });
    assert.equal(create.status, 201);
    const location = new URL(create.headers.get('location')!, standin.url).href;
    const chunk = 256 * 1024;
    let offset = 0;
    while (offset < bytes.length) {
      // Ask the server where to continue, as a client resuming after a dropped connection does.
      const head = await fetch(location, { method: 'HEAD', headers });
      assert.equal(Number(head.headers.get('upload-offset')), offset);
      const body = bytes.subarray(offset, Math.min(offset + chunk, bytes.length));
      const patch = await fetch(location, {
        method: 'PATCH',
        headers: { ...headers, 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' },
        body,
      });
      assert.equal(patch.status, 204);
      offset = Number(patch.headers.get('upload-offset'));
    }
    const down = await alice.storage.from('traces').download(objectName);
    assert.equal(down.error, null);
    assert.deepEqual(Buffer.from(await down.data.arrayBuffer()), bytes);
    const row = await standin.db.query<{ owner_id: string; size: number }>(
      `select owner_id, (metadata->>'size')::int as size from storage.objects where name = $1`,
      [objectName],
    );
    assert.deepEqual(row.rows[0], { owner_id: aliceId, size: bytes.length });
  });

  test("creating an upload into another user's folder is refused before any bytes move", async () => {
    const create = await fetch(`${standin.url}/storage/v1/upload/resumable`, {
      method: 'POST',
      headers: { ...(await tusHeaders(bob)), 'upload-length': '10', 'upload-metadata': metadata({ bucketName: 'traces', objectName: `${aliceId}/evil.json` }) },
    });
    assert.equal(create.status, 403);
    assert.equal((await create.json()).statusCode, '403');
  });

  test('x-upsert given at creation replaces an existing object, without repeating it on PATCH', async () => {
    const objectName = `${aliceId}/chrome-116.json`;
    const headers = await tusHeaders(alice);
    const create = await fetch(`${standin.url}/storage/v1/upload/resumable`, {
      method: 'POST',
      headers: { ...headers, 'x-upsert': 'true', 'upload-length': '2', 'upload-metadata': metadata({ bucketName: 'traces', objectName }) },
    });
    assert.equal(create.status, 201);
    const patch = await fetch(new URL(create.headers.get('location')!, standin.url), {
      method: 'PATCH',
      headers: { ...headers, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
      body: '{}',
    });
    assert.equal(patch.status, 204);
    assert.equal(await (await alice.storage.from('traces').download(objectName)).data!.text(), '{}');
  });

  test('an existing object is a 409 conflict without x-upsert', async () => {
    const create = await fetch(`${standin.url}/storage/v1/upload/resumable`, {
      method: 'POST',
      headers: {
        ...(await tusHeaders(alice)),
        'upload-length': '10',
        'upload-metadata': metadata({ bucketName: 'traces', objectName: `${aliceId}/chrome-116.json` }),
      },
    });
    assert.equal(create.status, 409);
  });
});
