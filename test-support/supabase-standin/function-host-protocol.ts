// The one line a Deno function host prints once its function listens: `<marker> <port>`.
// Shared by deno-function-host.ts (Deno) and functions-gateway.ts (Node).
export const LISTENING_MARKER = 'STANDIN_FUNCTION_LISTENING';
