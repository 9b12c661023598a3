// A user signed in with supabase-js, as a CloudSession: what the account
// service gives the services that act as the user; they hear of signOut() and signBackIn().
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import type { CloudSession } from '../../electron/services/cloud-session.ts';
import type { SupabaseStandin } from '../../test-support/supabase-standin/index.ts';

export class SignedInSession implements CloudSession {
  private signedIn = true;
  private readonly listeners = new Set<() => void>();

  private constructor(
    readonly supabase: SupabaseClient,
    readonly id: string,
  ) {}

  /** Creates the user on the stand-in and signs in through `url` (the stand-in's, or a proxy in front of it). */
  static async create(standin: SupabaseStandin, email: string, url = standin.url): Promise<SignedInSession> {
    const password = 'correct horse battery';
    await standin.createUser(email, password);
    const supabase = createClient(url, standin.anonKey, {
      realtime: { transport: WebSocket as never }, // Node 20 has no global WebSocket
      auth: { persistSession: false, autoRefreshToken: false },
    });
    const { data, error } = await supabase.auth.signInWithPassword({ email, password });
    if (error || !data.session) throw new Error(`sign-in failed: ${error?.message}`);
    return new SignedInSession(supabase, data.session.user.id);
  }

  client = () => (this.signedIn ? this.supabase : null);
  userId = () => (this.signedIn ? this.id : null);

  onChange(callback: () => void) {
    this.listeners.add(callback);
    return () => void this.listeners.delete(callback);
  }

  signOut(): void {
    this.signedIn = false;
    for (const listener of this.listeners) listener();
  }

  /** Signed in again with the same session (as after a sign-in in the app). */
  signBackIn(): void {
    this.signedIn = true;
    for (const listener of this.listeners) listener();
  }
}
