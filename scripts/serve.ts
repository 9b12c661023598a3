// `npm run serve -- [trace-file] [--port N] [--production]`: the app in a
// browser, without Electron. Starts the browser host
// (electron/browser-host/browser-host.ts) and prints the page URL, with its
// access token, as the first line.
import { parseArgs } from 'node:util';
import { startBrowserHost } from '../electron/browser-host/browser-host.ts';

const usage = 'Usage: npm run serve -- [trace-file] [--port N] [--production]';
let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: { port: { type: 'string' }, production: { type: 'boolean' } },
  });
} catch (error) {
  console.error(`${(error as Error).message}\n${usage}`);
  process.exit(2);
}
const port = parsed.values.port === undefined ? undefined : Number(parsed.values.port);
if ((port !== undefined && !Number.isInteger(port)) || parsed.positionals.length > 1) {
  console.error(usage);
  process.exit(2);
}

const host = await startBrowserHost({
  file: parsed.positionals[0],
  port,
  renderer: parsed.values.production ? 'production' : 'dev',
});

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    void host.stop().then(() => process.exit(0));
  });
}

// Printed last, so whoever reads the URL can already stop the host cleanly.
console.log(`Trace Analyser: ${host.url}`);
console.log('Listening on 127.0.0.1 only. Press Ctrl+C to stop.');
