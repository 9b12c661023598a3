// Runs each `<dir>/*<suffix>` file in its own Node process, in name order,
// filtered by the command line (`npm run bench -- import`: files whose name
// contains "import"). A filter matching nothing fails, as `npm test`'s does.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

/** Exits with 1 when a file failed or nothing matched. */
export function runEach({ dir, suffix, noun, nodeArgs = [] }) {
  const filters = process.argv.slice(2);
  const files = readdirSync(join(root, dir))
    .filter((f) => f.endsWith(suffix))
    .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
    .sort();
  if (files.length === 0) {
    console.error(`No ${noun} matches ${filters.map((f) => `"${f}"`).join(', ')}.`);
    process.exit(1);
  }
  let failures = 0;
  for (const file of files) {
    console.log(`\n=== ${dir}/${file} ===`);
    const result = spawnSync('node', ['--import', 'tsx', ...nodeArgs, join(dir, file)], { cwd: root, stdio: 'inherit' });
    if (result.status !== 0) failures++;
  }
  console.log(`\n${files.length} ${noun}s ran, ${failures} failed`);
  process.exit(failures > 0 ? 1 : 0);
}
