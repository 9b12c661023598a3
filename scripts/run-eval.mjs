#!/usr/bin/env node
// `npm run eval`: runs every eval/*.eval.ts in turn (each prints its own
// tables). `npm run eval -- tools` runs only the files whose name contains
// "tools". Evals measure how well the AI works with the app (planted
// problems found, ids resolved); tests of them live beside them as *.test.ts.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);
const files = readdirSync(join(root, 'eval'))
  .filter((f) => f.endsWith('.eval.ts'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) {
  console.error(`No eval matches ${filters.join(', ')}.`);
  process.exit(1);
}
let failures = 0;
for (const file of files) {
  console.log(`\n=== eval/${file} ===`);
  const result = spawnSync('node', ['--import', 'tsx', join('eval', file)], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) failures++;
}
console.log(`\n${files.length - failures} evals ran, ${failures} failed`);
process.exit(failures > 0 ? 1 : 0);
