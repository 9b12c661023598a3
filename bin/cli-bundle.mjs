// The CLI as one JavaScript file, so that a start does not compile the
// TypeScript sources again (tsx took ~120 ms of every run, more than the
// import of a small trace). The bundle is built with esbuild on first use,
// cached in node_modules/.cache, and run only while every source it was built
// from is unchanged: each start hashes them (a few hundred kB, ~2 ms) and
// rebuilds on any difference. Packages stay outside the bundle (Node loads
// them from node_modules as usual), so only our sources can make it stale.
// Whatever goes wrong (no esbuild, a read-only checkout), the sources run
// through tsx as before.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { extname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ENTRY = 'shared-importer/node/cli.ts';
/** One directory per checkout: worktrees may share one node_modules. */
export const CACHE_DIR = join(ROOT, 'node_modules', '.cache', 'trace-analyser-cli', sha256(ROOT).slice(0, 16));
const MANIFEST = join(CACHE_DIR, 'manifest.json');
/** Files that change how esbuild compiles the sources, hashed with them. */
const SETTINGS_FILES = ['package.json', 'tsconfig.json', 'bin/cli-bundle.mjs'];
const LOADERS = { '.ts': 'ts', '.mts': 'ts', '.cts': 'ts', '.tsx': 'tsx', '.js': 'js', '.mjs': 'js', '.cjs': 'js', '.json': 'json' };

/** The CLI module (`main`, `runCli`): the cached bundle, a new one, or the sources through tsx. */
export async function loadCli() {
  let bundle;
  try {
    bundle = (await freshBundle()) ?? (await buildBundle());
  } catch {
    bundle = undefined;
  }
  if (bundle) {
    try {
      return await import(pathToFileURL(bundle).href);
    } catch {
      // Removed by a concurrent rebuild between the check and the import: the sources still run.
    }
  }
  const { register } = await import('tsx/esm/api');
  register();
  return import(pathToFileURL(join(ROOT, ENTRY)).href);
}

/** The cached bundle's path when it was built from exactly the sources on disk now. */
async function freshBundle() {
  let manifest;
  try {
    manifest = JSON.parse(await readFile(MANIFEST, 'utf8'));
  } catch {
    return undefined;
  }
  const current = await Promise.all(Object.keys(manifest.inputs).map((path) => hashFile(path).catch(() => undefined)));
  const unchanged = Object.values(manifest.inputs).every((hash, i) => hash === current[i]);
  return unchanged ? join(CACHE_DIR, manifest.bundle) : undefined;
}

/** Builds the bundle, records the hash of every file it was built from, and returns its path. */
async function buildBundle() {
  const { build, version } = await import('esbuild');
  const inputs = {};
  for (const path of SETTINGS_FILES) inputs[path] = await hashFile(path);
  // esbuild reads each source through this plugin, so the hashes are of the very bytes bundled.
  const recordInputs = {
    name: 'record-inputs',
    setup(builder) {
      builder.onLoad({ filter: /.*/ }, async (args) => {
        const loader = LOADERS[extname(args.path)];
        if (!loader) throw new Error(`no loader for ${args.path}`);
        const source = await readFile(args.path);
        inputs[relative(ROOT, args.path)] = sha256(source);
        // Each module keeps its own location, not the bundle's, for files it finds relative to itself.
        const contents = source.toString('utf8').replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href));
        return { contents, loader };
      });
    },
  };
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [ENTRY],
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    logLevel: 'silent',
    plugins: [recordInputs],
  });
  const code = result.outputFiles[0].contents;
  const name = `cli-${sha256(JSON.stringify({ version, inputs })).slice(0, 16)}.mjs`;
  await mkdir(CACHE_DIR, { recursive: true });
  await writeAtomically(join(CACHE_DIR, name), code);
  await writeAtomically(MANIFEST, JSON.stringify({ bundle: name, inputs }, null, 2));
  await removeOtherBundles(name);
  return join(CACHE_DIR, name);
}

/** Concurrent runs may build at once: each writes its own temporary file, and the last rename wins. */
async function writeAtomically(path, contents) {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, contents);
  await rename(temporary, path);
}

async function removeOtherBundles(keep) {
  for (const name of await readdir(CACHE_DIR)) {
    if (name !== keep && name.endsWith('.mjs')) await rm(join(CACHE_DIR, name), { force: true });
  }
}

async function hashFile(path) {
  return sha256(await readFile(join(ROOT, path)));
}

function sha256(data) {
  return createHash('sha256').update(data).digest('hex');
}
