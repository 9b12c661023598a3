// The feed the packaged app updates from is the one the release workflow
// publishes to. electron-builder writes resources/app-update.yml from its
// merged configuration (electron-builder.yml + the workflow's -c overrides);
// this test asks electron-builder's own functions for that file, and
// electron-updater's own provider factory for where the app then looks.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'vitest';
import { configOverrides } from './builder-overrides.ts';

const require = createRequire(import.meta.url);
const yaml = require('js-yaml') as { load(text: string): unknown };
const { getConfig } = require('app-builder-lib/out/util/config/config.js') as {
  getConfig(projectDir: string, configPath: string, overrides: Record<string, unknown> | null): Promise<BuilderConfig>;
};
const { getAppUpdatePublishConfiguration } = require('app-builder-lib/out/publish/PublishManager.js') as {
  getAppUpdatePublishConfiguration(packager: unknown, targetOptions: unknown, arch: number, errorIfCannot: boolean): Promise<Record<string, unknown> | null>;
};
const { Platform, Arch } = require('app-builder-lib') as { Platform: { LINUX: unknown }; Arch: { x64: number } };
const { AppImageUpdater } = require('electron-updater') as typeof import('electron-updater');
const { createClient } = require('electron-updater/out/providerFactory.js') as {
  createClient(data: unknown, updater: unknown, runtimeOptions: unknown): { constructor: { name: string }; baseUrl: URL; basePath: string };
};

interface BuilderConfig {
  linux: object;
  appImage: object;
}
interface Workflow {
  jobs: Record<string, { env?: Record<string, string>; steps: { run?: string; env?: Record<string, string> }[] }>;
}

const root = new URL('..', import.meta.url).pathname;
const release = yaml.load(readFileSync(join(root, '.github/workflows/release.yml'), 'utf8')) as Workflow;
// What GitHub puts in place of the expressions when the workflow runs in acme/trace-analyser.
const GITHUB_CONTEXT: Record<string, string> = {
  '${{ github.repository_owner }}': 'acme',
  '${{ github.event.repository.name }}': 'trace-analyser',
  '${{ github.repository }}': 'acme/trace-analyser',
};
const substitute = (text: string) => text.replace(/\$\{\{[^}]*\}\}/g, (expression) => GITHUB_CONTEXT[expression] ?? expression);

/** resources/app-update.yml as electron-builder writes it into a Linux package (null: it writes none). */
async function appUpdateYml(overrides: Record<string, unknown> | null) {
  const config = await getConfig(root, 'electron-builder.yml', overrides);
  // The slice of a LinuxPackager these functions read; the package's name decides the cache folder.
  const appInfo = { channel: null, updaterCacheDirName: 'trace-analyser-updater' };
  const packager = {
    config,
    platformSpecificBuildOptions: config.linux,
    platform: Platform.LINUX,
    appInfo,
    info: { config, appInfo, repositoryInfo: Promise.resolve(null) },
    expandMacro: (value: string) => value,
  };
  return getAppUpdatePublishConfiguration(packager, config.appImage, Arch.x64, false);
}

test('a release build gets an app-update.yml naming the GitHub releases the workflow publishes to; a local build gets none', async () => {
  const overrides = configOverrides(substitute(release.jobs.package.env!.BUILDER_FLAGS));
  const appUpdate = await appUpdateYml(overrides);
  assert.deepEqual(appUpdate, {
    provider: 'github',
    owner: 'acme',
    repo: 'trace-analyser',
    releaseType: 'draft',
    updaterCacheDirName: 'trace-analyser-updater',
  });

  // electron-updater reads it as that repository's releases.
  const dir = mkdtempSync(join(tmpdir(), 'ta-feed-'));
  const app = {
    version: '0.1.0',
    name: 'Trace Analyser',
    isPackaged: true,
    appUpdateConfigPath: join(dir, 'app-update.yml'),
    userDataPath: dir,
    baseCachePath: dir,
    whenReady: async () => {},
    relaunch() {},
    quit() {},
    onQuit() {},
  };
  const provider = createClient(appUpdate, new AppImageUpdater(null, app), { platform: 'linux', executor: null, isUseMultipleRangeRequest: false });
  assert.equal(provider.constructor.name, 'GitHubProvider');
  assert.equal(new URL(provider.basePath, provider.baseUrl).href, 'https://github.com/acme/trace-analyser/releases');

  // ... which is where the workflow's gh commands put the release: the repository the workflow runs in.
  const ghCommands = Object.values(release.jobs).flatMap((job) =>
    job.steps.map((step) => ({ run: step.run ?? '', env: step.env ?? {} })).filter((step) => /\bgh release\b/.test(step.run)),
  );
  assert.ok(ghCommands.length >= 3, 'create, upload, publish');
  for (const { run, env } of ghCommands) {
    assert.doesNotMatch(run, /--repo|-R\b/, 'no other repository named');
    if (env.GH_REPO) assert.equal(substitute(env.GH_REPO), 'acme/trace-analyser');
  }

  assert.equal(await appUpdateYml(null), null, 'local `npx electron-builder` builds have no feed: the app says updates are off');
});
