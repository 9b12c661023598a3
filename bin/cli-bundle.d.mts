// Types of cli-bundle.mjs (plain JavaScript: it runs before any TypeScript is compiled).
export const CACHE_DIR: string;
export function loadCli(): Promise<typeof import('../shared-importer/node/cli.ts')>;
