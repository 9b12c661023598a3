// The GitHub workflows, checked for what can be checked without GitHub: they parse, run on the right
// triggers and runners, sign only in the release job, name only secrets README's "Releasing" section
// documents, and hand electron-builder overrides its own schema accepts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'vitest';
import { configOverrides } from './builder-overrides.ts';

const require = createRequire(import.meta.url);
const yaml = require('js-yaml') as { load(text: string): unknown };
const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  validateConfiguration(config: unknown, logger: unknown): Promise<void>;
};
const { DebugLogger } = require('builder-util/out/DebugLogger.js') as { DebugLogger: new (enabled: boolean) => unknown };

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  'runs-on': string;
  needs?: string | string[];
  env?: Record<string, string>;
  strategy?: { matrix: { include: { os: string; platform: string }[] } };
  steps: Step[];
}
interface Workflow {
  on: Record<string, { tags?: string[]; branches?: string[] } | null>;
  jobs: Record<string, Job>;
}

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');
const releaseText = read('.github/workflows/release.yml');
const ciText = read('.github/workflows/ci.yml');
const release = yaml.load(releaseText) as Workflow;
const ci = yaml.load(ciText) as Workflow;
const releasingSection = read('README.md')
  .split(/^## /m)
  .find((s) => s.startsWith('Releasing\n'));

/** Names a workflow reads as `secrets.X` or `vars.X` that the README section does not name as `X`. */
function undocumented(workflowText: string, section: string): string[] {
  const names = [...workflowText.matchAll(/\b(?:secrets|vars)\.([A-Za-z_]\w*)/g)].map((m) => m[1]);
  return [...new Set(names)].filter((name) => !section.includes(`\`${name}\``));
}

test('the release workflow runs on version tags only, on macOS, Windows and Ubuntu', () => {
  assert.deepEqual(Object.keys(release.on), ['push']);
  assert.deepEqual(release.on.push!.tags, ['v*']);
  const matrix = release.jobs.package.strategy!.matrix.include;
  assert.deepEqual(matrix.map((m) => m.os).sort(), ['macos-latest', 'ubuntu-latest', 'windows-latest']);
  assert.deepEqual(matrix.map((m) => m.platform).sort(), ['linux', 'mac', 'win']);
  assert.deepEqual(release.jobs.publish.needs, 'package', 'the release is published after every platform');
});

test('each platform installs with Electron, builds on Node 22 and packages its own platform', () => {
  const { steps } = release.jobs.package;
  const engines = JSON.parse(read('package.json')).engines.node as string;
  const setupNode = steps.find((s) => s.uses?.startsWith('actions/setup-node@'));
  assert.equal(String(setupNode?.with?.['node-version']), engines.match(/>=(\d+)\./)![1]);
  const runs = steps.map((s) => s.run ?? '');
  assert.ok(runs.some((r) => /^npm ci\b/.test(r)));
  assert.ok(runs.some((r) => r === 'npm run build'));
  // Real runners download Electron: electron-builder packages that binary.
  assert.doesNotMatch(releaseText, /ELECTRON_SKIP_BINARY_DOWNLOAD\s*[:=]/);
  for (const { platform } of release.jobs.package.strategy!.matrix.include) {
    const packaging = steps.filter((s) => s.run?.includes('npx electron-builder'));
    const own = packaging.filter((s) => s.if === `matrix.platform == '${platform}'`);
    assert.equal(own.length, 1, platform);
    assert.match(own[0].run!, new RegExp(`npx electron-builder --${platform}\\b.*\\$BUILDER_FLAGS`));
  }
});

test('the release job forces signing and publishes to GitHub with overrides electron-builder accepts', async () => {
  const flags = release.jobs.package.env!.BUILDER_FLAGS;
  assert.match(flags, /--publish always/);
  const commands = [flags, ...release.jobs.package.steps.map((s) => s.run ?? '')].join('\n');
  const overrides = configOverrides(commands);
  assert.equal(overrides.forceCodeSigning, true);
  assert.deepEqual(Object.keys(overrides.publish as object).sort(), ['owner', 'provider', 'releaseType', 'repo']);
  assert.equal((overrides.publish as { provider: string }).provider, 'github');
  assert.ok((overrides.win as { azureSignOptions?: unknown }).azureSignOptions, 'Azure Trusted Signing');
  const config = yaml.load(read('electron-builder.yml')) as Record<string, object>;
  const releaseConfig = { ...config, ...overrides, win: { ...config.win, ...(overrides.win as object) } };
  await validateConfiguration(releaseConfig, new DebugLogger(false));
});

test('signing is forced in the release job only: not in CI, not in electron-builder.yml', () => {
  assert.doesNotMatch(ciText, /forceCodeSigning/);
  assert.doesNotMatch(read('electron-builder.yml'), /forceCodeSigning/);
  const jobsWithIt = Object.entries(release.jobs).filter(([, job]) => JSON.stringify(job).includes('forceCodeSigning'));
  assert.deepEqual(
    jobsWithIt.map(([name]) => name),
    ['package'],
  );
});

test('Linux publishes SHA256SUMS, with a detached GPG signature when a key is given', () => {
  const sums = release.jobs.package.steps.find((s) => s.run?.includes('sha256sum'));
  assert.ok(sums);
  assert.equal(sums.if, "matrix.platform == 'linux'");
  assert.match(sums.run!, /sha256sum -- \*\.AppImage \*\.deb > SHA256SUMS/);
  assert.match(sums.run!, /if \[ -n "\$LINUX_GPG_PRIVATE_KEY" \]; then[\s\S]*--detach-sign --output SHA256SUMS\.asc SHA256SUMS/);
  assert.match(sums.run!, /gh release upload "\$GITHUB_REF_NAME" "\$\{upload\[@\]\}"/);
});

test('the ci workflow runs .ci/run on pull requests and pushes to main, and the audit gate', () => {
  assert.ok('pull_request' in ci.on);
  assert.deepEqual(ci.on.push!.branches, ['main']);
  const runs = Object.values(ci.jobs).flatMap((job) => job.steps.map((s) => s.run));
  assert.ok(runs.includes('bash .ci/run'));
  assert.ok(runs.includes('node .ci/audit-gate.mjs'));
  assert.match(read('.ci/audit-gate.mjs'), /\['audit', '--omit=dev', '--audit-level=high', '--json'\]/);
});

test('the ci workflow runs the Electron launch test where the binary can be downloaded, and a skip there fails', () => {
  const job = ci.jobs.electron;
  const launch = job.steps.find((s) => s.run?.includes('tests/electron-launch.test.ts'));
  assert.ok(launch, 'a step runs the launch test');
  assert.match(launch.run!, /^xvfb-run .*npx playwright test tests\/electron-launch\.test\.ts$/);
  assert.equal(launch.env?.REQUIRE_ELECTRON, '1');
  assert.ok(
    job.steps.some((s) => s.run === 'npm ci --no-audit --no-fund'),
    'installed without ELECTRON_SKIP_BINARY_DOWNLOAD',
  );
  assert.equal(job.env?.ELECTRON_SKIP_BINARY_DOWNLOAD, undefined);
  // Electron's package downloads its binary on first use, not at install (no postinstall any more).
  const fetch = job.steps.findIndex((s) => s.run === 'npx --no install-electron');
  assert.ok(fetch >= 0 && fetch < job.steps.indexOf(launch), 'the binary is fetched before the launch test');
  assert.equal(require('electron/package.json').bin['install-electron'], 'install.js');
});

// Where the binary is installed the launch test runs instead; here it is not.
test(
  'with REQUIRE_ELECTRON set, the launch test fails where the Electron binary is missing',
  { skip: existsSync(new URL('../node_modules/electron/path.txt', import.meta.url)) },
  () => {
    const result = spawnSync('npx', ['playwright', 'test', 'tests/electron-launch.test.ts', '--reporter=line'], {
      cwd: new URL('..', import.meta.url),
      env: { ...process.env, REQUIRE_ELECTRON: '1' },
      encoding: 'utf8',
    });
    assert.equal(result.status, 1, result.stdout);
    assert.match(result.stdout, /REQUIRE_ELECTRON is set, but the Electron binary is not installed/);
  },
);

test('every secret and variable the workflows read is named in README "Releasing"', () => {
  assert.ok(releasingSection, 'README has a "## Releasing" section');
  for (const text of [releaseText, ciText]) assert.deepEqual(undocumented(text, releasingSection), []);
  // The check itself: a secret the README does not name is reported.
  assert.deepEqual(undocumented(`${releaseText}\n  X: \${{ secrets.SOME_NEW_TOKEN }}`, releasingSection), ['SOME_NEW_TOKEN']);
});
