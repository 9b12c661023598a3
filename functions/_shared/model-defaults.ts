// The model endpoint used when nothing else is configured, by the functions
// (OPENAI_BASE_URL, AI_MODEL) and by the desktop's local mode alike.
export const DEFAULT_MODEL_BASE_URL = 'https://api.openai.com/v1';
export const DEFAULT_MODEL = 'gpt-4o-mini';
