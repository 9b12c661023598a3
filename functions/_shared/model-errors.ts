// Turns failures of the model provider into messages a user can act on.
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  AuthenticationError,
  BadRequestError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
} from 'openai';
import type { ErrorCode } from './chat-messages.ts';

export interface UserFacingError {
  code: ErrorCode;
  message: string;
  retryAfterSeconds?: number;
}

function retryAfterSeconds(error: APIError): number | undefined {
  const raw = error.headers?.get('retry-after');
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/**
 * Who can fix the endpoint's configuration: the project's administrator (the
 * functions' environment) or the user (local mode's settings).
 */
export type ConfigurationOwner = 'administrator' | 'user';

const FIX = {
  administrator: {
    key: 'the administrator must check OPENAI_API_KEY',
    model: 'the administrator must check AI_MODEL',
    credit: 'the administrator must add credit',
  },
  user: {
    key: 'check the API key in Settings',
    model: 'check the model in Settings',
    credit: 'add credit to that account or pick another endpoint in Settings',
  },
} as const;

/** `answeredChars` > 0 means part of the answer already reached the user. */
export function describeModelError(error: unknown, model: string, answeredChars: number, owner: ConfigurationOwner = 'administrator'): UserFacingError {
  const fix = FIX[owner];
  // When part of the answer was shown, say that it is incomplete before saying why.
  const sentence = (reason: string) => (answeredChars > 0 ? `The answer was cut off: ${reason}` : reason[0].toUpperCase() + reason.slice(1));
  if (error instanceof RateLimitError) {
    if (error.code === 'insufficient_quota') {
      return { code: 'model_unavailable', message: `The AI provider account has run out of quota; ${fix.credit}.` };
    }
    const retry = retryAfterSeconds(error);
    return {
      code: 'model_rate_limited',
      message: `The AI provider is rate limiting requests right now; try again${retry !== undefined ? ` in ${retry} s` : ' in a minute'}.`,
      ...(retry !== undefined ? { retryAfterSeconds: retry } : {}),
    };
  }
  if (error instanceof APIConnectionTimeoutError) {
    return { code: 'model_unavailable', message: sentence('the AI model did not answer in time; try again.') };
  }
  if (error instanceof APIConnectionError) {
    return { code: 'model_unavailable', message: sentence('could not reach the AI model service; try again in a moment.') };
  }
  if (error instanceof AuthenticationError || error instanceof PermissionDeniedError) {
    return { code: 'model_error', message: `The AI provider refused the ${owner === 'user' ? 'API key' : "server's credentials"}; ${fix.key}.` };
  }
  if (error instanceof NotFoundError) {
    return { code: 'model_unavailable', message: `The AI model "${model}" is not available; ${fix.model}.` };
  }
  if (error instanceof BadRequestError) {
    return { code: 'model_error', message: `The AI model refused the request: ${error.message}` };
  }
  if (error instanceof APIError && (error.status ?? 0) >= 500) {
    return { code: 'model_unavailable', message: `The AI model service is having problems (HTTP ${error.status}); try again in a moment.` };
  }
  // A stream that dies half-way surfaces as a plain Error from the body reader.
  return {
    code: 'model_unavailable',
    message:
      answeredChars > 0
        ? sentence('the connection to the AI model was lost. Ask again for a full answer.')
        : 'The AI model failed to answer; try again in a moment.',
  };
}
