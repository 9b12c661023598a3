// Reads the `[functions.<slug>]` tables of supabase/config.toml (verify_jwt, entrypoint), the only
// part the stand-in needs; a full TOML parser is not warranted for flat key = value tables.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export interface FunctionConfig {
  verifyJwt: boolean;
  /** Absolute path of the entry module, when config.toml names one. */
  entrypoint?: string;
}

export function readFunctionConfigs(configTomlPath: string): Map<string, FunctionConfig> {
  const configs = new Map<string, FunctionConfig>();
  if (!existsSync(configTomlPath)) return configs;
  const baseDir = dirname(configTomlPath);
  let current: FunctionConfig | undefined;
  for (const rawLine of readFileSync(configTomlPath, 'utf8').split('\n')) {
    const line = rawLine.replace(/(^|\s)#.*$/, '').trim();
    if (!line) continue;
    const table = /^\[([^\]]+)\]$/.exec(line);
    if (table) {
      const slug = /^functions\.(?:"([^"]+)"|([A-Za-z0-9_-]+))$/.exec(table[1].trim());
      current = slug ? { verifyJwt: true } : undefined;
      if (slug) configs.set(slug[1] ?? slug[2], current!);
      continue;
    }
    if (!current) continue;
    const pair = /^([A-Za-z0-9_]+)\s*=\s*(.+)$/.exec(line);
    if (!pair) continue;
    const [, key, value] = pair;
    if (key === 'verify_jwt') current.verifyJwt = value.trim() !== 'false';
    if (key === 'entrypoint') current.entrypoint = resolve(baseDir, JSON.parse(value.trim()) as string);
  }
  return configs;
}
