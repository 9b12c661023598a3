// Settings of both functions, read once from the environment. Secrets and
// limits live here so nothing else calls Deno.env and tests can pass a config.
import { DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_PROMPT_TOKEN_BUDGET, DEFAULT_SUMMARIZE_MAX_BYTES } from './limits.ts';
import { DEFAULT_MODEL, DEFAULT_MODEL_BASE_URL, type ModelConfig } from './model-config.ts';

export interface SupabaseConfig {
  supabaseUrl: string;
  anonKey: string;
  serviceRoleKey: string;
  /** Legacy HS256 signing secret; when set, user tokens are verified locally instead of via /auth/v1/user. */
  jwtSecret?: string;
}

export interface SocketConfig extends SupabaseConfig {
  /** Credential process-ai-turn accepts (AI_TURN_SECRET, else the service role key). */
  aiTurnCredential: string;
  /** URL of process-ai-turn. */
  processTurnUrl: string;
  turnsPerMinute: number;
  /** Largest client frame accepted, in bytes. */
  maxMessageBytes: number;
}

export interface TurnConfig extends SupabaseConfig {
  aiTurnCredential: string;
  model: ModelConfig;
  /** Tokens for the whole prompt (system + summary + history + question). */
  promptTokenBudget: number;
  /** Tokens for the summary text when the function renders it itself. */
  summaryTokenBudget: number;
  /** Largest stored object summarised in the function when no summary was uploaded. */
  maxSummarizeBytes: number;
  /** Deltas are coalesced into one broadcast per interval. */
  chunkFlushMs: number;
  /** How often a streaming round reads whether the user stopped its turn. */
  stopPollMs: number;
}

type Env = (name: string) => string | undefined;
const denoEnv: Env = (name) => Deno.env.get(name);

function required(env: Env, name: string): string {
  const value = env(name);
  if (!value) throw new Error(`Missing environment variable ${name}`);
  return value;
}

function positiveInt(env: Env, name: string, fallback: number): number {
  const raw = env(name);
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

export function readSupabaseConfig(env: Env = denoEnv): SupabaseConfig {
  return {
    supabaseUrl: required(env, 'SUPABASE_URL').replace(/\/+$/, ''),
    anonKey: required(env, 'SUPABASE_ANON_KEY'),
    serviceRoleKey: required(env, 'SUPABASE_SERVICE_ROLE_KEY'),
    jwtSecret: env('SUPABASE_JWT_SECRET') || undefined,
  };
}

function aiTurnCredential(env: Env, supabase: SupabaseConfig): string {
  return env('AI_TURN_SECRET') || supabase.serviceRoleKey;
}

export function readSocketConfig(env: Env = denoEnv): SocketConfig {
  const supabase = readSupabaseConfig(env);
  return {
    ...supabase,
    aiTurnCredential: aiTurnCredential(env, supabase),
    processTurnUrl: env('PROCESS_AI_TURN_URL') || `${supabase.supabaseUrl}/functions/v1/process-ai-turn`,
    turnsPerMinute: Math.max(1, positiveInt(env, 'AI_TURNS_PER_MINUTE', 10)),
    maxMessageBytes: positiveInt(env, 'AI_MAX_MESSAGE_BYTES', DEFAULT_MAX_MESSAGE_BYTES),
  };
}

export function readTurnConfig(env: Env = denoEnv): TurnConfig {
  const supabase = readSupabaseConfig(env);
  const maxOutput = positiveInt(env, 'AI_MAX_OUTPUT_TOKENS', 0);
  return {
    ...supabase,
    aiTurnCredential: aiTurnCredential(env, supabase),
    model: {
      apiKey: required(env, 'OPENAI_API_KEY'),
      baseURL: env('OPENAI_BASE_URL') || DEFAULT_MODEL_BASE_URL,
      model: env('AI_MODEL') || DEFAULT_MODEL,
      maxRetries: positiveInt(env, 'AI_MAX_RETRIES', 2),
      timeoutMs: positiveInt(env, 'AI_TIMEOUT_MS', 120_000),
      maxOutputTokens: maxOutput > 0 ? maxOutput : undefined,
    },
    promptTokenBudget: positiveInt(env, 'AI_PROMPT_TOKEN_BUDGET', DEFAULT_PROMPT_TOKEN_BUDGET),
    summaryTokenBudget: positiveInt(env, 'AI_SUMMARY_TOKEN_BUDGET', 6_000),
    maxSummarizeBytes: positiveInt(env, 'AI_SUMMARIZE_MAX_BYTES', DEFAULT_SUMMARIZE_MAX_BYTES),
    chunkFlushMs: positiveInt(env, 'AI_CHUNK_FLUSH_MS', 50),
    stopPollMs: Math.max(100, positiveInt(env, 'AI_TURN_STOP_POLL_MS', 1_000)),
  };
}
