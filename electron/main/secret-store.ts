// Secrets (e.g. the cloud session's refresh token) live only in the main
// process, encrypted at rest with Electron's safeStorage (Keychain, DPAPI,
// libsecret). The renderer never sees them.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** The part of Electron's safeStorage this store uses. */
export interface StringEncryption {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

export class SecretStore {
  constructor(
    readonly filePath: string,
    private readonly encryption: StringEncryption,
  ) {}

  async get(name: string): Promise<string | null> {
    const stored = (await this.readAll())[name];
    if (stored === undefined) return null;
    return this.encryption.decryptString(Buffer.from(stored, 'base64'));
  }

  async set(name: string, value: string): Promise<void> {
    // Never fall back to plain text: without OS encryption the secret is not kept.
    if (!this.encryption.isEncryptionAvailable()) {
      throw new Error('Secure storage is not available on this system; the secret was not saved.');
    }
    const all = await this.readAll();
    all[name] = this.encryption.encryptString(value).toString('base64');
    await this.writeAll(all);
  }

  async delete(name: string): Promise<void> {
    const all = await this.readAll();
    if (!(name in all)) return;
    delete all[name];
    await this.writeAll(all);
  }

  private async readAll(): Promise<Record<string, string>> {
    try {
      const data = JSON.parse(await readFile(this.filePath, 'utf8')) as unknown;
      return data && typeof data === 'object' ? (data as Record<string, string>) : {};
    } catch {
      return {};
    }
  }

  private async writeAll(all: Record<string, string>): Promise<void> {
    await mkdir(dirname(this.filePath), { recursive: true });
    const temporary = `${this.filePath}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify(all), { mode: 0o600 });
    await rename(temporary, this.filePath);
  }
}
