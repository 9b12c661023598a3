import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'vitest';
import { AppSettings, SETTINGS_FILE, type Environment } from './app-settings.ts';
import { fileKeyEncryption } from './file-key-encryption.ts';
import { SecretStore } from './secret-store.ts';

async function openSettings(env: Environment = {}, dir = mkdtempSync(join(tmpdir(), 'ta-settings-'))) {
  const secrets = new SecretStore(join(dir, 'secrets.json'), await fileKeyEncryption(join(dir, 'secrets.key')));
  return { dir, settings: await AppSettings.open({ userDataDir: dir, secrets, env }) };
}

test('with nothing configured there is no usable mode; OpenAI is the default endpoint', async () => {
  const { settings } = await openSettings();
  const state = settings.state();
  assert.equal(state.effectiveMode, null);
  assert.equal(state.modelBaseUrl, 'https://api.openai.com/v1');
  assert.equal(state.apiKeySet, false);
  assert.deepEqual(state.fromEnvironment, []);
});

test('every setting can come from the environment, and one saved in the app wins over it', async () => {
  const env = {
    SUPABASE_URL: 'https://project.supabase.co/',
    SUPABASE_ANON_KEY: 'anon-from-env',
    OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1',
    OPENAI_API_KEY: 'sk-from-env',
    AI_MODEL: 'llama3.2',
  };
  const { settings, dir } = await openSettings(env);
  let state = settings.state();
  assert.equal(state.supabaseUrl, 'https://project.supabase.co', 'a trailing slash is dropped');
  assert.equal(state.supabaseAnonKey, 'anon-from-env');
  assert.equal(state.modelBaseUrl, 'http://127.0.0.1:11434/v1');
  assert.equal(state.model, 'llama3.2');
  assert.equal(state.apiKeySet, true);
  assert.deepEqual([...state.fromEnvironment].sort(), ['apiKey', 'model', 'modelBaseUrl', 'supabaseAnonKey', 'supabaseUrl']);
  assert.equal(state.effectiveMode, 'cloud');
  assert.equal(settings.resolved().apiKey, 'sk-from-env');

  state = await settings.save({ model: 'qwen2.5', apiKey: 'sk-saved' });
  assert.equal(state.model, 'qwen2.5');
  assert.equal(settings.resolved().apiKey, 'sk-saved');
  assert.ok(!state.fromEnvironment.includes('model') && !state.fromEnvironment.includes('apiKey'));
  assert.doesNotMatch(JSON.stringify(state), /sk-saved|sk-from-env/, 'the key never appears in the state a window gets');
  assert.doesNotMatch(readFileSync(join(dir, SETTINGS_FILE), 'utf8'), /sk-saved/, 'nor in settings.json');

  // Clearing a saved value lets the environment apply again.
  state = await settings.save({ model: '', apiKey: null });
  assert.equal(state.model, 'llama3.2');
  assert.equal(settings.resolved().apiKey, 'sk-from-env');
});

test('saved settings and the API key survive a restart', async () => {
  const { settings, dir } = await openSettings();
  await settings.save({ mode: 'local', modelBaseUrl: 'http://127.0.0.1:1234/v1', model: 'local-model', apiKey: 'lm-studio' });
  const { settings: reopened } = await openSettings({}, dir);
  const resolved = reopened.resolved();
  assert.equal(resolved.mode, 'local');
  assert.equal(resolved.modelBaseUrl, 'http://127.0.0.1:1234/v1');
  assert.equal(resolved.model, 'local-model');
  assert.equal(resolved.apiKey, 'lm-studio');
  assert.equal(resolved.effectiveMode, 'local');
});

test('the mode in use: cloud when a project is configured, local when picked or when there is no project', async () => {
  const project = { SUPABASE_URL: 'https://p.supabase.co', SUPABASE_ANON_KEY: 'anon' };
  const { settings: cloudOnly } = await openSettings(project);
  assert.equal(cloudOnly.state().effectiveMode, 'cloud');
  assert.equal((await cloudOnly.save({ mode: 'local' })).effectiveMode, null, 'local picked but the default OpenAI endpoint has no key');
  assert.equal((await cloudOnly.save({ apiKey: 'sk-x' })).effectiveMode, 'local');

  const { settings: ollama } = await openSettings({ OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1', AI_MODEL: 'llama3.2' });
  assert.equal(ollama.state().effectiveMode, 'local', 'no project: local, and a named local endpoint needs no key');
  assert.equal((await ollama.save({ model: '' })).effectiveMode, 'local', 'the model falls back to the environment');
});

test('a settings file from elsewhere is ignored, not trusted; changes are announced', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ta-settings-'));
  writeFileSync(join(dir, SETTINGS_FILE), JSON.stringify({ version: 1, settings: { mode: 'satellite' } }));
  const { settings } = await openSettings({}, dir);
  assert.equal(settings.state().mode, 'cloud');
  const seen: string[] = [];
  settings.onChange((state) => seen.push(state.model));
  await settings.save({ model: 'gpt-4.1-mini' });
  assert.deepEqual(seen, ['gpt-4.1-mini']);
});

test('"Check for updates automatically" is on by default, saved off survives a reopen, and saving it back on restores it', async () => {
  const { settings, dir } = await openSettings();
  assert.equal(settings.state().autoUpdate, true);
  const changes: boolean[] = [];
  settings.onChange((state) => changes.push(state.autoUpdate));

  assert.equal((await settings.save({ autoUpdate: false })).autoUpdate, false);
  assert.equal(settings.autoUpdate, false);
  assert.deepEqual(changes, [false], 'the change is announced');
  const reopened = (await openSettings({}, dir)).settings;
  assert.equal(reopened.state().autoUpdate, false, 'read back from settings.json');

  assert.equal((await reopened.save({ model: 'other' })).autoUpdate, false, 'saving another setting leaves it alone');
  assert.equal((await reopened.save({ autoUpdate: true })).autoUpdate, true);
  assert.equal((await openSettings({}, dir)).settings.autoUpdate, true);
});
