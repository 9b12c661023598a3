// The sync requests of the IPC contract, for app-services to mount beside the others.
import type { RequestHandlers } from '../ipc-contract.ts';
import type { TraceSync } from './trace-sync.ts';

export function syncHandlers(sync: TraceSync): Pick<RequestHandlers, 'sync:retry' | 'sync:cancel'> {
  return {
    'sync:retry': async ({ traceId }) => sync.retry(traceId),
    'sync:cancel': async ({ traceId }) => sync.cancel(traceId),
  };
}
