// `npm run serve -- [trace-file]`: the app in a browser, without Electron.
// Starts the browser host (electron/browser-host/browser-host.ts) and prints
// the page URL, with its access token, as the first line.
import { startBrowserHost } from '../electron/browser-host/browser-host.ts';

const args = process.argv.slice(2);
const portArg = args.indexOf('--port');
const port = portArg >= 0 ? Number(args[portArg + 1]) : undefined;
const file = args.filter((arg, i) => !arg.startsWith('--') && (portArg < 0 || i !== portArg + 1))[0];
if (port !== undefined && !Number.isInteger(port)) {
  console.error('Usage: npm run serve -- [trace-file] [--port N]');
  process.exit(2);
}

const host = await startBrowserHost({ file, port });
console.log(`Trace Analyser: ${host.url}`);
console.log('Listening on 127.0.0.1 only. Press Ctrl+C to stop.');

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    void host.stop().then(() => process.exit(0));
  });
}
