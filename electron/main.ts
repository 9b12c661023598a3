// Electron main process: wires the plain-Node services (electron/services)
// to Electron through thin adapters, one setup step per concern (as Electron
// Fiddle's main does). Runs only inside Electron; everything it composes is
// tested in Node, and the browser host composes the same services.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { BrowserWindow, Menu, app, dialog, ipcMain, protocol, safeStorage, session, shell } from 'electron';
import { TRACE_FILE_EXTENSIONS } from '../shared-importer/src/formats/catalog.ts';
import type { AppInfo, EventChannel, MainEvents } from './ipc-contract.ts';
import { APP_SCHEME_PRIVILEGES, createAppProtocolHandler } from './main/app-protocol.ts';
import { IpcMainRouter, sendEvent } from './main/ipc-main.ts';
import { buildMenuTemplate } from './main/menu.ts';
import { APP_ORIGIN, APP_SCHEME, denyAllPermissions, hardenWebContents, mainWindowOptions, trustedOrigins } from './main/window-security.ts';
import { eventOnIpc, handlersOnIpc } from './profile-transfer.ts';
import { startAppServices, type AppServices } from './services/app-services.ts';
import { traceFileFromArgv } from './services/command-line.ts';
import { desktopUpdateSource } from './services/update-service.ts';
// Bundled by electron-vite as its own entry; the string is its path in out/main.
import importWorkerPath from './services/import-worker.ts?modulePath';

const TRACE_FILE_FILTERS = [
  { name: 'Traces', extensions: [...TRACE_FILE_EXTENSIONS] },
  { name: 'All Files', extensions: ['*'] },
];

/** What the setup steps share: the windows, and how events reach them. */
interface MainContext {
  /** Dev: argv is [electron, app folder, ...]; packaged: [executable, ...]. */
  leadingArgs: number;
  devServerUrl: string | undefined;
  windows: Set<BrowserWindow>;
  /** Sends a contract event to every window, in its IPC form. */
  emit: <C extends EventChannel>(channel: C, payload: MainEvents[C]) => void;
  /** Called after each event is sent (the menu follows the recent files). */
  afterEmit: ((channel: EventChannel) => void)[];
  createWindow: () => BrowserWindow;
}

// Must happen before 'ready'.
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);

if (!app.requestSingleInstanceLock()) {
  // Another instance owns the window; it receives our argv through 'second-instance'.
  app.quit();
} else {
  void start();
}

async function start(): Promise<void> {
  const main = createMainContext();
  const openFile = setupOpenFileEvents();
  await app.whenReady();
  const services = await setupServices(main);
  setupAppProtocol(main, services);
  setupWindowSecurity();
  const router = setupIpc(main, services);
  await setupRecentFiles(main, services);
  main.createWindow();
  setupImport(main, services, openFile);
  setupLifecycle(main, router, services);
}

function createMainContext(): MainContext {
  const devServerUrl = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL;
  const windows = new Set<BrowserWindow>();
  const afterEmit: MainContext['afterEmit'] = [];
  return {
    leadingArgs: app.isPackaged ? 1 : 2,
    devServerUrl,
    windows,
    afterEmit,
    emit(channel, payload) {
      // A profile's bytes go over app:// (profile-transfer.ts), everything else as it is.
      sendEvent(
        [...windows].map((w) => w.webContents),
        channel,
        eventOnIpc(channel, payload),
      );
      for (const listener of afterEmit) listener(channel);
    },
    createWindow() {
      const window = new BrowserWindow(mainWindowOptions(join(__dirname, '../preload/index.cjs')));
      windows.add(window);
      window.on('closed', () => windows.delete(window));
      window.once('ready-to-show', () => window.show());
      void window.loadURL(devServerUrl ?? `${APP_ORIGIN}/index.html`);
      return window;
    },
  };
}

/** macOS delivers files opened from Finder or the Dock before or after 'ready': queue them until imports can start. */
function setupOpenFileEvents(): { handle(open: (path: string) => void): void } {
  const pending: string[] = [];
  let open: (path: string) => void = (path) => void pending.push(path);
  app.on('open-file', (event, path) => {
    event.preventDefault();
    open(path);
  });
  return {
    handle(handler) {
      open = handler;
      for (const path of pending.splice(0)) handler(path);
    },
  };
}

/** Imports, recent files, settings, the account (its session in safeStorage), sync and the chat: as in the browser host. */
async function setupServices(main: MainContext): Promise<AppServices> {
  const appInfo: AppInfo = {
    name: app.getName(),
    version: app.getVersion(),
    host: 'electron',
    platform: process.platform,
    versions: { node: process.versions.node, electron: process.versions.electron, chrome: process.versions.chrome },
  };
  const services = await startAppServices({
    userDataDir: app.getPath('userData'),
    // electron-builder.yml unpacks out/main/chunks: a worker thread's ES module loader cannot read inside app.asar.
    workerUrl: importWorkerPath.replace(/app\.asar([\\/])/, 'app.asar.unpacked$1'),
    emit: main.emit,
    encryption: safeStorage,
    env: process.env,
    adapters: {
      appInfo,
      async showOpenDialog() {
        const parent = BrowserWindow.getFocusedWindow();
        const options = { title: 'Open Trace', properties: ['openFile' as const], filters: TRACE_FILE_FILTERS };
        const result = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
        return result.canceled ? null : (result.filePaths[0] ?? null);
      },
      openExternal: (url) => shell.openExternal(url),
      addRecentDocument: (path) => app.addRecentDocument(path),
      updates: setupUpdates(),
    },
  });
  services.imports.prewarm();
  return services;
}

/**
 * The platform's updater (AppImage, NSIS, macOS zip) reading the feed electron-builder wrote into
 * the package as resources/app-update.yml (release builds: the GitHub release). None in development
 * or in a local package build, which has no app-update.yml.
 */
function setupUpdates() {
  const hasFeed = app.isPackaged && existsSync(join(process.resourcesPath, 'app-update.yml'));
  // Loaded at the first check, not with main: electron-updater is CommonJS, its autoUpdater a getter on the module.
  const loadUpdater = () => (createRequire(import.meta.url)('electron-updater') as typeof import('electron-updater')).autoUpdater;
  return desktopUpdateSource({ isPackaged: app.isPackaged, hasFeed }, loadUpdater);
}

/** The renderer and the loaded profiles, served from app:// (never file://). */
function setupAppProtocol(main: MainContext, services: AppServices): void {
  protocol.handle(
    APP_SCHEME,
    createAppProtocolHandler(join(__dirname, '../renderer'), {
      profileOf: (traceId) => (services.imports.current?.traceId === traceId ? services.imports.current.profile : null),
      corsOrigins: main.devServerUrl ? [new URL(main.devServerUrl).origin] : [],
    }),
  );
}

function setupWindowSecurity(): void {
  denyAllPermissions(session.defaultSession);
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, (url) => void shell.openExternal(url)));
}

/** Every request of the contract, from our windows only, answered in its IPC form. */
function setupIpc(main: MainContext, services: AppServices): IpcMainRouter {
  const router = new IpcMainRouter(ipcMain, {
    origins: trustedOrigins(main.devServerUrl),
    windowContentsIds: () => [...main.windows].map((w) => w.webContents.id),
  });
  router.handleAll(handlersOnIpc(services.handlers));
  return router;
}

/** The application menu, whose Open Recent follows the recent files list. */
async function setupRecentFiles(main: MainContext, services: AppServices): Promise<void> {
  const refreshMenu = async () => {
    const recentFiles = await services.recent.list();
    const template = buildMenuTemplate(process.platform, recentFiles, {
      openDialog: () => void services.handlers['trace:open-dialog'](undefined),
      openRecent: (path) => void services.openPath(path),
      clearRecent: () => void services.handlers['recent:clear'](undefined),
      sendCommand: (command) => main.emit('menu:command', command),
      openExternal: (url) => void shell.openExternal(url),
    });
    Menu.setApplicationMenu(Menu.buildFromTemplate(template));
  };
  main.afterEmit.push((channel) => {
    if (channel === 'recent:changed') void refreshMenu();
  });
  await refreshMenu();
}

/** Traces named on the command line, by a second launch, or by the OS (open-file). */
function setupImport(main: MainContext, services: AppServices, openFile: ReturnType<typeof setupOpenFileEvents>): void {
  const openPath = (path: string) => void services.openPath(path);
  openFile.handle(openPath);
  const fromArgv = traceFileFromArgv(process.argv, process.cwd(), main.leadingArgs);
  if (fromArgv) openPath(fromArgv);
  app.on('second-instance', (_event, argv, workingDirectory) => {
    const path = traceFileFromArgv(argv, workingDirectory, main.leadingArgs);
    if (path) openPath(path);
    const window = [...main.windows][0] ?? main.createWindow();
    if (window.isMinimized()) window.restore();
    window.focus();
  });
}

function setupLifecycle(main: MainContext, router: IpcMainRouter, services: AppServices): void {
  app.on('activate', () => {
    if (main.windows.size === 0) main.createWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', () => {
    router.dispose();
    void services.dispose();
  });
}
