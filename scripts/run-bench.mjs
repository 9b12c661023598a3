#!/usr/bin/env node
// `npm run bench`: runs every bench/*.bench.ts in turn (each prints its own
// table and writes JSON under bench-output/). `npm run bench -- import` runs
// only the files whose name contains "import".
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);
const files = readdirSync(join(root, 'bench'))
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
let failures = 0;
for (const file of files) {
  console.log(`\n=== bench/${file} ===`);
  const result = spawnSync('node', ['--import', 'tsx', '--expose-gc', join('bench', file)], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) failures++;
}
console.log(`\n${files.length - failures} benchmarks ran, ${failures} failed`);
process.exit(failures > 0 ? 1 : 0);
