#!/usr/bin/env node
// `npm run eval`: runs every eval/*.eval.ts in turn (each prints its own
// tables). `npm run eval -- tools` runs only the files whose name contains
// "tools". Evals measure how well the AI works with the app (planted
// problems found, ids resolved); tests of them live beside them as *.test.ts.
import { runEach } from './run-each.mjs';

runEach({ dir: 'eval', suffix: '.eval.ts', noun: 'eval' });
