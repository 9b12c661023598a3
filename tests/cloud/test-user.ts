// A user created on the stand-in, with a supabase-js client of its own: what
// tests sign the app in as (through the app's account service), and how they
// check from outside what the app stored.
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import type { SupabaseStandin } from '../../test-support/supabase-standin/index.ts';

export interface TestUser {
  email: string;
  password: string;
  id: string;
  /** Signed in as the user, straight to the stand-in. */
  supabase: SupabaseClient;
}

export async function createTestUser(standin: SupabaseStandin, email: string): Promise<TestUser> {
  const password = 'correct horse battery';
  await standin.createUser(email, password);
  const supabase = createClient(standin.url, standin.anonKey, {
    realtime: { transport: WebSocket as never }, // Node 20 has no global WebSocket
    auth: { persistSession: false, autoRefreshToken: false },
  });
  const { data, error } = await supabase.auth.signInWithPassword({ email, password });
  if (error || !data.session) throw new Error(`sign-in failed: ${error?.message}`);
  return { email, password, id: data.session.user.id, supabase };
}
