// The host API (window.traceAnalyser) as the renderer's command modules reach
// it, set once at start-up, and the sentence to show for a failed request.
import type { TraceAnalyserApi } from '../../electron/ipc-contract.ts';

let api: TraceAnalyserApi | null = null;

export function setHostApi(next: TraceAnalyserApi): void {
  api = next;
}

export function host(): TraceAnalyserApi {
  if (!api) throw new Error('The Trace Analyser host is not connected.');
  return api;
}

/** Electron prefixes a handler's error with where it was thrown; the user needs only the handler's sentence. */
const ELECTRON_INVOKE_PREFIX = /^Error invoking remote method '[^']+': (?:[A-Za-z]*Error: )?/;

/** What to tell the user about a request that failed. */
export function failureMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(ELECTRON_INVOKE_PREFIX, '');
}
