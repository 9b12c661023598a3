// The one line a Deno function host prints once its function listens: `<marker> <port>`.
// Shared by deno-function-host.ts (Deno) and functions-gateway.ts (Node).
export const LISTENING_MARKER = 'STANDIN_FUNCTION_LISTENING';

/** Path suffix the host answers itself when started with STANDIN_MEMORY_PROBE=1 (see deno-function-host.ts). */
export const MEMORY_PROBE_PATH = '/__standin/memory';
