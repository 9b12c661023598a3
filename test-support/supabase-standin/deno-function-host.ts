// Runs one edge function in plain Deno the way Supabase's edge runtime would: EdgeRuntime.waitUntil
// exists, and the function's Deno.serve() is bound to a loopback port chosen by the OS, which is
// reported on stdout for the stand-in's gateway. Started by functions-gateway.ts, never imported.

// Only what this file uses; declared here so tsc (which has no Deno types) checks it too.
declare const Deno: {
  env: { get(name: string): string | undefined };
  serve: (...args: unknown[]) => unknown;
  exit(code: number): never;
  memoryUsage(): { heapUsed: number; external: number };
};

import { LISTENING_MARKER, MEMORY_PROBE_PATH } from './function-host-protocol.ts';

type Handler = (request: Request, info: unknown) => Response | Promise<Response>;
interface ServeOptions {
  handler?: Handler;
  onListen?: (addr: { port: number; hostname: string }) => void;
  [key: string]: unknown;
}

const entry = Deno.env.get('STANDIN_FUNCTION_ENTRY');
if (!entry) {
  console.error('STANDIN_FUNCTION_ENTRY is not set');
  Deno.exit(2);
}

// Work scheduled with waitUntil keeps running after the response, as on the hosted runtime.
const background = new Set<Promise<unknown>>();
(globalThis as Record<string, unknown>).EdgeRuntime = {
  waitUntil(promise: Promise<unknown>) {
    background.add(promise);
    promise.then(
      () => background.delete(promise),
      (error: unknown) => {
        background.delete(promise);
        console.error('EdgeRuntime.waitUntil task failed:', error);
      },
    );
  },
};

// For benchmarks (STANDIN_MEMORY_PROBE=1): the largest V8 heap in use plus external memory, what
// the hosted runtime's memory limit counts, sampled every 10 ms; a request to MEMORY_PROBE_PATH
// (under any function path) answers it and starts a new maximum. Samples are taken between tasks,
// so a peak inside one long synchronous stretch is seen only as far as its garbage outlives it.
// The sampling costs the process a few ms of CPU per second.
const memoryProbe = Deno.env.get('STANDIN_MEMORY_PROBE') === '1' ? startMemoryProbe() : undefined;

function startMemoryProbe() {
  const inUse = () => {
    const usage = Deno.memoryUsage();
    return usage.heapUsed + usage.external;
  };
  let peak = inUse();
  setInterval(() => (peak = Math.max(peak, inUse())), 10);
  return (request: Request): Response | undefined => {
    if (!new URL(request.url).pathname.endsWith(MEMORY_PROBE_PATH)) return undefined;
    const answer = Response.json({ peakBytes: Math.max(peak, inUse()) });
    peak = inUse();
    return answer;
  };
}

const serve = Deno.serve.bind(Deno);
let served = false;
Deno.serve = (...args: unknown[]) => {
  if (served) throw new Error('an edge function may call Deno.serve only once');
  served = true;
  const [first, second] = args;
  const options: ServeOptions = typeof first === 'object' && first !== null ? { ...(first as ServeOptions) } : {};
  const functionHandler = (typeof first === 'function' ? first : typeof second === 'function' ? second : options.handler) as Handler;
  const handler: Handler = (request, info) => memoryProbe?.(request) ?? functionHandler(request, info);
  delete options.handler;
  return serve(
    {
      ...options,
      hostname: '127.0.0.1',
      port: 0,
      onListen({ port }: { port: number }) {
        console.log(`${LISTENING_MARKER} ${port}`);
      },
    },
    handler,
  );
};

await import(new URL(entry, 'file:///').href);
if (!served) {
  console.error(`${entry} did not call Deno.serve()`);
  Deno.exit(3);
}
