// The user's account on the configured Supabase project. supabase-js runs
// here, in the main process only: its session (access and refresh token) is
// kept in the secret store, encrypted, and refreshed automatically, and no
// token ever reaches a window. Sign-in by email + password or by an emailed
// one-time code; sign-out ends this device's session only. Changing the
// project in settings swaps the client (each project keeps its own session).
// Storage sync and the chat bridge use the signed-in client through the
// CloudSession interface.
import { createClient, type AuthError, type Session, type SupabaseClient, type SupportedStorage } from '@supabase/supabase-js';
import WebSocket from 'ws';
import type { AccountState, Unsubscribe } from '../ipc-contract.ts';
import type { AppSettings } from './app-settings.ts';
import type { CloudSession } from './cloud-session.ts';
import type { SecretStore } from './secret-store.ts';

/** Secret-store names of supabase-js's storage keys. */
const SECRET_PREFIX = 'supabase-auth:';

interface Project {
  url: string;
  anonKey: string;
  client: SupabaseClient;
  stopListening: () => void;
}

export interface AccountServiceOptions {
  settings: AppSettings;
  secrets: SecretStore;
}

export class AccountService implements CloudSession {
  private project: Project | null = null;
  private session: Session | null = null;
  /** Project switches happen one after another, in the order settings changed. */
  private switching: Promise<void> = Promise.resolve();
  private readonly stateListeners = new Set<(state: AccountState) => void>();
  private readonly sessionListeners = new Set<() => void>();
  /** What listeners were last told, so they hear only of changes. */
  private told: { state: string; client: SupabaseClient | null; userId: string | null } = { state: '', client: null, userId: null };
  private stopWatchingSettings: Unsubscribe = () => {};

  private constructor(private readonly options: AccountServiceOptions) {}

  /** Opens the configured project (if any) and restores its stored session. */
  static async start(options: AccountServiceOptions): Promise<AccountService> {
    const account = new AccountService(options);
    await account.followSettings();
    account.stopWatchingSettings = options.settings.onChange(() => void account.followSettings());
    return account;
  }

  state(): AccountState {
    if (!this.project) return { status: 'unconfigured' };
    const { url } = this.project;
    const user = this.session?.user;
    if (!user) return { status: 'signed-out', supabaseUrl: url };
    return { status: 'signed-in', supabaseUrl: url, userId: user.id, email: user.email ?? null };
  }

  /** Called with the new state whenever it changes (sign-in, sign-out, another project). */
  onStateChange(listener: (state: AccountState) => void): Unsubscribe {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  // ---- CloudSession

  client(): SupabaseClient | null {
    return this.session ? (this.project?.client ?? null) : null;
  }

  userId(): string | null {
    return this.session?.user.id ?? null;
  }

  configured(): boolean {
    return this.project !== null;
  }

  onChange(callback: () => void): Unsubscribe {
    this.sessionListeners.add(callback);
    return () => this.sessionListeners.delete(callback);
  }

  /** A valid access token (refreshed first when it has expired), or null when signed out. */
  async accessToken(): Promise<string | null> {
    const client = this.client();
    if (!client) return null;
    const { data } = await client.auth.getSession();
    return data.session?.access_token ?? null;
  }

  /** Refreshes the session now (the server said the token expired) and returns the new access token. */
  async refreshedAccessToken(): Promise<string | null> {
    const client = this.client();
    if (!client) return null;
    const { data, error } = await client.auth.refreshSession();
    if (error) throw userFacing(error, this.project!.url);
    return data.session?.access_token ?? null;
  }

  // ---- requests

  async signUp(email: string, password: string): Promise<AccountState> {
    const { data, error } = await this.requireProject().client.auth.signUp({ email, password });
    if (error) throw userFacing(error, this.project!.url);
    // A project that confirms emails answers without a session.
    if (!data.session) throw new Error(`Check ${email} for a confirmation link, then sign in.`);
    return this.sessionChanged(data.session);
  }

  async signIn(email: string, password: string): Promise<AccountState> {
    const { data, error } = await this.requireProject().client.auth.signInWithPassword({ email, password });
    if (error) throw userFacing(error, this.project!.url);
    return this.sessionChanged(data.session);
  }

  async sendCode(email: string): Promise<void> {
    const { error } = await this.requireProject().client.auth.signInWithOtp({ email, options: { shouldCreateUser: true } });
    if (error) throw userFacing(error, this.project!.url);
  }

  async verifyCode(email: string, code: string): Promise<AccountState> {
    const { data, error } = await this.requireProject().client.auth.verifyOtp({ email, token: code, type: 'email' });
    if (error) throw userFacing(error, this.project!.url);
    return this.sessionChanged(data.session);
  }

  /** Ends this device's session; other devices stay signed in. Works offline too. */
  async signOut(): Promise<AccountState> {
    const project = this.project;
    if (!project || !this.session) return this.state();
    const { error } = await project.client.auth.signOut({ scope: 'local' });
    if (error) {
      // The server could not be told (offline): forget the session here all the same.
      await this.options.secrets.delete(SECRET_PREFIX + storageKeyOf(project.url));
      await this.replaceProject(project.url, project.anonKey);
    }
    return this.sessionChanged(null);
  }

  async dispose(): Promise<void> {
    this.stopWatchingSettings();
    await this.switching;
    await this.closeProject();
  }

  // ---- internals

  private requireProject(): Project {
    if (!this.project) throw new Error('No Supabase project is configured: set its URL and anon key in Settings.');
    return this.project;
  }

  private followSettings(): Promise<void> {
    this.switching = this.switching.then(async () => {
      const { supabaseUrl, supabaseAnonKey } = this.options.settings.resolved();
      const current = this.project;
      if (current?.url === supabaseUrl && current.anonKey === supabaseAnonKey) return;
      if (supabaseUrl && supabaseAnonKey) await this.replaceProject(supabaseUrl, supabaseAnonKey);
      else await this.closeProject();
      this.sessionChanged(this.session);
    });
    return this.switching;
  }

  private async replaceProject(url: string, anonKey: string): Promise<void> {
    await this.closeProject();
    const client = createClient(url, anonKey, {
      auth: {
        storage: secretStorage(this.options.secrets),
        storageKey: storageKeyOf(url),
        persistSession: true,
        autoRefreshToken: true,
        detectSessionInUrl: false,
      },
      // Node 20 has no global WebSocket; Electron's Node has one, ws works in both.
      realtime: { transport: WebSocket as never },
    });
    const { data } = await client.auth.getSession();
    this.session = data.session;
    // Registered after the stored session is read: INITIAL_SESSION then repeats what we know.
    const { data: subscription } = client.auth.onAuthStateChange((_event, session) => {
      if (this.project?.client === client) this.sessionChanged(session);
    });
    this.project = { url, anonKey, client, stopListening: () => subscription.subscription.unsubscribe() };
  }

  private async closeProject(): Promise<void> {
    const project = this.project;
    if (!project) return;
    this.project = null;
    this.session = null;
    project.stopListening();
    await project.client.auth.stopAutoRefresh();
    await project.client.removeAllChannels();
  }

  /** Records the session and tells listeners what changed; returns the new state. */
  private sessionChanged(session: Session | null): AccountState {
    this.session = session;
    const state = this.state();
    const serialised = JSON.stringify(state);
    const told = this.told;
    this.told = { state: serialised, client: this.client(), userId: this.userId() };
    if (told.client !== this.told.client || told.userId !== this.told.userId) {
      for (const listener of this.sessionListeners) listener();
    }
    if (serialised !== told.state) {
      for (const listener of this.stateListeners) listener(state);
    }
    return state;
  }
}

/** One stored session per project (host and port), so two projects never share one. */
function storageKeyOf(projectUrl: string): string {
  return `sb-${new URL(projectUrl).host}-auth-token`;
}

/**
 * supabase-js's session storage over the secret store. Where the OS offers no
 * encryption the session is kept in memory only: signed in until the app
 * quits, never written in plain text.
 */
function secretStorage(secrets: SecretStore): SupportedStorage {
  const unsaved = new Map<string, string>();
  return {
    getItem: async (key) => unsaved.get(key) ?? (await secrets.get(SECRET_PREFIX + key)),
    async setItem(key, value) {
      try {
        await secrets.set(SECRET_PREFIX + key, value);
        unsaved.delete(key);
      } catch (error) {
        console.warn(`The session is kept until the app quits: ${(error as Error).message}`);
        unsaved.set(key, value);
      }
    },
    async removeItem(key) {
      unsaved.delete(key);
      await secrets.delete(SECRET_PREFIX + key);
    },
  };
}

/** Auth's answer as a sentence for the user. */
function userFacing(error: AuthError, projectUrl: string): Error {
  if (error.name === 'AuthRetryableFetchError' || error.status === 0) {
    return new Error(`Could not reach the Supabase project at ${projectUrl}; check the URL and your connection.`);
  }
  return new Error(error.message);
}
