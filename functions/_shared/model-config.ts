// The model endpoint a turn calls, for the functions (read from their
// environment in config.ts) and for the desktop's local mode (from its
// settings). No Deno or Node APIs: both sides import it.

export const DEFAULT_MODEL_BASE_URL = 'https://api.openai.com/v1';
export const DEFAULT_MODEL = 'gpt-4o-mini';

export interface ModelConfig {
  apiKey: string;
  baseURL: string;
  model: string;
  maxRetries: number;
  timeoutMs: number;
  /** Cap on the answer's length; unset leaves it to the provider. */
  maxOutputTokens?: number;
}
