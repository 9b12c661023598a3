// The seam between the account (which owns the signed-in Supabase client)
// and what uses it (Storage sync, the chat bridge): they read the client and
// the user through this, and hear when either changes (sign-in, sign-out,
// another project in settings), without reaching into the account service.
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Unsubscribe } from '../ipc-contract.ts';

export interface CloudSession {
  /** The signed-in client, or null when signed out or no project is configured. */
  client(): SupabaseClient | null;
  /** The signed-in user's id (from the verified session), or null. */
  userId(): string | null;
  /** Called after the client or the user changed (not on a mere token refresh). */
  onChange(callback: () => void): Unsubscribe;
}
