#!/usr/bin/env node
// `npx trace-analyser ...` straight from a checkout, no build step: tsx
// compiles the TypeScript sources on the fly.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../shared-importer/node/cli.ts');
await main(process.argv.slice(2));
