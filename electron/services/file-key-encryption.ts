// The browser host's stand-in for Electron's safeStorage (which has no Node
// equivalent): AES-256-GCM with a random key kept in its own file, readable
// only by the user (0600), beside the data it protects. It keeps secrets out
// of the secrets file itself (a copy of that file alone, in a backup or a bug
// report, reveals nothing); it does not protect against other programs
// running as the same user, which can read the key file too. safeStorage,
// backed by the OS keychain, is what the desktop app uses.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { StringEncryption } from './secret-store.ts';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export function aesGcmEncryption(key: Uint8Array): StringEncryption {
  if (key.length !== KEY_BYTES) throw new Error(`The encryption key must be ${KEY_BYTES} bytes.`);
  return {
    isEncryptionAvailable: () => true,
    encryptString(plainText) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plainText, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    decryptString(encrypted) {
      const decipher = createDecipheriv('aes-256-gcm', key, encrypted.subarray(0, IV_BYTES));
      decipher.setAuthTag(encrypted.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(encrypted.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    },
  };
}

/** Encryption with the key stored at `keyPath`, created (0600) on first use. */
export async function fileKeyEncryption(keyPath: string): Promise<StringEncryption> {
  return aesGcmEncryption(await readOrCreateKey(keyPath));
}

async function readOrCreateKey(keyPath: string): Promise<Uint8Array> {
  await mkdir(dirname(keyPath), { recursive: true });
  try {
    // 'wx': only one of two hosts starting at once creates the key; the other reads it.
    const file = await open(keyPath, 'wx', 0o600);
    const key = randomBytes(KEY_BYTES);
    try {
      await file.writeFile(key);
      await file.sync();
    } finally {
      await file.close();
    }
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const key = await readFile(keyPath);
  if (key.length !== KEY_BYTES) throw new Error(`${keyPath} is not a key written by this app; delete it to start over (saved secrets are lost).`);
  return key;
}
