#!/usr/bin/env node
// `npx trace-analyser ...` straight from a checkout, no build step: runs the
// CLI from a bundle kept in step with the sources (cli-bundle.mjs).
import { loadCli } from './cli-bundle.mjs';

const { main } = await loadCli();
await main(process.argv.slice(2));
