// The files electron-builder would put in the app: a fresh checkout (git's tracked files) plus an
// electron-vite build placed at out/, filtered by electron-builder's own FileMatcher with the config's
// `files` globs, as its packager walks the project (a directory the filter rejects is not entered).
// electron-builder also drops a few default names (.git, *.d.ts...), so this set is a superset of
// what ships: a file it lists as absent is surely absent.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';

const require = createRequire(import.meta.url);
type Filter = (file: string, stat: { isDirectory(): boolean }) => boolean;
const { FileMatcher } = require('app-builder-lib/out/fileMatcher.js') as {
  FileMatcher: new (
    from: string,
    to: string,
    expand: (p: string) => string,
    patterns: string[],
  ) => {
    createFilter(): Filter;
  };
};

/** Project-relative paths ('out/main/index.js') that `patterns` (electron-builder globs) select. */
export function packagedFiles(projectRoot: string, buildDir: string, patterns: string[]): string[] {
  return selectFiles(projectRoot, [...checkoutFiles(projectRoot), ...buildFiles(buildDir)], patterns);
}

/** The paths among `files` (project-relative) that `patterns` select, their directories included. */
export function selectFiles(projectRoot: string, files: string[], patterns: string[]): string[] {
  const filter = new FileMatcher(projectRoot, '', (p) => p, patterns).createFilter();
  const accepts = (path: string, isDirectory: boolean) => filter(join(projectRoot, path), { isDirectory: () => isDirectory });
  const directoryAccepted = (dir: string): boolean => dir === '.' || (directoryAccepted(dirname(dir)) && accepts(dir, true));
  return files.filter((file) => directoryAccepted(dirname(file)) && accepts(file, false)).sort();
}

function checkoutFiles(projectRoot: string): string[] {
  const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: projectRoot, encoding: 'utf8' }).split('\0');
  // A fresh checkout has no out/: the build's files stand there instead.
  return tracked.filter((file) => file !== '' && !file.startsWith('out/'));
}

function buildFiles(buildDir: string): string[] {
  const found = readdirSync(buildDir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
  return found.map((entry) => join('out', relative(buildDir, join(entry.parentPath, entry.name))));
}
