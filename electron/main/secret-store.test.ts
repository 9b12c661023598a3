import assert from 'node:assert/strict';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { SecretStore, type StringEncryption } from './secret-store.ts';

/** Real AES-256-GCM in place of the OS keychain that safeStorage uses (not available outside Electron). */
function aesEncryption(available = true): StringEncryption {
  const key = randomBytes(32);
  return {
    isEncryptionAvailable: () => available,
    encryptString(plainText) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plainText, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    decryptString(encrypted) {
      const decipher = createDecipheriv('aes-256-gcm', key, encrypted.subarray(0, 12));
      decipher.setAuthTag(encrypted.subarray(12, 28));
      return Buffer.concat([decipher.update(encrypted.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}

test('secrets are stored encrypted, readable back, and deletable', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'ta-secrets-')), 'secrets.json');
  const store = new SecretStore(file, aesEncryption());
  assert.equal(await store.get('refresh-token'), null);
  await store.set('refresh-token', 'sb-refresh-abc123');
  assert.equal(await store.get('refresh-token'), 'sb-refresh-abc123');
  const onDisk = readFileSync(file, 'utf8');
  assert.doesNotMatch(onDisk, /sb-refresh-abc123/, 'no plain text at rest');
  assert.equal(statSync(file).mode & 0o077, 0, 'only the user can read the file');
  await store.delete('refresh-token');
  assert.equal(await store.get('refresh-token'), null);
});

test('without OS encryption a secret is refused, never written in plain text', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'ta-secrets-')), 'secrets.json');
  const store = new SecretStore(file, aesEncryption(false));
  await assert.rejects(store.set('refresh-token', 'x'), /Secure storage is not available/);
  assert.equal(await store.get('refresh-token'), null);
});
