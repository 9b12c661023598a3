// Secrets (the cloud session, the local model's API key) live only in the
// main process, encrypted at rest: with Electron's safeStorage (Keychain,
// DPAPI, libsecret) in the app, with file-key-encryption.ts in the browser
// host. The renderer never sees them.
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from './atomic-file.ts';

/** The part of Electron's safeStorage this store uses. */
export interface StringEncryption {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

export class SecretStore {
  /** Changes are read-modify-write of one file: one at a time, so none is lost. */
  private writing: Promise<void> = Promise.resolve();

  constructor(
    readonly filePath: string,
    private readonly encryption: StringEncryption,
  ) {}

  async get(name: string): Promise<string | null> {
    await this.writing;
    const stored = (await this.readAll())[name];
    if (stored === undefined) return null;
    try {
      return this.encryption.decryptString(Buffer.from(stored, 'base64'));
    } catch {
      // Encrypted under another key (a new OS keychain, a deleted key file): as good as absent.
      console.warn(`Ignoring the stored secret "${name}": it cannot be decrypted here.`);
      return null;
    }
  }

  set(name: string, value: string): Promise<void> {
    // Never fall back to plain text: without OS encryption the secret is not kept.
    if (!this.encryption.isEncryptionAvailable()) {
      return Promise.reject(new Error('Secure storage is not available on this system; the secret was not saved.'));
    }
    return this.change((all) => {
      all[name] = this.encryption.encryptString(value).toString('base64');
      return true;
    });
  }

  delete(name: string): Promise<void> {
    return this.change((all) => {
      if (!(name in all)) return false;
      delete all[name];
      return true;
    });
  }

  private change(apply: (all: Record<string, string>) => boolean): Promise<void> {
    const next = this.writing
      .catch(() => {})
      .then(async () => {
        const all = await this.readAll();
        if (apply(all)) await writeFileAtomic(this.filePath, JSON.stringify(all), { mode: 0o600 });
      });
    this.writing = next.catch(() => {});
    return next;
  }

  private async readAll(): Promise<Record<string, string>> {
    try {
      const data = JSON.parse(await readFile(this.filePath, 'utf8')) as unknown;
      return data && typeof data === 'object' ? (data as Record<string, string>) : {};
    } catch {
      return {};
    }
  }
}
