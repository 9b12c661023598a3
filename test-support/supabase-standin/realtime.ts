// Realtime (Phoenix channels) subset: broadcast channels, public and private, over WebSocket
// (vsn 1.0.0 and 2.0.0) and the REST broadcast API. Private channels are authorised the way
// supabase/realtime does it: probe realtime.messages under RLS as the joining user, with
// `realtime.topic` set, SELECT deciding who may join (read) and INSERT who may send (write).
import type { PGlite } from '@electric-sql/pglite';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { CallerError, claimsOfToken } from './caller.ts';
import { asCaller, isApiRole, setCallerSettings, type JwtClaims } from './database.ts';
import { apiKeyOf, readBody, sendEmpty, sendJson } from '../http-util.ts';
import type { JwtKeys } from './jwt-keys.ts';
import { decodeFrame, encodeText, encodeUserBroadcast, type PhoenixMessage, type UserBroadcast, type Vsn } from './realtime-frames.ts';

export const REALTIME_SOCKET_PATH = '/realtime/v1/websocket';
const TOPIC_PREFIX = 'realtime:';

interface Channel {
  topic: string;
  subTopic: string;
  joinRef: string | null;
  isPrivate: boolean;
  receiveOwn: boolean;
  ack: boolean;
  claims: JwtClaims;
  canWrite?: boolean;
  expiryTimer?: NodeJS.Timeout;
}

interface Connection {
  socket: WebSocket;
  vsn: Vsn;
  apiKey: string;
  channels: Map<string, Channel>;
  /** Frames are handled one after another, in arrival order, as a Phoenix socket process does. */
  queue: Promise<void>;
}

export class RealtimeService {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly connections = new Set<Connection>();

  constructor(
    private readonly db: PGlite,
    private readonly keys: JwtKeys,
  ) {}

  /** `/realtime/v1/websocket?apikey=..&vsn=..`: the key must be valid before the upgrade. */
  async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): Promise<void> {
    const apiKey = url.searchParams.get('apikey') ?? (typeof req.headers.apikey === 'string' ? req.headers.apikey : '');
    try {
      await this.keys.verify(apiKey);
    } catch {
      const body = JSON.stringify({ error: 'Unauthorized: Invalid API key' });
      socket.end(
        `HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
      );
      return;
    }
    const vsn: Vsn = url.searchParams.get('vsn') === '2.0.0' ? '2.0.0' : '1.0.0';
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const connection: Connection = { socket: ws, vsn, apiKey, channels: new Map(), queue: Promise.resolve() };
      this.connections.add(connection);
      ws.on('message', (data, isBinary) => {
        connection.queue = connection.queue
          .then(() => this.onFrame(connection, data as Buffer, isBinary))
          .catch((error: unknown) => console.error('[standin realtime] frame failed:', error));
      });
      ws.on('close', () => this.dropConnection(connection));
    });
  }

  close(): void {
    for (const connection of this.connections) connection.socket.terminate();
    this.connections.clear();
    this.wss.close();
  }

  private dropConnection(connection: Connection): void {
    for (const channel of connection.channels.values()) clearTimeout(channel.expiryTimer);
    this.connections.delete(connection);
  }

  private send(connection: Connection, message: PhoenixMessage): void {
    if (connection.socket.readyState === connection.socket.OPEN) connection.socket.send(encodeText(connection.vsn, message));
  }

  private reply(connection: Connection, request: PhoenixMessage, status: 'ok' | 'error', response: unknown): void {
    this.send(connection, { join_ref: request.join_ref, ref: request.ref, topic: request.topic, event: 'phx_reply', payload: { status, response } });
  }

  private async onFrame(connection: Connection, data: Buffer, isBinary: boolean): Promise<void> {
    let message: PhoenixMessage;
    try {
      message = decodeFrame(connection.vsn, data, isBinary);
    } catch {
      return; // Phoenix ignores frames it cannot decode.
    }
    if (message.topic === 'phoenix' && message.event === 'heartbeat') return this.reply(connection, message, 'ok', {});
    switch (message.event) {
      case 'phx_join':
        return this.join(connection, message);
      case 'phx_leave':
        return this.leave(connection, message);
      case 'access_token':
        return this.refreshToken(connection, message);
      case 'broadcast':
        return this.clientBroadcast(connection, message);
      case 'presence': {
        // Presence is not used by the project; acknowledge so clients do not time out.
        return this.reply(connection, message, 'ok', {});
      }
      default: {
        const channel = connection.channels.get(message.topic);
        if (!channel) return this.reply(connection, message, 'error', { reason: 'unmatched topic' });
        return this.reply(connection, message, 'ok', {});
      }
    }
  }

  private async join(connection: Connection, message: PhoenixMessage): Promise<void> {
    if (!message.topic.startsWith(TOPIC_PREFIX)) return this.reply(connection, message, 'error', { reason: 'unmatched topic' });
    const subTopic = message.topic.slice(TOPIC_PREFIX.length);
    const payload = (message.payload ?? {}) as { config?: { private?: boolean; broadcast?: { self?: boolean; ack?: boolean } }; access_token?: string };
    const config = payload.config ?? {};
    let claims: JwtClaims;
    try {
      claims = await claimsOfToken(payload.access_token ?? connection.apiKey, this.keys);
    } catch (error) {
      const reason = error instanceof CallerError && error.message === 'JWT expired' ? 'Token has expired' : `Invalid JWT: ${(error as Error).message}`;
      return this.reply(connection, message, 'error', { reason });
    }
    const isPrivate = config.private === true;
    if (isPrivate && !(await this.mayRead(claims, subTopic))) {
      return this.reply(connection, message, 'error', {
        reason: `Unauthorized: You do not have permissions to read from this Channel topic: ${subTopic}`,
      });
    }
    const previous = connection.channels.get(message.topic);
    if (previous) clearTimeout(previous.expiryTimer);
    const channel: Channel = {
      topic: message.topic,
      subTopic,
      joinRef: message.join_ref,
      isPrivate,
      receiveOwn: config.broadcast?.self === true,
      ack: config.broadcast?.ack === true,
      claims,
    };
    connection.channels.set(message.topic, channel);
    this.scheduleExpiry(connection, channel);
    this.reply(connection, message, 'ok', { postgres_changes: [] });
  }

  private leave(connection: Connection, message: PhoenixMessage): void {
    const channel = connection.channels.get(message.topic);
    this.reply(connection, message, 'ok', {});
    if (channel) this.closeChannel(connection, channel);
  }

  private closeChannel(connection: Connection, channel: Channel): void {
    clearTimeout(channel.expiryTimer);
    connection.channels.delete(channel.topic);
    this.send(connection, { join_ref: channel.joinRef, ref: channel.joinRef, topic: channel.topic, event: 'phx_close', payload: {} });
  }

  /** Tell the client why its channel stops (as Realtime's `system` message), then close it. */
  private stopChannel(connection: Connection, channel: Channel, reason: string): void {
    this.send(connection, {
      join_ref: channel.joinRef,
      ref: null,
      topic: channel.topic,
      event: 'system',
      payload: { extension: 'system', status: 'error', message: reason, channel: channel.subTopic },
    });
    this.closeChannel(connection, channel);
  }

  private scheduleExpiry(connection: Connection, channel: Channel): void {
    clearTimeout(channel.expiryTimer);
    if (typeof channel.claims.exp !== 'number') return;
    const remainingMs = channel.claims.exp * 1000 - Date.now();
    // Timers beyond ~24 days overflow; API keys expire in years and never need one.
    if (remainingMs > 2 ** 31 - 1) return;
    channel.expiryTimer = setTimeout(() => this.stopChannel(connection, channel, 'Token has expired'), Math.max(0, remainingMs));
    channel.expiryTimer.unref();
  }

  private async refreshToken(connection: Connection, message: PhoenixMessage): Promise<void> {
    const channel = connection.channels.get(message.topic);
    if (!channel) return;
    const token = (message.payload as { access_token?: string } | null)?.access_token;
    if (!token) return;
    let claims: JwtClaims;
    try {
      claims = await claimsOfToken(token, this.keys);
    } catch (error) {
      return this.stopChannel(connection, channel, `The access token is invalid: ${(error as Error).message}`);
    }
    if (channel.isPrivate && !(await this.mayRead(claims, channel.subTopic))) {
      return this.stopChannel(connection, channel, `Unauthorized: You do not have permissions to read from this Channel topic: ${channel.subTopic}`);
    }
    channel.claims = claims;
    channel.canWrite = undefined;
    this.scheduleExpiry(connection, channel);
  }

  private async clientBroadcast(connection: Connection, message: PhoenixMessage): Promise<void> {
    const channel = connection.channels.get(message.topic);
    if (!channel) return this.reply(connection, message, 'error', { reason: 'unmatched topic' });
    const payload = (message.payload ?? {}) as { event?: unknown; payload?: unknown; meta?: Record<string, unknown> };
    if (typeof payload.event !== 'string') return this.reply(connection, message, 'error', { reason: 'broadcast needs an event' });
    if (channel.isPrivate) {
      channel.canWrite ??= await this.mayWrite(channel.claims, channel.subTopic);
      if (!channel.canWrite) {
        if (channel.ack)
          this.reply(connection, message, 'error', { reason: `Unauthorized: You do not have permissions to write to this Channel topic: ${channel.subTopic}` });
        return;
      }
    }
    const broadcast: UserBroadcast = {
      event: payload.event,
      payload: payload.payload,
      binary: Buffer.isBuffer(payload.payload),
      meta: payload.meta,
    };
    this.deliver(channel.subTopic, channel.isPrivate, broadcast, channel.receiveOwn ? undefined : connection, true);
    if (channel.ack) this.reply(connection, message, 'ok', {});
  }

  /**
   * Sends a broadcast to every connection joined to the topic. Client-originated broadcasts go to
   * vsn 2.0.0 sockets as binary kind-4 frames; REST ones as text frames unless the payload is bytes.
   */
  private deliver(subTopic: string, isPrivate: boolean, broadcast: UserBroadcast, exclude: Connection | undefined, preferBinary: boolean): void {
    const topic = TOPIC_PREFIX + subTopic;
    for (const connection of this.connections) {
      if (connection === exclude) continue;
      const channel = connection.channels.get(topic);
      if (!channel || channel.isPrivate !== isPrivate) continue;
      if (connection.socket.readyState !== connection.socket.OPEN) continue;
      if (connection.vsn === '2.0.0' && (preferBinary || broadcast.binary)) {
        connection.socket.send(encodeUserBroadcast(topic, broadcast));
      } else if (!broadcast.binary) {
        const body: Record<string, unknown> = { type: 'broadcast', event: broadcast.event, payload: broadcast.payload };
        if (broadcast.meta) body.meta = broadcast.meta;
        this.send(connection, { join_ref: null, ref: null, topic, event: 'broadcast', payload: body });
      }
    }
  }

  mayRead(claims: JwtClaims, subTopic: string): Promise<boolean> {
    return realtimeMayRead(this.db, claims, subTopic);
  }

  /** Write check: insert as the user under RLS (no RETURNING, which would need SELECT too); roll back. */
  async mayWrite(claims: JwtClaims, subTopic: string): Promise<boolean> {
    if (claims.role === 'service_role') return true;
    const rollback = new Error('probe');
    let allowed = false;
    await asCaller(this.db, { claims, settings: { 'realtime.topic': subTopic } }, async (tx) => {
      await tx.query(`insert into realtime.messages (topic, extension, private, event, payload) values ($1, 'broadcast', true, 'probe', '{}')`, [subTopic]);
      allowed = true;
      throw rollback;
    }).catch((error: unknown) => {
      if (error !== rollback && (error as { code?: string }).code !== '42501') throw error;
    });
    return allowed;
  }

  /** `POST /realtime/v1/api/broadcast` and `POST /realtime/v1/api/broadcast/<topic>/events/<event>`. */
  async handleRest(req: IncomingMessage, res: ServerResponse, url: URL, subpath: string): Promise<void> {
    if (req.method !== 'POST') return sendJson(res, 404, { message: 'Not found' });
    const apiKey = apiKeyOf(req, url);
    const auth = req.headers.authorization;
    let claims: JwtClaims;
    try {
      if (!apiKey) throw new Error('no api key');
      await this.keys.verify(apiKey);
      claims = await claimsOfToken(auth && /^bearer /i.test(auth) ? auth.slice(7).trim() : apiKey, this.keys);
    } catch {
      return sendJson(res, 401, { message: 'Unauthorized' });
    }
    const body = await readBody(req, 16 * 1024 * 1024);
    const single = /^\/api\/broadcast\/([^/]+)\/events\/([^/]+)$/.exec(subpath);
    let messages: { topic: string; event: string; payload: unknown; isPrivate: boolean; binary: boolean }[];
    if (single) {
      const binary = String(req.headers['content-type'] ?? '').startsWith('application/octet-stream');
      let payload: unknown;
      try {
        payload = binary ? body : JSON.parse(body.toString('utf8'));
      } catch {
        return sendJson(res, 422, { message: 'payload must be JSON' });
      }
      messages = [
        { topic: decodeURIComponent(single[1]), event: decodeURIComponent(single[2]), payload, isPrivate: url.searchParams.get('private') === 'true', binary },
      ];
    } else if (subpath === '/api/broadcast') {
      let parsed: { messages?: unknown };
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        return sendJson(res, 422, { message: 'body must be JSON' });
      }
      if (!Array.isArray(parsed.messages)) return sendJson(res, 422, { errors: { messages: ["can't be blank"] } });
      messages = [];
      for (const m of parsed.messages as Record<string, unknown>[]) {
        if (typeof m?.topic !== 'string' || typeof m.event !== 'string') return sendJson(res, 422, { errors: { messages: ['topic and event are required'] } });
        messages.push({ topic: m.topic, event: m.event, payload: m.payload ?? {}, isPrivate: m.private === true, binary: false });
      }
    } else {
      return sendJson(res, 404, { message: 'Not found' });
    }
    for (const m of messages) {
      // A private message whose sender lacks INSERT rights is dropped silently, as the real API does.
      if (m.isPrivate && !(await this.mayWrite(claims, m.topic))) continue;
      this.deliver(m.topic, m.isPrivate, { event: m.event, payload: m.payload, binary: m.binary }, undefined, false);
    }
    sendEmpty(res, 202);
  }
}

/**
 * Realtime's read check for a private channel: insert a probe row as the
 * server, then look for it as the user under RLS with realtime.topic set;
 * roll back. Exported so the policy tests run the very check the stand-in uses.
 */
export async function realtimeMayRead(db: PGlite, claims: JwtClaims, subTopic: string, extension = 'broadcast'): Promise<boolean> {
  const rollback = new Error('probe');
  let visible = false;
  await db
    .transaction(async (tx) => {
      const { rows } = await tx.query<{ id: string }>(
        `insert into realtime.messages (topic, extension, private, event, payload) values ($1, $2, true, 'probe', '{}') returning id`,
        [subTopic, extension],
      );
      await setCallerSettings(tx, { claims, settings: { 'realtime.topic': subTopic } });
      if (!isApiRole(claims.role)) throw new Error(`refusing to run as role ${String(claims.role)}`);
      await tx.exec(`set local role ${claims.role}`);
      visible = (await tx.query('select 1 from realtime.messages where id = $1', [rows[0].id])).rows.length === 1;
      throw rollback;
    })
    .catch((error: unknown) => {
      if (error !== rollback) throw error;
    });
  return visible;
}
