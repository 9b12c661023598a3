// The two ways a function talks to Supabase: as the signed-in user (RLS
// decides what they may see) or as the service role (server-side work only).
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import type { SupabaseConfig } from './config.ts';

const serverSide = { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false };

export function createUserClient(config: Pick<SupabaseConfig, 'supabaseUrl' | 'anonKey'>, accessToken: string): SupabaseClient {
  return createClient(config.supabaseUrl, config.anonKey, {
    auth: serverSide,
    global: { headers: { Authorization: `Bearer ${accessToken}` } },
  });
}

export function createAdminClient(config: Pick<SupabaseConfig, 'supabaseUrl' | 'serviceRoleKey'>): SupabaseClient {
  return createClient(config.supabaseUrl, config.serviceRoleKey, { auth: serverSide });
}
