import { assert, assertEquals, assertRejects } from '../_test/assert.ts';
import { startBroadcastRecorder } from '../_test/broadcast-recorder.ts';
import { AI_RESPONSE_EVENT, RealtimeEventSchema, type RealtimeEvent } from './chat-messages.ts';
import { restBroadcastTransport } from './realtime-broadcast.ts';
import { TurnEventPublisher } from './turn-events.ts';

const userId = '3c7e1a52-8a0b-4f7e-b2c4-5d6e7f8a9b0c';
const turnId = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const traceId = '1d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function eventsOf(recorder: ReturnType<typeof startBroadcastRecorder>): RealtimeEvent[] {
  return recorder.batches
    .flatMap((b) => b.messages)
    .map((m) => {
      assertEquals(m.topic, `private-chat-results-${userId}`);
      assertEquals(m.private, true);
      const event = RealtimeEventSchema.parse(m.payload);
      assertEquals(m.event, AI_RESPONSE_EVENT);
      return event;
    });
}

Deno.test('events of a turn carry contiguous sequence numbers and arrive in order; deltas are coalesced', async () => {
  const recorder = startBroadcastRecorder();
  try {
    const publisher = new TurnEventPublisher({
      userId,
      turnId,
      flushIntervalMs: 50,
      transport: restBroadcastTransport({ supabaseUrl: recorder.url, serviceRoleKey: 'service-key' }),
    });
    publisher.start(traceId, 'gpt-test');
    const pieces = Array.from({ length: 200 }, (_, i) => `t${i} `);
    for (const [i, piece] of pieces.entries()) {
      publisher.append(piece);
      if (i % 20 === 0) await sleep(5); // a model producing ~4000 tokens/s
    }
    await publisher.end({ promptTokens: 10, completionTokens: 200, totalTokens: 210 }, 'stop', 0);

    const events = eventsOf(recorder);
    assertEquals(
      events.map((e) => e.seq),
      events.map((_, i) => i),
    );
    assertEquals(events[0].type, 'model_chunk_start');
    assertEquals(events.at(-1)?.type, 'model_response_end');
    const text = events.flatMap((e) => (e.type === 'model_chunk_append' ? [e.text] : [])).join('');
    assertEquals(text, pieces.join(''));
    // 200 deltas over ~50 ms must not become 200 REST calls.
    assert(recorder.batches.length < 12, `${recorder.batches.length} POSTs for 200 deltas`);
    assertEquals(recorder.batches[0].authorization, 'Bearer service-key');
    assertEquals(publisher.nextEventSeq, events.length);
  } finally {
    await recorder.close();
  }
});

Deno.test('the first delta is sent at once, not after the coalescing interval', async () => {
  const recorder = startBroadcastRecorder();
  try {
    const publisher = new TurnEventPublisher({
      userId,
      turnId,
      flushIntervalMs: 2_000,
      transport: restBroadcastTransport({ supabaseUrl: recorder.url, serviceRoleKey: 'k' }),
    });
    publisher.start(traceId, 'm');
    await sleep(20);
    publisher.append('first');
    await sleep(100);
    const events = eventsOf(recorder);
    assertEquals(
      events.map((e) => e.type),
      ['model_chunk_start', 'model_chunk_append'],
    );
    await publisher.end(null, null, 0);
  } finally {
    await recorder.close();
  }
});

Deno.test('a failure after partial text is the last event, and nothing is published after it', async () => {
  const recorder = startBroadcastRecorder();
  try {
    const publisher = new TurnEventPublisher({
      userId,
      turnId,
      flushIntervalMs: 10,
      transport: restBroadcastTransport({ supabaseUrl: recorder.url, serviceRoleKey: 'k' }),
    });
    publisher.start(traceId, 'm');
    publisher.append('partial');
    await publisher.fail('model_unavailable', 'cut off', 5);
    publisher.append('late');
    await publisher.end(null, 'stop', 0);
    const events = eventsOf(recorder);
    assertEquals(
      events.map((e) => [e.seq, e.type]),
      [
        [0, 'model_chunk_start'],
        [1, 'model_chunk_append'],
        [2, 'error'],
      ],
    );
    const last = events[2];
    assert(last.type === 'error' && last.code === 'model_unavailable' && last.retryAfterSeconds === 5);
  } finally {
    await recorder.close();
  }
});

Deno.test('transient broadcast failures (503, 429) are retried; the order survives', async () => {
  const recorder = startBroadcastRecorder();
  try {
    recorder.failNext = [503, 429];
    const publisher = new TurnEventPublisher({
      userId,
      turnId,
      flushIntervalMs: 10,
      transport: restBroadcastTransport({ supabaseUrl: recorder.url, serviceRoleKey: 'k' }),
    });
    publisher.start(traceId, 'm');
    publisher.append('a');
    publisher.append('b');
    await publisher.end(null, 'stop', 2);
    const events = eventsOf(recorder);
    assertEquals(
      events.map((e) => e.seq),
      [0, 1, 2],
    );
    assertEquals(
      events.map((e) => e.type),
      ['model_chunk_start', 'model_chunk_append', 'model_response_end'],
    );
  } finally {
    await recorder.close();
  }
});

Deno.test('a refused broadcast (401) is reported, not retried forever', async () => {
  const recorder = startBroadcastRecorder();
  try {
    recorder.failNext = [401];
    const transport = restBroadcastTransport({ supabaseUrl: recorder.url, serviceRoleKey: 'wrong' });
    await assertRejects(
      () => transport([{ topic: 't', event: 'e', payload: {} }]),
      (e) => e instanceof Error && /HTTP 401/.test(e.message),
    );
    const failures: unknown[] = [];
    recorder.failNext = [401];
    const publisher = new TurnEventPublisher({ userId, turnId, flushIntervalMs: 10, transport, onDeliveryFailure: (e) => failures.push(e) });
    await publisher.fail('internal_error', 'x');
    assertEquals(failures.length, 1);
  } finally {
    await recorder.close();
  }
});

Deno.test('the first delta is not held back when it arrives while the start event is still in flight', async () => {
  const recorder = startBroadcastRecorder();
  try {
    recorder.delayMs = 60;
    const publisher = new TurnEventPublisher({
      userId,
      turnId,
      flushIntervalMs: 5_000,
      transport: restBroadcastTransport({ supabaseUrl: recorder.url, serviceRoleKey: 'k' }),
    });
    publisher.start(traceId, 'm');
    publisher.append('first');
    publisher.append(' second');
    await sleep(400);
    const events = eventsOf(recorder);
    assertEquals(
      events.map((e) => e.type),
      ['model_chunk_start', 'model_chunk_append'],
    );
    assertEquals(events[1].type === 'model_chunk_append' && events[1].text, 'first second');
    await publisher.end(null, null, 0);
  } finally {
    await recorder.close();
  }
});
