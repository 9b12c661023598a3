// Claims an AI turn in Postgres (public.claim_ai_turn), so it holds across every
// function instance: a turn id runs once, whoever sends it again and on
// whichever socket, and each user has a per-minute limit. Called with the
// user's client: the claim is recorded for auth.uid(), never for an id the
// client names.
import type { SupabaseClient } from '@supabase/supabase-js';

export type TurnClaim = { outcome: 'claimed' } | { outcome: 'duplicate' } | { outcome: 'rate_limited'; retryAfterSeconds: number };

export async function claimTurn(userClient: SupabaseClient, turnId: string, maxPerMinute: number): Promise<TurnClaim> {
  const { data, error } = await userClient.rpc('claim_ai_turn', { p_turn_id: turnId, max_per_minute: maxPerMinute });
  if (error) throw new Error(`Could not claim the turn: ${error.message}`);
  if (data === 'claimed' || data === 'duplicate') return { outcome: data };
  if (data === 'rate_limited') return { outcome: data, retryAfterSeconds: await secondsUntilNextSlot(userClient) };
  throw new Error(`claim_ai_turn answered ${JSON.stringify(data)}`);
}

/** When the oldest turn of the last minute leaves the window. */
async function secondsUntilNextSlot(userClient: SupabaseClient): Promise<number> {
  const windowStart = new Date(Date.now() - 60_000).toISOString();
  const { data } = await userClient.from('ai_turns').select('created_at').gt('created_at', windowStart).order('created_at', { ascending: true }).limit(1);
  const oldest = data?.[0]?.created_at as string | undefined;
  if (!oldest) return 60;
  const seconds = Math.ceil((Date.parse(oldest) + 60_000 - Date.now()) / 1000);
  return Math.min(60, Math.max(1, seconds));
}
