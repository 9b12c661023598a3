// A local HTTP endpoint shaped like Realtime's REST broadcast API that records
// what it receives, so tests run the real publisher and transport over HTTP.
import type { BroadcastMessage } from '../_shared/realtime-broadcast.ts';

export interface BroadcastRecorder {
  url: string;
  /** One entry per accepted POST. */
  batches: Array<{ messages: Array<BroadcastMessage & { private: boolean }>; authorization: string | null }>;
  /** Statuses to answer the next POSTs with (then 202). */
  failNext: number[];
  /** Delay before answering each POST (ms). */
  delayMs: number;
  close(): Promise<void>;
}

export function startBroadcastRecorder(): BroadcastRecorder {
  const recorder: BroadcastRecorder = {
    url: '',
    batches: [],
    failNext: [],
    delayMs: 0,
    close: () => server.shutdown(),
  };
  const server = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen() {} }, async (request) => {
    const body = await request.json();
    if (recorder.delayMs) await new Promise((resolve) => setTimeout(resolve, recorder.delayMs));
    const status = recorder.failNext.shift();
    if (status) return new Response('{"message":"try later"}', { status });
    if (new URL(request.url).pathname !== '/realtime/v1/api/broadcast') return new Response('not found', { status: 404 });
    recorder.batches.push({ messages: body.messages, authorization: request.headers.get('authorization') });
    return new Response(null, { status: 202 });
  });
  recorder.url = `http://127.0.0.1:${server.addr.port}`;
  return recorder;
}
