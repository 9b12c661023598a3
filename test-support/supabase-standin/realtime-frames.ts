// Phoenix channel frames as @supabase/realtime-js speaks them: vsn 1.0.0 JSON objects, vsn 2.0.0
// JSON arrays plus binary user-broadcast frames (kind 3 client->server, kind 4 server->client).

export type Vsn = '1.0.0' | '2.0.0';

export interface PhoenixMessage {
  join_ref: string | null;
  ref: string | null;
  topic: string;
  event: string;
  payload: unknown;
}

/** A user broadcast as carried inside the channel: `payload` is JSON or raw bytes. */
export interface UserBroadcast {
  event: string;
  payload: unknown;
  binary: boolean;
  meta?: Record<string, unknown>;
}

const KIND_USER_BROADCAST_PUSH = 3;
const KIND_USER_BROADCAST = 4;
const ENCODING_BINARY = 0;
const ENCODING_JSON = 1;

export function encodeText(vsn: Vsn, message: PhoenixMessage): string {
  if (vsn === '1.0.0') return JSON.stringify(message);
  return JSON.stringify([message.join_ref, message.ref, message.topic, message.event, message.payload]);
}

/** Decodes a client frame. Binary kind 3 becomes a `broadcast` message with `{type, event, payload}`. */
export function decodeFrame(vsn: Vsn, data: Buffer, isBinary: boolean): PhoenixMessage {
  if (!isBinary) {
    const parsed = JSON.parse(data.toString('utf8'));
    if (vsn === '1.0.0') {
      return { join_ref: parsed.join_ref ?? null, ref: parsed.ref ?? null, topic: parsed.topic, event: parsed.event, payload: parsed.payload };
    }
    if (!Array.isArray(parsed) || parsed.length !== 5) throw new Error('vsn 2.0.0 text frames are 5-element arrays');
    const [join_ref, ref, topic, event, payload] = parsed;
    return { join_ref, ref, topic, event, payload };
  }
  if (data[0] !== KIND_USER_BROADCAST_PUSH) throw new Error(`unsupported binary frame kind ${data[0]}`);
  const [joinRefLen, refLen, topicLen, eventLen, metaLen, encoding] = [data[1], data[2], data[3], data[4], data[5], data[6]];
  let offset = 7;
  const take = (length: number) => {
    const text = data.subarray(offset, offset + length).toString('utf8');
    offset += length;
    return text;
  };
  const joinRef = take(joinRefLen);
  const ref = take(refLen);
  const topic = take(topicLen);
  const event = take(eventLen);
  const meta = take(metaLen);
  const body = data.subarray(offset);
  const broadcast: Record<string, unknown> = {
    type: 'broadcast',
    event,
    payload: encoding === ENCODING_JSON ? JSON.parse(body.toString('utf8')) : Buffer.from(body),
  };
  if (meta) Object.assign(broadcast, JSON.parse(meta));
  return { join_ref: joinRef || null, ref: ref || null, topic, event: 'broadcast', payload: broadcast };
}

/** Server->client kind 4 frame: `[4][topicLen][eventLen][metaLen][enc][topic][event][meta][payload]`. */
export function encodeUserBroadcast(topic: string, broadcast: UserBroadcast): Buffer {
  const topicBytes = Buffer.from(topic, 'utf8');
  const eventBytes = Buffer.from(broadcast.event, 'utf8');
  const metaBytes = Buffer.from(broadcast.meta ? JSON.stringify(broadcast.meta) : '', 'utf8');
  if (topicBytes.length > 255 || eventBytes.length > 255 || metaBytes.length > 255) {
    throw new Error('topic, event and meta must each fit in 255 bytes');
  }
  const body = broadcast.binary ? Buffer.from(broadcast.payload as Uint8Array) : Buffer.from(JSON.stringify(broadcast.payload), 'utf8');
  const header = Buffer.from([KIND_USER_BROADCAST, topicBytes.length, eventBytes.length, metaBytes.length, broadcast.binary ? ENCODING_BINARY : ENCODING_JSON]);
  return Buffer.concat([header, topicBytes, eventBytes, metaBytes, body]);
}
