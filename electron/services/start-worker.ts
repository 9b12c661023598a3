import { Worker } from 'node:worker_threads';

/**
 * Starts a worker from its entry module. In the packaged app the entry is a
 * bundled .js file; in development, tests and the browser host it is the .ts
 * source, and since loader hooks registered with `--import tsx` do not reach
 * worker threads on Node 20, the worker registers tsx itself first.
 */
export function startWorker(entry: URL | string): Worker {
  const href = entry instanceof URL ? entry.href : entry;
  if (!/\.m?ts$/.test(href)) return new Worker(entry);
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then(({ register }) => { register(); return import(${JSON.stringify(href)}); });`;
  return new Worker(bootstrap, { eval: true });
}
