import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'vitest';
import { aesGcmEncryption, fileKeyEncryption } from './file-key-encryption.ts';
import { SecretStore, type StringEncryption } from './secret-store.ts';

const folder = () => mkdtempSync(join(tmpdir(), 'ta-secrets-'));

test('secrets are stored encrypted, readable back, and deletable', async () => {
  const dir = folder();
  const file = join(dir, 'secrets.json');
  const store = new SecretStore(file, await fileKeyEncryption(join(dir, 'secrets.key')));
  assert.equal(await store.get('refresh-token'), null);
  await store.set('refresh-token', 'sb-refresh-abc123');
  assert.equal(await store.get('refresh-token'), 'sb-refresh-abc123');
  const onDisk = readFileSync(file, 'utf8');
  assert.doesNotMatch(onDisk, /sb-refresh-abc123/, 'no plain text at rest');
  assert.equal(statSync(file).mode & 0o077, 0, 'only the user can read the file');
  await store.delete('refresh-token');
  assert.equal(await store.get('refresh-token'), null);
});

test('concurrent changes are all kept (each one reads what the one before wrote)', async () => {
  const dir = folder();
  const store = new SecretStore(join(dir, 'secrets.json'), await fileKeyEncryption(join(dir, 'secrets.key')));
  await Promise.all(Array.from({ length: 20 }, (_, i) => store.set(`name-${i}`, `value-${i}`)));
  for (let i = 0; i < 20; i++) assert.equal(await store.get(`name-${i}`), `value-${i}`);
});

test('the key file is created once, 0600, and a second host reading it decrypts the same secrets', async () => {
  const dir = folder();
  const keyPath = join(dir, 'secrets.key');
  const first = new SecretStore(join(dir, 'secrets.json'), await fileKeyEncryption(keyPath));
  await first.set('api-key', 'sk-local-1');
  assert.equal(statSync(keyPath).mode & 0o077, 0);
  const key = readFileSync(keyPath);
  const second = new SecretStore(join(dir, 'secrets.json'), await fileKeyEncryption(keyPath));
  assert.equal(await second.get('api-key'), 'sk-local-1');
  assert.deepEqual(readFileSync(keyPath), key, 'the key was not replaced');
});

test('a secret encrypted under another key reads as absent; a foreign key file is refused', async () => {
  const dir = folder();
  const file = join(dir, 'secrets.json');
  await new SecretStore(file, aesGcmEncryption(randomBytes(32))).set('api-key', 'sk-old');
  assert.equal(await new SecretStore(file, aesGcmEncryption(randomBytes(32))).get('api-key'), null);
  writeFileSync(join(dir, 'short.key'), 'not a key');
  await assert.rejects(fileKeyEncryption(join(dir, 'short.key')), /not a key written by this app/);
});

test('without OS encryption a secret is refused, never written in plain text', async () => {
  const unavailable: StringEncryption = { ...aesGcmEncryption(randomBytes(32)), isEncryptionAvailable: () => false };
  const store = new SecretStore(join(folder(), 'secrets.json'), unavailable);
  await assert.rejects(store.set('refresh-token', 'x'), /Secure storage is not available/);
  assert.equal(await store.get('refresh-token'), null);
});
