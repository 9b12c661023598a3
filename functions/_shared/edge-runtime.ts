// Supabase's EdgeRuntime global keeps an isolate alive for background work.
// Plain Deno (tests) has no such global: there the promise simply runs.
declare global {
  // eslint-disable-next-line no-var
  var EdgeRuntime: { waitUntil(promise: Promise<unknown>): void } | undefined;
}

export function waitUntil(promise: Promise<unknown>): void {
  const guarded = promise.catch((error) => console.error('background task failed:', error));
  globalThis.EdgeRuntime?.waitUntil(guarded);
}
