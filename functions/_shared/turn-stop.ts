// A turn the user stopped (public.ai_turns.stopped_at, migration
// 20261206000000_ai_turn_stop.sql): the socket marks it as the user, and
// process-ai-turn watches the mark while its model call streams, so Stop ends
// the model's generating (and its bill), not only the desktop's listening.
import type { SupabaseClient } from '@supabase/supabase-js';

/** Called with the user's client: the database checks the turn is theirs. False: the user has no such turn. */
export async function stopTurn(userClient: SupabaseClient, turnId: string): Promise<boolean> {
  const { data, error } = await userClient.rpc('stop_ai_turn', { p_turn_id: turnId });
  if (error) throw new Error(`Could not stop turn ${turnId}: ${error.message}`);
  return data === true;
}

export interface StopWatch {
  /** Aborts once the turn is marked stopped. */
  signal: AbortSignal;
  dispose(): void;
}

/**
 * Reads the turn's mark (service role) every `pollMs` until disposed. A read
 * that fails is logged and tried again at the next poll: a database hiccup
 * must not end an answer the user still wants.
 */
export function watchForStop(admin: SupabaseClient, userId: string, turnId: string, pollMs: number): StopWatch {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let disposed = false;
  const schedule = () => {
    if (!disposed) timer = setTimeout(() => void poll(), pollMs);
  };
  const poll = async () => {
    const { data, error } = await admin
      .from('ai_turns')
      .select('stopped_at')
      .eq('turn_id', turnId)
      .eq('user_id', userId)
      .maybeSingle<{ stopped_at: string | null }>();
    if (error) console.error(`turn ${turnId}: reading its stop mark failed: ${error.message}`);
    if (data?.stopped_at) controller.abort();
    else schedule();
  };
  schedule();
  return {
    signal: controller.signal,
    dispose() {
      disposed = true;
      clearTimeout(timer);
    },
  };
}
