// Runs the real socket handler under Deno.serve and talks to it with Deno's
// WebSocket client. Paths that need the database are covered by the
// integration tests (tests/cloud) against the Supabase stand-in.
import { SignJWT } from 'jose';
import { assert, assertEquals, assertMatch } from '../_test/assert.ts';
import { CHAT_PROTOCOL, CLOSE_POLICY_VIOLATION, ServerMessageSchema, type ServerMessage } from '../_shared/chat-messages.ts';
import type { SocketConfig } from '../_shared/config.ts';
import { createSocketHandler } from './socket-handler.ts';
import { startFakeAuth } from '../_test/fake-auth.ts';

const secret = 'socket-test-secret-of-32-characters!!';
const userId = '7b6a5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d';
// Auth answers GET /auth/v1/user; there is no database (PostgREST) behind this URL.
const auth = startFakeAuth({ secret });
const config: SocketConfig = {
  supabaseUrl: auth.url,
  anonKey: 'anon',
  serviceRoleKey: 'service',
  jwtSecret: secret,
  aiTurnCredential: 'service',
  processTurnUrl: 'http://127.0.0.1:9/functions/v1/process-ai-turn',
  turnsPerMinute: 5,
  maxMessageBytes: 4096,
};

function userToken(expiresIn: string | number = '1h') {
  return new SignJWT({ sub: userId, role: 'authenticated', aud: 'authenticated' })
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
}

// Deno's test sanitizers want every server closed by the end of the last test.
addEventListener('unload', () => void auth.close());

async function withServer(run: (url: string) => Promise<void>) {
  const server = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen() {} }, createSocketHandler(config));
  try {
    await run(`ws://127.0.0.1:${server.addr.port}/functions/v1/trace-analysis-socket`);
  } finally {
    await server.shutdown();
  }
}

/** Opens a socket and collects messages until it closes or `count` messages arrived. */
function connect(url: string, protocols?: string[]) {
  const socket = new WebSocket(url, protocols);
  const messages: ServerMessage[] = [];
  const waiters: Array<() => void> = [];
  socket.onmessage = (event) => {
    messages.push(ServerMessageSchema.parse(JSON.parse(event.data)));
    waiters.splice(0).forEach((w) => w());
  };
  const closed = new Promise<CloseEvent>((resolve) => (socket.onclose = resolve));
  const opened = new Promise<void>((resolve, reject) => {
    socket.onopen = () => resolve();
    socket.onerror = () => reject(new Error('socket error'));
  });
  async function next(): Promise<ServerMessage> {
    const seen = messages.length;
    while (messages.length === seen) await new Promise<void>((resolve) => waiters.push(resolve));
    return messages[seen];
  }
  return { socket, messages, closed, opened, next };
}

Deno.test('a plain HTTP request is told to upgrade', async () => {
  await withServer(async (url) => {
    const response = await fetch(url.replace('ws:', 'http:'));
    assertEquals(response.status, 426);
    await response.body?.cancel();
  });
});

Deno.test('no token, a forged token or an expired token: the socket closes with 1008 and a reason', async () => {
  await withServer(async (url) => {
    const forged = await new SignJWT({ sub: userId, role: 'authenticated', aud: 'authenticated' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('not-the-project-secret-32-characters'));
    const cases: Array<[string, RegExp]> = [
      [url, /Missing access token/],
      [`${url}?access_token=${forged}`, /signature is invalid/],
      [`${url}?access_token=${await userToken(Math.floor(Date.now() / 1000) - 10)}`, /expired/],
      [`${url}?access_token=garbage`, /Malformed/],
    ];
    for (const [target, reason] of cases) {
      const client = connect(target);
      const close = await client.closed;
      assertEquals(close.code, CLOSE_POLICY_VIOLATION);
      assertMatch(close.reason, reason);
      assertEquals(client.messages.length, 0, 'nothing is sent before the token is verified');
    }
  });
});

Deno.test('a token in the subprotocol is accepted and only the protocol name is echoed', async () => {
  await withServer(async (url) => {
    const client = connect(url, [CHAT_PROTOCOL, `jwt.${await userToken()}`]);
    await client.opened;
    assertEquals(client.socket.protocol, CHAT_PROTOCOL);
    const ack = await client.next();
    assertEquals(ack, { type: 'connection_ack', protocol: CHAT_PROTOCOL, resultsChannel: `private-chat-results-${userId}`, turnsPerMinute: 5 });
    client.socket.close();
    await client.closed;
  });
});

Deno.test('offering only the token subprotocol is refused (it would have to be echoed)', async () => {
  await withServer(async (url) => {
    const client = connect(url, [`jwt.${await userToken()}`]);
    const failed = await client.opened.then(
      () => false,
      () => true,
    );
    assert(failed);
    await client.closed;
  });
});

Deno.test('malformed, oversized, binary and userId-carrying messages get an error reply and the socket stays usable', async () => {
  await withServer(async (url) => {
    const client = connect(`${url}?access_token=${await userToken()}`);
    await client.opened;
    assertEquals((await client.next()).type, 'connection_ack');
    const traceId = '2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d';
    const probes: Array<[string | Uint8Array<ArrayBuffer>, RegExp]> = [
      ['{"type":', /not valid JSON/],
      [JSON.stringify({ type: 'start_analysis', traceId, userId: '00000000-0000-4000-8000-000000000000' }), /userId/],
      [JSON.stringify({ type: 'user_prompt', traceId, turnId: 'nope', prompt: 'q', history: [] }), /turnId/],
      [JSON.stringify({ type: 'hello' }), /type/],
      ['x'.repeat(5000), /too large/],
      [new Uint8Array([1, 2, 3]), /binary/],
    ];
    for (const [frame, pattern] of probes) {
      client.socket.send(frame);
      const reply = await client.next();
      assert(reply.type === 'error', JSON.stringify(reply));
      assertEquals(reply.code, 'invalid_message');
      assertMatch(reply.message, pattern);
    }
    // A refused frame that names its turn gets an error for that turn alone (the desktop ends only it).
    const turnId = '3a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d';
    const named: string[] = [
      JSON.stringify({ type: 'tool_results', turnId, step: 1, results: [{ callId: 'c', content: 'x'.repeat(5000) }] }),
      JSON.stringify({ type: 'tool_results', turnId, step: 0, results: [] }),
    ];
    for (const frame of named) {
      client.socket.send(frame);
      const reply = await client.next();
      assert(reply.type === 'error' && reply.code === 'invalid_message', JSON.stringify(reply));
      assertEquals(reply.turnId, turnId);
    }
    assertEquals(client.socket.readyState, WebSocket.OPEN);
    client.socket.close();
    await client.closed;
  });
});

Deno.test('the frame limit counts UTF-8 bytes, not characters', async () => {
  await withServer(async (url) => {
    const client = connect(`${url}?access_token=${await userToken()}`);
    await client.opened;
    assertEquals((await client.next()).type, 'connection_ack');
    // A prompt of three-byte characters, padded to exactly `bytes` bytes of UTF-8. Its turnId is
    // invalid, so a frame that is read gets the schema's answer (no database needed here).
    const frameOf = (bytes: number) => {
      const shell = JSON.stringify({ type: 'user_prompt', traceId: '2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d', turnId: 'not-a-uuid', prompt: '', history: [] });
      const room = bytes - new TextEncoder().encode(shell).length;
      const prompt = '€'.repeat(Math.floor(room / 3)) + 'a'.repeat(room % 3);
      const frame = shell.replace('"prompt":""', `"prompt":"${prompt}"`);
      assertEquals(new TextEncoder().encode(frame).length, bytes);
      return frame;
    };
    const limit = config.maxMessageBytes;
    client.socket.send(frameOf(limit + 1));
    const refused = await client.next();
    assert(refused.type === 'error' && refused.code === 'invalid_message', JSON.stringify(refused));
    assertMatch(refused.message, /too large/);
    client.socket.send(frameOf(limit));
    const read = await client.next();
    assert(read.type === 'error' && read.code === 'invalid_message', JSON.stringify(read));
    assertMatch(read.message, /turnId/);
    client.socket.close();
    await client.closed;
  });
});

Deno.test('the socket closes with 1008 when the token it was opened with expires', async () => {
  await withServer(async (url) => {
    const client = connect(`${url}?access_token=${await userToken(Math.floor(Date.now() / 1000) + 2)}`);
    await client.opened;
    assertEquals((await client.next()).type, 'connection_ack');
    const close = await client.closed;
    assertEquals(close.code, CLOSE_POLICY_VIOLATION);
    assertMatch(close.reason, /expired: reconnect/);
  });
});
