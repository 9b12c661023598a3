// Electron main process: wires the plain-Node services (electron/services)
// to Electron through thin adapters. Runs only inside Electron; everything it
// composes is tested in Node.
import { join } from 'node:path';
import { BrowserWindow, Menu, app, dialog, ipcMain, protocol, safeStorage, session, shell } from 'electron';
import { TRACE_FILE_EXTENSIONS } from '../shared-importer/src/formats/catalog.ts';
import type { AppInfo, EventChannel, HostTraceState, MainEvents } from './ipc-contract.ts';
import { APP_SCHEME_PRIVILEGES, createAppProtocolHandler } from './main/app-protocol.ts';
import { IpcMainRouter, sendEvent, sendRaw } from './main/ipc-main.ts';
import { buildMenuTemplate } from './main/menu.ts';
import {
  APP_ORIGIN,
  APP_SCHEME,
  denyAllPermissions,
  hardenWebContents,
  mainWindowOptions,
  trustedOrigins,
} from './main/window-security.ts';
import { carriesProfile, stateToWire, toWire } from './profile-transfer.ts';
import { startAppServices } from './services/app-services.ts';
import { traceFileFromArgv } from './services/command-line.ts';
// Bundled by electron-vite as its own entry; the string is its path in out/main.
import importWorkerPath from './services/import-worker.ts?modulePath';

const TRACE_FILE_FILTERS = [
  { name: 'Traces', extensions: [...TRACE_FILE_EXTENSIONS] },
  { name: 'All Files', extensions: ['*'] },
];

// Must happen before 'ready'.
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);

if (!app.requestSingleInstanceLock()) {
  // Another instance owns the window; it receives our argv through 'second-instance'.
  app.quit();
} else {
  void start();
}

async function start(): Promise<void> {
  // Dev: argv is [electron, app folder, ...]; packaged: [executable, ...].
  const leadingArgs = app.isPackaged ? 1 : 2;
  const devServerUrl = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL;
  const windows = new Set<BrowserWindow>();
  let refreshMenu = async () => {};
  const emit = <C extends EventChannel>(channel: C, payload: MainEvents[C]) => {
    const contents = [...windows].map((w) => w.webContents);
    // The profile bytes go over app:// (profile-transfer.ts), not through IPC.
    if (carriesProfile(channel)) sendRaw(contents, channel, toWire(payload as MainEvents[typeof channel]));
    else sendEvent(contents, channel, payload);
    // Open Recent follows the list, which changes on every load and on clear.
    if (channel === 'recent:changed') void refreshMenu();
  };
  const openExternal = (url: string) => void shell.openExternal(url);

  // macOS delivers files opened from Finder/Dock before or after 'ready'.
  const pendingPaths: string[] = [];
  let openPath = (path: string) => void pendingPaths.push(path);
  app.on('open-file', (event, path) => {
    event.preventDefault();
    openPath(path);
  });

  await app.whenReady();

  const appInfo: AppInfo = {
    name: app.getName(),
    version: app.getVersion(),
    host: 'electron',
    platform: process.platform,
    versions: { node: process.versions.node, electron: process.versions.electron, chrome: process.versions.chrome },
  };
  const services = await startAppServices({
    userDataDir: app.getPath('userData'),
    encryption: safeStorage,
    env: process.env,
    // electron-builder.yml unpacks out/main/chunks: a worker thread's ES module loader cannot read inside app.asar.
    workerUrl: importWorkerPath.replace(/app\.asar([\\/])/, 'app.asar.unpacked$1'),
    emit,
    adapters: {
      appInfo,
      async showOpenDialog() {
        const parent = BrowserWindow.getFocusedWindow();
        const options = { title: 'Open Trace', properties: ['openFile' as const], filters: TRACE_FILE_FILTERS };
        const result = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
        return result.canceled ? null : (result.filePaths[0] ?? null);
      },
      openExternal: async (url) => shell.openExternal(url),
      addRecentDocument: (path) => app.addRecentDocument(path),
    },
  });
  services.imports.prewarm();
  protocol.handle(
    APP_SCHEME,
    createAppProtocolHandler(join(__dirname, '../renderer'), {
      connectSources: connectSources(),
      profileOf: (traceId) => (services.imports.current?.traceId === traceId ? services.imports.current.profile : null),
      corsOrigins: devServerUrl ? [new URL(devServerUrl).origin] : [],
    }),
  );
  denyAllPermissions(session.defaultSession);
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, openExternal));

  const router = new IpcMainRouter(ipcMain, {
    origins: trustedOrigins(devServerUrl),
    windowContentsIds: () => [...windows].map((w) => w.webContents.id),
  });
  router.handleAll({
    ...services.handlers,
    // As for the loaded event: metadata over IPC, the bytes over app://. The preload turns it back into a HostTraceState.
    'trace:get-state': async () => stateToWire(services.imports.state) as unknown as HostTraceState,
  });

  refreshMenu = async () => {
    const recentFiles = await services.recent.list();
    const template = buildMenuTemplate(process.platform, recentFiles, {
      openDialog: () => void services.handlers['trace:open-dialog'](undefined),
      openRecent: (path) => void services.openPath(path),
      clearRecent: () => void services.handlers['recent:clear'](undefined),
      sendCommand: (command) => emit('menu:command', command),
      openExternal,
    });
    Menu.setApplicationMenu(Menu.buildFromTemplate(template));
  };
  await refreshMenu();

  const createWindow = () => {
    const window = new BrowserWindow(mainWindowOptions(join(__dirname, '../preload/index.cjs')));
    windows.add(window);
    window.on('closed', () => windows.delete(window));
    window.once('ready-to-show', () => window.show());
    void window.loadURL(devServerUrl ?? `${APP_ORIGIN}/index.html`);
    return window;
  };
  createWindow();

  openPath = (path: string) => void services.openPath(path);
  for (const path of pendingPaths.splice(0)) openPath(path);
  const fromArgv = traceFileFromArgv(process.argv, process.cwd(), leadingArgs);
  if (fromArgv) openPath(fromArgv);

  app.on('second-instance', (_event, argv, workingDirectory) => {
    const path = traceFileFromArgv(argv, workingDirectory, leadingArgs);
    if (path) openPath(path);
    const window = [...windows][0] ?? createWindow();
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('activate', () => {
    if (windows.size === 0) createWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', () => {
    router.dispose();
    void services.dispose();
  });
}

/** Cloud endpoints the renderer may connect to (the chat's Supabase project), from the environment. */
function connectSources(): string[] {
  const url = process.env.TRACE_ANALYSER_SUPABASE_URL;
  if (!url) return [];
  const origin = new URL(url).origin;
  return [origin, origin.replace(/^http/, 'ws')];
}
