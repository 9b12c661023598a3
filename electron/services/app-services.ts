// The app's main-process services, composed once per host. The Electron
// main process and the browser host both create these and only differ in
// their adapters and in how requests and events travel.
import { join } from 'node:path';
import type { AppInfo, EventSink, ImportStarted, RequestHandlers } from '../ipc-contract.ts';
import { SIGNED_OUT, type CloudSession } from './cloud-session.ts';
import { safeExternalUrl } from './external-url.ts';
import { ImportService } from './import-service.ts';
import { RecentFilesStore } from './recent-files.ts';
import { SyncFolder } from './sync-folder.ts';
import { syncHandlers } from './sync-handlers.ts';
import { TraceSync } from './trace-sync.ts';

/** What differs between hosts. */
export interface HostAdapters {
  appInfo: AppInfo;
  /** A native open dialog answering a path, or null when cancelled. Hosts without one leave it out. */
  showOpenDialog?: () => Promise<string | null>;
  /** Hands an already validated https URL to the system browser. */
  openExternal?: (url: string) => Promise<void>;
  /** Tells the OS about an opened file (Dock / Jump List recent documents). */
  addRecentDocument?: (path: string) => void;
}

export interface AppServicesOptions {
  /** Folder for recent-files.json (Electron: app.getPath('userData')). */
  userDataDir: string;
  /** The import worker's entry module. */
  workerUrl: URL | string;
  emit: EventSink;
  adapters: HostAdapters;
  /** The signed-in Supabase client traces sync with; none: nothing is synced. */
  cloudSession?: CloudSession;
}

export interface AppServices {
  handlers: RequestHandlers;
  /** Hosts call imports.prewarm() at start, so the first trace does not wait for the worker to load. */
  imports: ImportService;
  recent: RecentFilesStore;
  /** Uploads opened traces to Storage when signed in; the chat's TraceStorage. */
  sync: TraceSync;
  /** Opens a trace by path: the command line, a second instance, macOS open-file. */
  openPath(path: string): Promise<ImportStarted>;
  dispose(): Promise<void>;
}

export function createAppServices(options: AppServicesOptions): AppServices {
  const { emit, adapters } = options;
  const recent = RecentFilesStore.inFolder(options.userDataDir);
  const sync = new TraceSync({ session: options.cloudSession ?? SIGNED_OUT, folder: new SyncFolder(join(options.userDataDir, 'trace-sync')), emit });
  sync.start().catch((error: Error) => console.warn(`Could not resume the uploads of the last session: ${error.message}`));
  const imports = new ImportService({
    workerUrl: options.workerUrl,
    emit,
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

  const handlers: RequestHandlers = {
    async 'trace:open-dialog'() {
      if (!adapters.showOpenDialog) throw new Error('This host has no open dialog.');
      const path = await adapters.showOpenDialog();
      return path ? openPath(path) : null;
    },
    'trace:open-path': ({ path }) => openPath(path),
    'trace:cancel-import': async () => imports.cancel(),
    'trace:get-state': async () => imports.state,
    'trace:shown': async ({ traceId }) => imports.traceShown(traceId),
    'recent:list': () => recent.list(),
    async 'recent:clear'() {
      await recent.clear();
      emit('recent:changed', []);
    },
    'app:info': async () => adapters.appInfo,
    async 'shell:open-external'({ url }) {
      const safe = safeExternalUrl(url);
      if (!safe) throw new Error(`Refusing to open "${url}": only https links are opened.`);
      if (!adapters.openExternal) throw new Error('This host cannot open links.');
      await adapters.openExternal(safe);
    },
    ...syncHandlers(sync),
  };

  const dispose = async () => {
    await Promise.all([imports.dispose(), sync.dispose()]);
  };
  return { handlers, imports, recent, sync, openPath, dispose };
}
