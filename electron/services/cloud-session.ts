// The signed-in Supabase client, as the account service (chat-main) exposes
// it to the services that act as the user: trace sync, the chat bridge.
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Unsubscribe } from '../ipc-contract.ts';

export interface CloudSession {
  /** The client signed in as the user; null when signed out or no project is configured. */
  client(): SupabaseClient | null;
  /** The signed-in user's id (auth.uid()); null when signed out. */
  userId(): string | null;
  /** A project is configured, signed in or not: a sign-in may come while a trace is open. */
  configured(): boolean;
  /** Called after every sign-in, sign-out or change of user. */
  onChange(callback: () => void): Unsubscribe;
}

/** No project, or nobody signed in: nothing is synced. */
export const SIGNED_OUT: CloudSession = {
  client: () => null,
  userId: () => null,
  configured: () => false,
  onChange: () => () => {},
};
