// The chat's settings: where answers come from (a Supabase project, or an
// OpenAI-compatible endpoint for local mode). Each setting has three sources,
// strongest first: saved in the app, the environment (SUPABASE_URL,
// SUPABASE_ANON_KEY, OPENAI_BASE_URL, OPENAI_API_KEY, AI_MODEL), the default.
// So a script or a test can point any host (Electron, the browser host, the
// packaged app) at a project or endpoint without clicking through settings,
// and a user can still override it. Plain settings live in settings.json;
// the API key lives in the secret store. "Check for updates automatically"
// (autoUpdate) is saved in the app only, on unless turned off.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { DEFAULT_MODEL, DEFAULT_MODEL_BASE_URL } from '../../functions/_shared/model-config.ts';
import type { ChatMode, ChatSettings, RequestPayload, SettingsState, Unsubscribe } from '../ipc-contract.ts';
import { writeFileAtomic } from './atomic-file.ts';
import type { SecretStore } from './secret-store.ts';

export const SETTINGS_FILE = 'settings.json';
export const API_KEY_SECRET = 'model-api-key';

/** The environment variable behind each setting. */
export const SETTINGS_ENVIRONMENT = {
  supabaseUrl: 'SUPABASE_URL',
  supabaseAnonKey: 'SUPABASE_ANON_KEY',
  modelBaseUrl: 'OPENAI_BASE_URL',
  model: 'AI_MODEL',
  apiKey: 'OPENAI_API_KEY',
} as const satisfies Record<Exclude<keyof ChatSettings, 'mode'> | 'apiKey', string>;

type SettingName = keyof typeof SETTINGS_ENVIRONMENT;

const DEFAULTS: ChatSettings = {
  mode: 'cloud',
  supabaseUrl: '',
  supabaseAnonKey: '',
  modelBaseUrl: DEFAULT_MODEL_BASE_URL,
  model: DEFAULT_MODEL,
};

const savedSchema = z.object({
  mode: z.enum(['cloud', 'local']).optional(),
  supabaseUrl: z.string().optional(),
  supabaseAnonKey: z.string().optional(),
  modelBaseUrl: z.string().optional(),
  model: z.string().optional(),
  autoUpdate: z.boolean().optional(),
});
type SavedSettings = z.infer<typeof savedSchema>;

/** Everything a chat needs, secrets included: for the main process only, never sent to a window. */
export interface ResolvedSettings extends ChatSettings {
  apiKey: string | null;
  effectiveMode: ChatMode | null;
}

export type Environment = Record<string, string | undefined>;

export interface AppSettingsOptions {
  userDataDir: string;
  secrets: SecretStore;
  /** Usually process.env; read once, at open. */
  env: Environment;
}

export class AppSettings {
  private readonly listeners = new Set<(state: SettingsState) => void>();

  private constructor(
    private readonly filePath: string,
    private readonly secrets: SecretStore,
    private readonly env: Environment,
    private saved: SavedSettings,
    private savedApiKey: string | null,
  ) {}

  static async open(options: AppSettingsOptions): Promise<AppSettings> {
    const filePath = join(options.userDataDir, SETTINGS_FILE);
    const saved = await readSaved(filePath);
    const apiKey = await options.secrets.get(API_KEY_SECRET);
    return new AppSettings(filePath, options.secrets, options.env, saved, apiKey);
  }

  /** What the settings window shows: values and where they come from, no secret. */
  state(): SettingsState {
    const resolved = this.resolved();
    const { apiKey, ...visible } = resolved;
    const fromEnvironment = (Object.keys(SETTINGS_ENVIRONMENT) as SettingName[]).filter(
      (name) => this.savedValue(name) === undefined && this.environmentValue(name) !== undefined,
    );
    return { ...visible, apiKeySet: apiKey !== null, fromEnvironment, autoUpdate: this.autoUpdate };
  }

  /** Whether the app checks for and downloads updates in the background. */
  get autoUpdate(): boolean {
    return this.saved.autoUpdate ?? true;
  }

  resolved(): ResolvedSettings {
    const settings: ChatSettings = {
      mode: this.saved.mode ?? DEFAULTS.mode,
      supabaseUrl: this.value('supabaseUrl').replace(/\/+$/, ''),
      supabaseAnonKey: this.value('supabaseAnonKey'),
      modelBaseUrl: this.value('modelBaseUrl').replace(/\/+$/, ''),
      model: this.value('model'),
    };
    const apiKey = this.savedApiKey ?? this.environmentValue('apiKey') ?? null;
    return { ...settings, apiKey, effectiveMode: this.effectiveMode(settings, apiKey) };
  }

  /**
   * Saves the given settings (an empty string clears a saved value, so the
   * environment's or the default applies again); `apiKey` null deletes the key.
   */
  async save(patch: RequestPayload<'settings:save'>): Promise<SettingsState> {
    const { apiKey, autoUpdate, ...plain } = patch;
    const saved: SavedSettings = { ...this.saved };
    if (autoUpdate !== undefined) saved.autoUpdate = autoUpdate;
    for (const [name, value] of Object.entries(plain) as [keyof SavedSettings, string | undefined][]) {
      if (value === undefined) continue;
      if (value === '') delete saved[name];
      else (saved as Record<string, string>)[name] = value;
    }
    if (apiKey !== undefined) {
      if (apiKey === null || apiKey === '') await this.secrets.delete(API_KEY_SECRET);
      else await this.secrets.set(API_KEY_SECRET, apiKey);
      this.savedApiKey = apiKey || null;
    }
    this.saved = saved;
    const text = JSON.stringify({ version: 1, settings: saved }, null, 2);
    await writeFileAtomic(this.filePath, text);
    const state = this.state();
    for (const listener of this.listeners) listener(state);
    return state;
  }

  onChange(listener: (state: SettingsState) => void): Unsubscribe {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private value(name: Exclude<SettingName, 'apiKey'>): string {
    return this.savedValue(name) ?? this.environmentValue(name) ?? DEFAULTS[name];
  }

  private savedValue(name: SettingName): string | undefined {
    if (name === 'apiKey') return this.savedApiKey ?? undefined;
    return this.saved[name] || undefined;
  }

  private environmentValue(name: SettingName): string | undefined {
    return this.env[SETTINGS_ENVIRONMENT[name]]?.trim() || undefined;
  }

  /**
   * Cloud when a project is configured (unless local mode is picked). Local
   * needs a model and either an API key or an endpoint the user named (a
   * local Ollama or LM Studio takes no key; the default, OpenAI, does).
   */
  private effectiveMode(settings: ChatSettings, apiKey: string | null): ChatMode | null {
    const cloudReady = settings.supabaseUrl !== '' && settings.supabaseAnonKey !== '';
    const endpointNamed = this.savedValue('modelBaseUrl') !== undefined || this.environmentValue('modelBaseUrl') !== undefined;
    const localReady = settings.model !== '' && settings.modelBaseUrl !== '' && (apiKey !== null || endpointNamed);
    if (settings.mode === 'cloud' && cloudReady) return 'cloud';
    return localReady ? 'local' : null;
  }
}

async function readSaved(filePath: string): Promise<SavedSettings> {
  let text: string;
  try {
    text = await readFile(filePath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') console.warn(`Ignoring unreadable ${filePath}: ${(error as Error).message}`);
    return {};
  }
  try {
    const parsed = savedSchema.safeParse((JSON.parse(text) as { settings?: unknown }).settings);
    if (parsed.success) return parsed.data;
  } catch {
    // falls through to the warning
  }
  console.warn(`Ignoring ${filePath}: it does not hold settings this version reads.`);
  return {};
}
