// The app's main-process services, composed once per host. The Electron
// main process and the browser host both create these and only differ in
// their adapters and in how requests and events travel.
import { join } from 'node:path';
import type { AppInfo, EventSink, ImportStarted, RequestHandlers } from '../ipc-contract.ts';
import { accountHandlers, announceAccountChanges } from './account-handlers.ts';
import { AccountService } from './account-service.ts';
import { AppSettings, type Environment } from './app-settings.ts';
import { chatHandlers } from './chat-handlers.ts';
import { ChatService } from './chat-service.ts';
import type { CloudSession } from './cloud-session.ts';
import type { BackoffOptions } from './reconnect-backoff.ts';
import { ConversationStore } from './conversations.ts';
import { safeExternalUrl } from './external-url.ts';
import { ImportService } from './import-service.ts';
import { RecentFilesStore } from './recent-files.ts';
import { SecretStore, type StringEncryption } from './secret-store.ts';
import type { TraceStorage } from './trace-storage.ts';
import { SyncFolder } from './sync-folder.ts';
import { syncHandlers } from './sync-handlers.ts';
import { TraceSync } from './trace-sync.ts';
import { UPDATES_OFF, UpdateService, type UpdateSource } from './update-service.ts';

export const SECRETS_FILE = 'secrets.json';

/** What differs between hosts. */
export interface HostAdapters {
  appInfo: AppInfo;
  /** A native open dialog answering a path, or null when cancelled. Hosts without one leave it out. */
  showOpenDialog?: () => Promise<string | null>;
  /** Hands an already validated https URL to the system browser. */
  openExternal?: (url: string) => Promise<void>;
  /** Tells the OS about an opened file (Dock / Jump List recent documents). */
  addRecentDocument?: (path: string) => void;
  /** The platform updater (Electron, packaged), or why this host does not update; absent: no updates. */
  updates?: UpdateSource;
}

export interface AppServicesOptions {
  /** Folder for recent files, settings, secrets and conversations (Electron: app.getPath('userData')). */
  userDataDir: string;
  /** The import worker's entry module. */
  workerUrl: URL | string;
  emit: EventSink;
  adapters: HostAdapters;
  /** Encrypts secrets at rest: safeStorage in Electron, a key file in the browser host. */
  encryption: StringEncryption;
  /** Where settings not saved in the app come from (process.env). */
  env: Environment;
  /** The cloud chat's reconnect backoff and stall timeout (tests shorten them). */
  cloudChat?: { backoff?: BackoffOptions; stallTimeoutMs?: number };
  /** The update checks' schedule (tests shorten it). */
  updateTiming?: { firstCheckDelayMs?: number; checkIntervalMs?: number; busyPollMs?: number };
}

export interface AppServices {
  handlers: RequestHandlers;
  /** Hosts call imports.prewarm() at start, so the first trace does not wait for the worker to load. */
  imports: ImportService;
  recent: RecentFilesStore;
  settings: AppSettings;
  account: AccountService;
  chat: ChatService;
  /** Uploads opened traces to Storage when signed in; the chat's TraceStorage. */
  sync: TraceSync;
  updates: UpdateService;
  /** Opens a trace by path: the command line, a second instance, macOS open-file. */
  openPath(path: string): Promise<ImportStarted>;
  dispose(): Promise<void>;
}

export async function startAppServices(options: AppServicesOptions): Promise<AppServices> {
  const account = await setupAccount(options);
  const sync = setupSync(options, account.account);
  const imports = setupImports(options, sync);
  const chat = setupChat(options, account, imports.imports, sync);
  const updates = setupUpdates(options, account.settings, imports.imports, chat.chat);
  const handlers: RequestHandlers = {
    ...imports.handlers,
    ...account.handlers,
    ...chat.handlers,
    ...syncHandlers(sync),
    ...appHandlers(options.adapters),
    ...updates.handlers,
  };

  async function dispose(): Promise<void> {
    account.stopAnnouncing();
    updates.updates.dispose();
    // The chat first: it saves its conversation and needs the account to close its channel.
    await chat.chat.dispose();
    await Promise.all([imports.imports.dispose(), sync.dispose(), account.account.dispose()]);
  }
  return {
    handlers,
    imports: imports.imports,
    recent: imports.recent,
    settings: account.settings,
    account: account.account,
    chat: chat.chat,
    sync,
    updates: updates.updates,
    openPath: imports.openPath,
    dispose,
  };
}

/** Storage sync as the signed-in user; uploads cut off in the last session resume. */
function setupSync({ userDataDir, emit }: AppServicesOptions, session: CloudSession): TraceSync {
  const sync = new TraceSync({ session, folder: new SyncFolder(join(userDataDir, 'trace-sync')), emit });
  sync.start().catch((error: Error) => console.warn(`Could not resume the uploads of the last session: ${error.message}`));
  return sync;
}

/** Imports in the worker, and the recent files they add to. */
function setupImports({ workerUrl, emit, adapters, userDataDir }: AppServicesOptions, sync: TraceSync) {
  const recent = RecentFilesStore.inFolder(userDataDir);
  const imports = new ImportService({
    workerUrl,
    emit,
    // The worker hashes (and, for sync, compresses) the bytes it read, after the trace is sent.
    archiveTo: sync.archiveTo,
    onSummary: (event) => sync.summaryArrived(event),
    onContent: (traceId, content) => sync.contentArrived(traceId, content),
    onLoaded(loaded) {
      sync.traceLoaded(loaded);
      if (!loaded.path) return;
      const path = loaded.path;
      adapters.addRecentDocument?.(path);
      recent
        .add({ path, format: loaded.format, sizeBytes: loaded.sizeBytes })
        .then((files) => emit('recent:changed', files))
        .catch((error: Error) => console.warn(`Could not save the recent files list: ${error.message}`));
    },
  });
  const openPath = (path: string) => imports.importPath(path);
  const handlers = {
    async 'trace:open-dialog'() {
      if (!adapters.showOpenDialog) throw new Error('This host has no open dialog.');
      const path = await adapters.showOpenDialog();
      return path ? openPath(path) : null;
    },
    'trace:open-path': ({ path }) => openPath(path),
    'trace:cancel-import': async () => imports.cancel(),
    async 'trace:get-state'() {
      const { traceId } = imports.current ?? {};
      return { ...imports.state, sync: traceId ? sync.stateOf(traceId) : null };
    },
    'trace:shown': async ({ traceId }) => imports.traceShown(traceId),
    'recent:list': () => recent.list(),
    async 'recent:clear'() {
      await recent.clear();
      emit('recent:changed', []);
    },
  } satisfies Partial<RequestHandlers>;
  return { imports, recent, openPath, handlers };
}

/** Settings and the account, their secrets in the secret store; changes announced to the windows. */
async function setupAccount({ userDataDir, encryption, env, emit }: AppServicesOptions) {
  const secrets = new SecretStore(join(userDataDir, SECRETS_FILE), encryption);
  const settings = await AppSettings.open({ userDataDir, secrets, env });
  const account = await AccountService.start({ settings, secrets });
  const stopAnnouncing = announceAccountChanges(settings, account, emit);
  return { settings, account, stopAnnouncing, handlers: accountHandlers(settings, account) };
}

/** The chat of the open trace: conversations on disk, answers from the cloud or local mode. */
function setupChat(
  options: AppServicesOptions,
  { settings, account }: Awaited<ReturnType<typeof setupAccount>>,
  imports: ImportService,
  traceStorage: TraceStorage,
) {
  const chat = new ChatService({
    emit: options.emit,
    settings,
    account,
    traceStorage,
    conversations: ConversationStore.inFolder(options.userDataDir),
    traces: {
      open: (traceId) => (imports.current?.traceId === traceId ? { traceId, fileName: imports.current.fileName } : null),
      async summaryText(traceId) {
        const summary = await imports.whenSummarised(traceId);
        if (summary.status !== 'ready') throw new Error(summary.message);
        return summary.summaryText;
      },
      runTool: (traceId, call) => imports.runTool(traceId, call),
    },
    cloud: options.cloudChat,
  });
  return { chat, handlers: chatHandlers(chat) };
}

/** The app's own updates: never a restart while an answer streams or an import runs. */
function setupUpdates({ adapters, emit, updateTiming }: AppServicesOptions, settings: AppSettings, imports: ImportService, chat: ChatService) {
  const updates = new UpdateService({
    source: adapters.updates ?? { offReason: UPDATES_OFF.noUpdater },
    settings,
    isAnswering: () => chat.isAnswering,
    isImporting: () => imports.isRunning,
    onState: (state) => emit('update:state', state),
    ...updateTiming,
  });
  updates.start();
  const handlers = {
    'update:get-state': async () => updates.current,
    'update:restart': () => updates.restart(),
  } satisfies Partial<RequestHandlers>;
  return { updates, handlers };
}

/** What the app tells about itself, and links handed to the system browser. */
function appHandlers(adapters: HostAdapters) {
  return {
    'app:info': async () => adapters.appInfo,
    async 'shell:open-external'({ url }) {
      const safe = safeExternalUrl(url);
      if (!safe) throw new Error(`Refusing to open "${url}": only https links are opened.`);
      if (!adapters.openExternal) throw new Error('This host cannot open links.');
      await adapters.openExternal(safe);
    },
  } satisfies Partial<RequestHandlers>;
}
