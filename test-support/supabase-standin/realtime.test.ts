// Realtime against the stand-in: the real realtime-js client (vsn 2.0.0 and 1.0.0) for joins and
// broadcasts, and raw Phoenix frames for the protocol details the client hides (heartbeat replies,
// leave/close, token refresh, binary frames, key checks).
import { createClient, type RealtimeChannel, type SupabaseClient } from '@supabase/supabase-js';
import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { SignJWT } from 'jose';
import WebSocket from 'ws';
import { startSupabaseStandin, type SupabaseStandin } from './index.ts';

let standin: SupabaseStandin;
let aliceId: string;
let aliceToken: string;
let bobToken: string;
const clients: SupabaseClient[] = [];

function client(key: string, vsn: '1.0.0' | '2.0.0' = '2.0.0'): SupabaseClient {
  const c = createClient(standin.url, key, {
    realtime: { transport: WebSocket as unknown as typeof globalThis.WebSocket, vsn },
    auth: { persistSession: false, autoRefreshToken: false },
  });
  clients.push(c);
  return c;
}

const passwords: Record<string, string> = { alice: 'alice-password', bob: 'bob-password' };

/** Signed in as the app does it; setAuth() hands the session token to Realtime before joining. */
async function signedIn(who: 'alice' | 'bob', vsn: '1.0.0' | '2.0.0' = '2.0.0'): Promise<SupabaseClient> {
  const c = client(standin.anonKey, vsn);
  const { error } = await c.auth.signInWithPassword({ email: `${who}@example.com`, password: passwords[who] });
  assert.equal(error, null);
  await c.realtime.setAuth();
  return c;
}

const chatTopic = (uid: string) => `private-chat-results-${uid}`;

function subscribe(channel: RealtimeChannel): Promise<{ status: string; error?: Error }> {
  return new Promise((resolve) => {
    channel.subscribe((status, error) => {
      if (status === 'SUBSCRIBED' || status === 'CHANNEL_ERROR' || status === 'TIMED_OUT') resolve({ status, error });
    });
  });
}

function nextBroadcast(channel: RealtimeChannel, event: string): Promise<Record<string, unknown>> {
  return new Promise((resolve) => channel.on('broadcast', { event }, (message) => resolve(message)));
}

async function restBroadcast(token: string, messages: unknown[]): Promise<Response> {
  return fetch(`${standin.url}/realtime/v1/api/broadcast`, {
    method: 'POST',
    headers: { apikey: standin.anonKey, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ messages }),
  });
}

/** A bare Phoenix socket: sends frames, records everything received. */
class RawSocket {
  readonly frames: (unknown[] | Buffer)[] = [];
  private waiters: (() => void)[] = [];
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      this.frames.push(isBinary ? (data as Buffer) : JSON.parse(String(data)));
      for (const w of this.waiters.splice(0)) w();
    });
  }
  static open(query: string): Promise<RawSocket> {
    const ws = new WebSocket(`${standin.url.replace('http', 'ws')}/realtime/v1/websocket?${query}`);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new RawSocket(ws)));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }
  send(frame: unknown[]): void {
    this.ws.send(JSON.stringify(frame));
  }
  async waitFor(match: (frame: unknown[]) => boolean, timeoutMs = 5000): Promise<unknown[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.find((f): f is unknown[] => Array.isArray(f) && match(f));
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching frame; got ${JSON.stringify(this.frames)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
  close(): void {
    this.ws.close();
  }
}

const joinPayload = (token: string, isPrivate = true) => ({
  config: { broadcast: { ack: false, self: false }, presence: { key: '', enabled: false }, postgres_changes: [], private: isPrivate },
  access_token: token,
});

beforeAll(async () => {
  standin = await startSupabaseStandin({ logFunctionOutput: false });
  const alice = await standin.createUser('alice@example.com', 'alice-password');
  const bob = await standin.createUser('bob@example.com', 'bob-password');
  [aliceId, aliceToken, bobToken] = [alice.user.id, alice.session.access_token, bob.session.access_token];
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.removeAllChannels()));
  await standin.stop();
});

describe('private channels with realtime-js', () => {
  for (const vsn of ['2.0.0', '1.0.0'] as const) {
    test(`vsn ${vsn}: own channel joins and receives a service-role REST broadcast`, async () => {
      const c = await signedIn('alice', vsn);
      const channel = c.channel(chatTopic(aliceId), { config: { private: true } });
      const received = nextBroadcast(channel, 'answer');
      assert.equal((await subscribe(channel)).status, 'SUBSCRIBED');
      const res = await restBroadcast(standin.serviceRoleKey, [{ topic: chatTopic(aliceId), event: 'answer', payload: { text: `hi ${vsn}` }, private: true }]);
      assert.equal(res.status, 202);
      assert.equal(await res.text(), '');
      assert.deepEqual(await received, { type: 'broadcast', event: 'answer', payload: { text: `hi ${vsn}` } });
      await c.removeChannel(channel);
    });
  }

  test("another user's channel is refused with CHANNEL_ERROR and the server's reason", async () => {
    const c = await signedIn('bob');
    const channel = c.channel(chatTopic(aliceId), { config: { private: true } });
    const { status, error } = await subscribe(channel);
    assert.equal(status, 'CHANNEL_ERROR');
    assert.equal(error?.message, `Unauthorized: You do not have permissions to read from this Channel topic: ${chatTopic(aliceId)}`);
    await c.removeChannel(channel);
  });

  test('httpSend from the service role reaches the user; the same from a user is dropped', async () => {
    const listener = await signedIn('alice');
    const channel = listener.channel(chatTopic(aliceId), { config: { private: true } });
    const seen: unknown[] = [];
    channel.on('broadcast', { event: '*' }, (m) => seen.push(m.payload));
    assert.equal((await subscribe(channel)).status, 'SUBSCRIBED');

    // Alice may listen but not publish (no INSERT policy): 202, silently dropped.
    const spoof = await restBroadcast(aliceToken, [{ topic: chatTopic(aliceId), event: 'answer', payload: { n: 1 }, private: true }]);
    assert.equal(spoof.status, 202);
    const admin = client(standin.serviceRoleKey);
    const sent = await admin.channel(chatTopic(aliceId), { config: { private: true } }).httpSend('answer', { n: 2 });
    assert.deepEqual(sent, { success: true });
    for (let i = 0; i < 100 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(seen, [{ n: 2 }], 'only the service-role message arrives');
    await listener.removeChannel(channel);
  });

  test('public and private channels of one name are different topics', async () => {
    const c = await signedIn('alice');
    const publicChannel = c.channel(chatTopic(aliceId));
    const seen: unknown[] = [];
    publicChannel.on('broadcast', { event: 'answer' }, (m) => seen.push(m.payload));
    assert.equal((await subscribe(publicChannel)).status, 'SUBSCRIBED');
    await restBroadcast(standin.serviceRoleKey, [{ topic: chatTopic(aliceId), event: 'answer', payload: { to: 'private' }, private: true }]);
    await restBroadcast(standin.serviceRoleKey, [{ topic: chatTopic(aliceId), event: 'answer', payload: { to: 'public' }, private: false }]);
    for (let i = 0; i < 100 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(seen, [{ to: 'public' }]);
    await c.removeChannel(publicChannel);
  });

  test('client-to-client broadcast on a public channel (binary frames on 2.0.0, JSON on 1.0.0)', async () => {
    const sender = await signedIn('alice');
    const receiver2 = await signedIn('bob');
    const receiver1 = await signedIn('bob', '1.0.0');
    const room = 'lobby';
    const [tx, rx2, rx1] = [sender.channel(room), receiver2.channel(room), receiver1.channel(room)];
    const got2 = nextBroadcast(rx2, 'cursor');
    const got1 = nextBroadcast(rx1, 'cursor');
    for (const ch of [tx, rx2, rx1]) assert.equal((await subscribe(ch)).status, 'SUBSCRIBED');
    assert.equal(await tx.send({ type: 'broadcast', event: 'cursor', payload: { x: 1 } }), 'ok');
    assert.deepEqual(await got2, { type: 'broadcast', event: 'cursor', payload: { x: 1 } });
    assert.deepEqual(await got1, { type: 'broadcast', event: 'cursor', payload: { x: 1 } });
    for (const [c, ch] of [
      [sender, tx],
      [receiver2, rx2],
      [receiver1, rx1],
    ] as const)
      await c.removeChannel(ch);
  });

  test('a binary httpSend payload arrives as bytes', async () => {
    const c = await signedIn('alice');
    const channel = c.channel(chatTopic(aliceId), { config: { private: true } });
    const received = nextBroadcast(channel, 'blob');
    assert.equal((await subscribe(channel)).status, 'SUBSCRIBED');
    const admin = client(standin.serviceRoleKey);
    await admin.channel(chatTopic(aliceId), { config: { private: true } }).httpSend('blob', new Uint8Array([1, 2, 3]).buffer);
    const message = await received;
    assert.deepEqual([...new Uint8Array(message.payload as ArrayBuffer)], [1, 2, 3]);
    await c.removeChannel(channel);
  });
});

describe('Phoenix protocol details (raw frames)', () => {
  test('heartbeat gets an ok reply with the same ref', async () => {
    const socket = await RawSocket.open(`apikey=${standin.anonKey}&vsn=2.0.0`);
    socket.send([null, '7', 'phoenix', 'heartbeat', {}]);
    assert.deepEqual(await socket.waitFor((f) => f[1] === '7'), [null, '7', 'phoenix', 'phx_reply', { status: 'ok', response: {} }]);
    socket.close();
  });

  test('vsn 1.0.0 speaks object frames', async () => {
    const ws = new WebSocket(`${standin.url.replace('http', 'ws')}/realtime/v1/websocket?apikey=${standin.anonKey}&vsn=1.0.0`);
    await new Promise((r) => ws.once('open', r));
    const reply = new Promise((r) => ws.once('message', (d) => r(JSON.parse(String(d)))));
    ws.send(JSON.stringify({ topic: 'phoenix', event: 'heartbeat', payload: {}, ref: '3', join_ref: null }));
    assert.deepEqual(await reply, { join_ref: null, ref: '3', topic: 'phoenix', event: 'phx_reply', payload: { status: 'ok', response: {} } });
    ws.close();
  });

  test('a bad apikey is refused with HTTP 401 before the upgrade', async () => {
    await assert.rejects(RawSocket.open('apikey=nonsense&vsn=2.0.0'), /HTTP 401/);
  });

  test('join, leave: ok reply then phx_close', async () => {
    const socket = await RawSocket.open(`apikey=${standin.anonKey}&vsn=2.0.0`);
    const topic = `realtime:${chatTopic(aliceId)}`;
    socket.send(['1', '1', topic, 'phx_join', joinPayload(aliceToken)]);
    assert.deepEqual(await socket.waitFor((f) => f[1] === '1'), ['1', '1', topic, 'phx_reply', { status: 'ok', response: { postgres_changes: [] } }]);
    socket.send(['1', '2', topic, 'phx_leave', {}]);
    assert.deepEqual(await socket.waitFor((f) => f[1] === '2'), ['1', '2', topic, 'phx_reply', { status: 'ok', response: {} }]);
    assert.deepEqual(await socket.waitFor((f) => f[3] === 'phx_close'), ['1', '1', topic, 'phx_close', {}]);
    socket.close();
  });

  test("refreshing the access token to someone else's stops the private channel", async () => {
    const socket = await RawSocket.open(`apikey=${standin.anonKey}&vsn=2.0.0`);
    const topic = `realtime:${chatTopic(aliceId)}`;
    socket.send(['1', '1', topic, 'phx_join', joinPayload(aliceToken)]);
    await socket.waitFor((f) => f[1] === '1');
    socket.send(['1', '2', topic, 'access_token', { access_token: aliceToken }]);
    socket.send(['1', '3', topic, 'access_token', { access_token: bobToken }]);
    const system = await socket.waitFor((f) => f[3] === 'system');
    assert.deepEqual(system[4], {
      extension: 'system',
      status: 'error',
      message: `Unauthorized: You do not have permissions to read from this Channel topic: ${chatTopic(aliceId)}`,
      channel: chatTopic(aliceId),
    });
    await socket.waitFor((f) => f[3] === 'phx_close');
    // Stopped for real: a broadcast to Alice's topic no longer reaches this socket.
    const before = socket.frames.length;
    await restBroadcast(standin.serviceRoleKey, [{ topic: chatTopic(aliceId), event: 'answer', payload: {}, private: true }]);
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(socket.frames.length, before);
    socket.close();
  });

  test('a channel whose token expires is stopped with a system message', async () => {
    const iat = Math.floor(Date.now() / 1000);
    const shortLived = await new SignJWT({ sub: aliceId, role: 'authenticated', aud: 'authenticated', iat, exp: iat + 2 })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .sign(new TextEncoder().encode(standin.jwtSecret));
    const socket = await RawSocket.open(`apikey=${standin.anonKey}&vsn=2.0.0`);
    const topic = `realtime:${chatTopic(aliceId)}`;
    socket.send(['1', '1', topic, 'phx_join', joinPayload(shortLived)]);
    assert.equal(((await socket.waitFor((f) => f[1] === '1'))[4] as { status: string }).status, 'ok');
    const system = await socket.waitFor((f) => f[3] === 'system', 6000);
    assert.deepEqual(system[4], { extension: 'system', status: 'error', message: 'Token has expired', channel: chatTopic(aliceId) });
    await socket.waitFor((f) => f[3] === 'phx_close');
    // Joining again with the expired token is refused.
    await new Promise((r) => setTimeout(r, Math.max(0, (iat + 3) * 1000 - Date.now())));
    socket.send(['2', '2', topic, 'phx_join', joinPayload(shortLived)]);
    assert.deepEqual((await socket.waitFor((f) => f[1] === '2'))[4], { status: 'error', response: { reason: 'Token has expired' } });
    socket.close();
  });

  test('binary kind-3 push from a client arrives as a kind-4 frame; private writes need INSERT rights', async () => {
    const a = await RawSocket.open(`apikey=${standin.anonKey}&vsn=2.0.0`);
    const b = await RawSocket.open(`apikey=${standin.anonKey}&vsn=2.0.0`);
    const topic = 'realtime:room-1';
    a.send(['1', '1', topic, 'phx_join', joinPayload(aliceToken, false)]);
    b.send(['1', '1', topic, 'phx_join', joinPayload(bobToken, false)]);
    await a.waitFor((f) => f[1] === '1');
    await b.waitFor((f) => f[1] === '1');
    const push = (joinRef: string, ref: string, t: string, event: string, body: string) => {
      const header = Buffer.from([3, joinRef.length, ref.length, t.length, event.length, 0, 1]);
      return Buffer.concat([header, Buffer.from(joinRef + ref + t + event), Buffer.from(body)]);
    };
    a.ws.send(push('1', '2', topic, 'ping', '{"n":5}'));
    for (let i = 0; i < 100 && !b.frames.some(Buffer.isBuffer); i++) await new Promise((r) => setTimeout(r, 20));
    const frame = b.frames.find(Buffer.isBuffer)!;
    assert.ok(frame, 'b received a binary frame');
    const [kind, topicLen, eventLen, metaLen, encoding] = frame;
    assert.deepEqual([kind, encoding, metaLen], [4, 1, 0]);
    const body = frame.subarray(5);
    assert.equal(body.subarray(0, topicLen).toString(), topic);
    assert.equal(body.subarray(topicLen, topicLen + eventLen).toString(), 'ping');
    assert.deepEqual(JSON.parse(body.subarray(topicLen + eventLen).toString()), { n: 5 });
    assert.equal(a.frames.filter(Buffer.isBuffer).length, 0, 'self: false means the sender gets no echo');

    // On Alice's private channel, with ack on, her own push is refused (no INSERT policy).
    const privateTopic = `realtime:${chatTopic(aliceId)}`;
    a.send([
      '4',
      '4',
      privateTopic,
      'phx_join',
      { ...joinPayload(aliceToken), config: { ...joinPayload(aliceToken).config, broadcast: { ack: true, self: true } } },
    ]);
    await a.waitFor((f) => f[1] === '4');
    a.ws.send(push('4', '5', privateTopic, 'answer', '{}'));
    const refused = await a.waitFor((f) => f[1] === '5');
    assert.equal((refused[4] as { status: string }).status, 'error');
    a.close();
    b.close();
  });

  test('REST broadcast: 401 for a bad key, 422 for a malformed body', async () => {
    const bad = await fetch(`${standin.url}/realtime/v1/api/broadcast`, {
      method: 'POST',
      headers: { apikey: 'nope', 'content-type': 'application/json' },
      body: '{"messages":[]}',
    });
    assert.equal(bad.status, 401);
    assert.deepEqual(await bad.json(), { message: 'Unauthorized' });
    const malformed = await restBroadcast(standin.serviceRoleKey, [{ event: 'x' }]);
    assert.equal(malformed.status, 422);
  });
});
