// Local development: `node --import tsx test-support/supabase-standin/cli.ts [--port 54321]`
// prints the URL and keys as JSON and serves until Ctrl-C.
import { startSupabaseStandin } from './index.ts';

const portFlag = process.argv.indexOf('--port');
const standin = await startSupabaseStandin({ port: portFlag > 0 ? Number(process.argv[portFlag + 1]) : 0 });
console.log(
  JSON.stringify({ url: standin.url, anonKey: standin.anonKey, serviceRoleKey: standin.serviceRoleKey, jwtSecret: standin.jwtSecret }, null, 2),
);
const shutdown = () => {
  void standin.stop().then(() => process.exit(0));
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
