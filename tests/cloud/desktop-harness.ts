// The desktop side of the cloud tests: an app's account (settings, secret
// store, supabase-js as the app runs it) pointed at a project URL, and a small
// real TraceStorage that stores a trace's row the way Storage sync does (the
// summary made locally, the sha256 of the file), as the signed-in user.
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { importTraceFile } from '../../shared-importer/node/node-host.ts';
import { renderSummaryText } from '../../shared-importer/src/summary/render-summary-text.ts';
import { summarizeProfile } from '../../shared-importer/src/summary/summarize-profile.ts';
import type { TraceSummary } from '../../shared-importer/src/summary/summary-types.ts';
import { AccountService } from '../../electron/services/account-service.ts';
import { AppSettings, type Environment } from '../../electron/services/app-settings.ts';
import { fileKeyEncryption } from '../../electron/services/file-key-encryption.ts';
import { SecretStore } from '../../electron/services/secret-store.ts';
import type { StoredTrace, TraceStorage } from '../../electron/services/trace-storage.ts';

export interface DesktopAccount {
  dir: string;
  settings: AppSettings;
  secrets: SecretStore;
  account: AccountService;
}

/** An app's account as it starts, with its own data folder, settings from `env`. */
export async function startDesktopAccount(env: Environment, dir = mkdtempSync(join(tmpdir(), 'ta-desktop-'))): Promise<DesktopAccount> {
  const secrets = new SecretStore(join(dir, 'secrets.json'), await fileKeyEncryption(join(dir, 'secrets.key')));
  const settings = await AppSettings.open({ userDataDir: dir, secrets, env });
  const account = await AccountService.start({ settings, secrets });
  return { dir, settings, secrets, account };
}

/** A real trace's summary, as the import worker makes it. */
export interface LocalSummary {
  fileName: string;
  sha256: string;
  sizeBytes: number;
  summary: TraceSummary;
  summaryText: string;
}

export async function summariseFile(path: string): Promise<LocalSummary> {
  const bytes = readFileSync(path);
  const summary = summarizeProfile(await importTraceFile(path));
  return {
    fileName: basename(path),
    sha256: createHash('sha256').update(bytes).digest('hex'),
    sizeBytes: bytes.length,
    summary,
    summaryText: (await renderSummaryText(summary)).text,
  };
}

/**
 * Stores each desktop trace's row once, as the signed-in user, with the
 * summary made locally. `traces` maps desktop trace ids to their summaries.
 */
export function rowStorage(account: AccountService, traces: Map<string, LocalSummary>): TraceStorage {
  const stored = new Map<string, Promise<StoredTrace>>();
  const summaryOf = (traceId: string) => {
    const local = traces.get(traceId);
    if (!local) throw new Error(`unknown trace ${traceId}`);
    return local;
  };
  return {
    contentHash: async (traceId) => summaryOf(traceId).sha256,
    whenStored(traceId) {
      let row = stored.get(traceId);
      if (!row) {
        row = (async () => {
          const local = summaryOf(traceId);
          const client = account.client();
          if (!client) throw new Error('not signed in');
          const { data, error } = await client
            .from('traces')
            .insert({
              file_name: local.fileName,
              size_bytes: local.sizeBytes,
              content_sha256: local.sha256,
              format: local.summary.format,
              summary: local.summary,
              summary_text: local.summaryText,
            })
            .select('id')
            .single();
          if (error) throw new Error(error.message);
          return { cloudTraceId: data.id, sha256: local.sha256 };
        })();
        stored.set(traceId, row);
      }
      return row;
    },
  };
}

export const newTraceId = () => randomUUID();
