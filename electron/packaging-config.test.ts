// electron-builder.yml checked by electron-builder's own schema validator, and
// against what electron-vite actually builds (the Electron binary is not needed).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'vitest';

const require = createRequire(import.meta.url);
const root = new URL('../', import.meta.url);
const yaml = require('js-yaml') as { load(text: string): unknown };
const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  validateConfiguration(config: unknown, logger: unknown): Promise<void>;
};
const { DebugLogger } = require('builder-util/out/DebugLogger.js') as { DebugLogger: new (enabled: boolean) => unknown };

interface BuilderConfig {
  appId: string;
  productName: string;
  files: string[];
  asarUnpack: string[];
  fileAssociations: { ext: string[] }[];
  mac: { target: string[]; hardenedRuntime: boolean; notarize: boolean };
  win: { target: string[] };
  linux: { target: string[] };
  electronFuses: Record<string, boolean>;
}

const config = yaml.load(readFileSync(new URL('electron-builder.yml', root), 'utf8')) as BuilderConfig;

test('electron-builder accepts the configuration', async () => {
  await validateConfiguration(config, new DebugLogger(false));
  const broken = { ...config, mac: { ...config.mac, hardenedRuntime: 'yes' } };
  await assert.rejects(validateConfiguration(broken, new DebugLogger(false)), /hardenedRuntime/);
});

test('targets, identity and trace file associations', () => {
  assert.equal(config.productName, 'Trace Analyser');
  assert.match(config.appId, /^[a-z]+(\.[a-z]+)+$/);
  assert.deepEqual(config.mac.target, ['dmg', 'zip']);
  assert.equal(config.mac.hardenedRuntime, true);
  assert.equal(config.mac.notarize, true);
  assert.deepEqual(config.win.target, ['nsis']);
  assert.deepEqual(config.linux.target, ['AppImage', 'deb']);
  const extensions = config.fileAssociations.flatMap((a) => a.ext);
  for (const ext of ['json', 'cpuprofile', 'prof', 'gz']) assert.ok(extensions.includes(ext), ext);
  assert.equal(config.electronFuses.runAsNode, false);
  assert.equal(config.electronFuses.onlyLoadAppFromAsar, true);
});

test('the packaged files are what electron-vite builds, and package.json main points into them', () => {
  const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { main: string };
  assert.ok(config.files.includes('out/**'));
  assert.deepEqual(config.asarUnpack, ['out/main/chunks/**'], 'the import worker runs unpacked');
  assert.equal(pkg.main, 'out/main/index.js');
  const viteConfig = readFileSync(new URL('electron.vite.config.ts', root), 'utf8');
  for (const outDir of ['out/main', 'out/preload', 'out/renderer']) assert.ok(viteConfig.includes(outDir), outDir);
});
