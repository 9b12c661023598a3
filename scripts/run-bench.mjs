#!/usr/bin/env node
// `npm run bench`: runs every bench/*.bench.ts in turn (each prints its own
// table and writes JSON under bench-output/). `npm run bench -- import` runs
// only the files whose name contains "import".
import { runEach } from './run-each.mjs';

runEach({ dir: 'bench', suffix: '.bench.ts', noun: 'benchmark', nodeArgs: ['--expose-gc'] });
