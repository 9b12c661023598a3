// Publishes broadcast messages through Realtime's REST endpoint with the
// service role (which may write to any private channel). One POST carries a
// batch; transient failures (network, 429, 5xx) are retried with backoff.
import type { SupabaseConfig } from './config.ts';

export interface BroadcastMessage {
  /** Topic without the `realtime:` prefix. */
  topic: string;
  event: string;
  payload: unknown;
}

export type BroadcastTransport = (messages: BroadcastMessage[]) => Promise<void>;

const RETRY_DELAYS_MS = [100, 400, 1_500];

export function restBroadcastTransport(config: Pick<SupabaseConfig, 'supabaseUrl' | 'serviceRoleKey'>): BroadcastTransport {
  const url = `${config.supabaseUrl}/realtime/v1/api/broadcast`;
  const headers = {
    apikey: config.serviceRoleKey,
    authorization: `Bearer ${config.serviceRoleKey}`,
    'content-type': 'application/json',
  };
  return async (messages) => {
    const body = JSON.stringify({ messages: messages.map((m) => ({ ...m, private: true })) });
    for (let attempt = 0; ; attempt++) {
      let failure: string;
      try {
        const response = await fetch(url, { method: 'POST', headers, body });
        await response.body?.cancel();
        if (response.ok) return;
        failure = `HTTP ${response.status}`;
        if (response.status !== 429 && response.status < 500) throw new Error(`Realtime broadcast refused: ${failure}`);
      } catch (error) {
        if (error instanceof Error && error.message.startsWith('Realtime broadcast refused')) throw error;
        failure = error instanceof Error ? error.message : String(error);
      }
      const delay = RETRY_DELAYS_MS[attempt];
      if (delay === undefined) throw new Error(`Realtime broadcast failed after ${attempt + 1} attempts: ${failure}`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  };
}
