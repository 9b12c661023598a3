// The app's own updates, over an electron-updater AppUpdater the host creates
// on first use (Electron: the platform's autoUpdater; tests: a real updater class on a
// test AppAdapter). Checks a while after start and every few hours, downloads
// in the background, then asks the window; it restarts only when the user
// accepts, and never while an answer streams or an import runs (it waits for
// them). Failures (offline, feed missing, bad checksum) are logged and shown as
// a quiet state; the next scheduled check tries again. Plain Node: no Electron.
import type { AppUpdater, ProgressInfo, UpdateDownloadedEvent, UpdateInfo } from 'electron-updater';
import type { UpdateState } from '../ipc-contract.ts';

/** What this service uses of an AppUpdater. */
export type PlatformUpdater = Pick<AppUpdater, 'autoDownload' | 'autoInstallOnAppQuit' | 'checkForUpdates' | 'quitAndInstall' | 'on'>;

/**
 * How the host makes its updater, or why this host does not update (shown as "Updates are off:
 * <reason>"). The updater is made at the first check, not at start: loading electron-updater
 * takes tens of milliseconds that start-up does not wait for.
 */
export type UpdateSource = { createUpdater: () => PlatformUpdater } | { offReason: string };

/** Why a host does not update, in the words the settings show. */
export const UPDATES_OFF = {
  development: 'development build',
  browserHost: 'browser host (npm run serve)',
  noFeed: 'this build has no update feed',
  setting: 'turned off in Settings',
  /** A host that passed no updater at all (tests, tools composing the services). */
  noUpdater: 'this host does not update',
} as const;

/**
 * The desktop app's updates: none in development (electron-vite dev, an unpacked app) or in a
 * package built without a feed (local `npx electron-builder` writes no app-update.yml).
 */
export function desktopUpdateSource(build: { isPackaged: boolean; hasFeed: boolean }, createUpdater: () => PlatformUpdater): UpdateSource {
  if (!build.isPackaged) return { offReason: UPDATES_OFF.development };
  if (!build.hasFeed) return { offReason: UPDATES_OFF.noFeed };
  return { createUpdater };
}

export const DEFAULT_FIRST_CHECK_DELAY_MS = 10_000;
export const DEFAULT_CHECK_INTERVAL_MS = 4 * 60 * 60 * 1000;
const DEFAULT_BUSY_POLL_MS = 1000;
const MAX_RELEASE_NOTES_CHARS = 4000;

export interface UpdateServiceOptions {
  source: UpdateSource;
  /** The "Check for updates automatically" setting, followed as it changes. */
  settings: { readonly autoUpdate: boolean; onChange(listener: () => void): () => void };
  /** True while a chat answer streams. */
  isAnswering(): boolean;
  /** True while a trace import runs. */
  isImporting(): boolean;
  /** Every state change, for the windows (update:state). */
  onState(state: UpdateState): void;
  /** Start-up is not slowed by a check: the first one waits this long. */
  firstCheckDelayMs?: number;
  checkIntervalMs?: number;
  /** How often a restart the user asked for while busy looks again. */
  busyPollMs?: number;
  log?: Pick<Console, 'warn'>;
}

export class UpdateService {
  private state: UpdateState;
  private checkTimers: NodeJS.Timeout[] = [];
  private restartPoll?: NodeJS.Timeout;
  private cancelDownload: (() => void) | null = null;
  private stopFollowingSettings: () => void = () => {};
  private updater: PlatformUpdater | null = null;

  constructor(private readonly options: UpdateServiceOptions) {
    this.state = 'offReason' in options.source ? off(options.source.offReason, false) : { status: 'idle', checkedAt: null };
  }

  /** Starts following the setting and, when on, the check schedule. A host without an updater never checks. */
  start(): void {
    if ('offReason' in this.options.source) return;
    this.stopFollowingSettings = this.options.settings.onChange(() => this.followSetting());
    this.followSetting();
  }

  get current(): UpdateState {
    return this.state;
  }

  /** The user accepted: restart into the update now, or as soon as the answer or import running now ends. */
  async restart(): Promise<UpdateState> {
    if (this.state.status !== 'ready') throw new Error('No update has been downloaded yet.');
    this.restartWhenIdle(this.state);
    return this.state;
  }

  dispose(): void {
    this.stopFollowingSettings();
    this.stopChecking();
    this.stopRestartPoll();
  }

  /** Off: no checks, no downloads, nothing installed on quit. On: checks on the schedule. */
  private followSetting(): void {
    const on = this.options.settings.autoUpdate;
    if (this.updater) this.updater.autoInstallOnAppQuit = on;
    if (!on) {
      if (this.state.status === 'off') return;
      this.stopChecking();
      this.stopRestartPoll();
      this.cancelDownload?.();
      return this.setState(off(UPDATES_OFF.setting, true));
    }
    if (this.state.status === 'off') this.setState({ status: 'idle', checkedAt: null });
    if (this.checkTimers.length === 0) this.scheduleChecks();
  }

  /** The first check a while after start (or after turning updates on), then one every interval. */
  private scheduleChecks(): void {
    const { firstCheckDelayMs = DEFAULT_FIRST_CHECK_DELAY_MS, checkIntervalMs = DEFAULT_CHECK_INTERVAL_MS } = this.options;
    // Pending checks never keep a process alive on their own.
    const first = setTimeout(() => {
      this.check();
      this.checkTimers = [setInterval(() => this.check(), checkIntervalMs).unref()];
    }, firstCheckDelayMs).unref();
    this.checkTimers = [first];
  }

  private stopChecking(): void {
    for (const timer of this.checkTimers) clearTimeout(timer);
    this.checkTimers = [];
  }

  private check(): void {
    if (this.state.status === 'off' || this.state.status === 'downloading' || this.state.status === 'checking') return;
    // Failures arrive as the updater's 'error' event; the promises' rejections are that same failure.
    this.platformUpdater()
      .checkForUpdates()
      .then(
        (result) => {
          const token = result?.cancellationToken;
          this.cancelDownload = token ? () => token.cancel() : null;
          result?.downloadPromise?.catch(() => {}).finally(() => (this.cancelDownload = null));
        },
        () => {},
      );
  }

  private platformUpdater(): PlatformUpdater {
    if (this.updater) return this.updater;
    const updater = (this.options.source as { createUpdater: () => PlatformUpdater }).createUpdater();
    updater.autoDownload = true;
    updater.autoInstallOnAppQuit = this.options.settings.autoUpdate;
    this.listenTo(updater);
    return (this.updater = updater);
  }

  private listenTo(updater: PlatformUpdater): void {
    const unlessReady = (next: () => UpdateState) => {
      // A later check finding nothing newer (or failing) does not take back an update that is ready.
      if (this.state.status !== 'ready' && this.state.status !== 'off') this.setState(next());
    };
    updater.on('checking-for-update', () => unlessReady(() => ({ status: 'checking' })));
    updater.on('update-not-available', () => unlessReady(() => ({ status: 'idle', checkedAt: new Date().toISOString() })));
    updater.on('update-available', (info: UpdateInfo) => unlessReady(() => ({ status: 'downloading', version: info.version, percent: null })));
    updater.on('download-progress', (progress: ProgressInfo) => {
      if (this.state.status === 'downloading') this.setState({ ...this.state, percent: Math.floor(progress.percent) });
    });
    updater.on('update-downloaded', (event: UpdateDownloadedEvent) => {
      if (this.state.status === 'off') return;
      // A later check finds the same version in the cache and says so again: a restart already asked for still waits.
      const restartWaitsFor = this.state.status === 'ready' && this.state.version === event.version ? this.state.restartWaitsFor : null;
      this.setState({ status: 'ready', version: event.version, releaseNotes: releaseNotesText(event.releaseNotes), restartWaitsFor });
    });
    updater.on('error', (error: Error) => {
      const message = describeUpdateError(error);
      (this.options.log ?? console).warn(`Update: ${message} (${error.message.split('\n')[0]})`);
      unlessReady(() => ({ status: 'failed', message, checkedAt: new Date().toISOString() }));
    });
  }

  private restartWhenIdle(ready: Extract<UpdateState, { status: 'ready' }>): void {
    const waitsFor = this.busyWith();
    if (waitsFor === null) return this.install();
    if (waitsFor !== ready.restartWaitsFor) this.setState({ ...ready, restartWaitsFor: waitsFor });
    if (this.restartPoll) return;
    this.restartPoll = setInterval(() => {
      if (this.state.status === 'ready') this.restartWhenIdle(this.state);
    }, this.options.busyPollMs ?? DEFAULT_BUSY_POLL_MS);
  }

  private busyWith(): 'answer' | 'import' | null {
    if (this.options.isAnswering()) return 'answer';
    if (this.options.isImporting()) return 'import';
    return null;
  }

  private stopRestartPoll(): void {
    clearInterval(this.restartPoll);
    this.restartPoll = undefined;
  }

  private install(): void {
    this.stopRestartPoll();
    this.stopChecking();
    this.updater!.quitAndInstall();
  }

  private setState(state: UpdateState): void {
    this.state = state;
    this.options.onState(state);
  }
}

function off(reason: string, bySetting: boolean): UpdateState {
  return { status: 'off', reason, bySetting };
}

/** A short sentence for the settings and the log: the common failures by name, else the error's first line. */
export function describeUpdateError(error: Error & { code?: string; statusCode?: number }): string {
  if (error.code === 'ERR_CHECKSUM_MISMATCH') return 'the downloaded update did not match its checksum and was discarded';
  // Windows: the installer is not signed by the publisher the running app was signed by.
  if (error.code === 'ERR_UPDATER_INVALID_SIGNATURE') return 'the downloaded update was not signed by the publisher and was discarded';
  // Providers wrap network failures in their own errors (GitHub's "latest version not found"): the cause is in the text.
  if (OFFLINE.test(`${error.code ?? ''} ${error.message}`)) return 'the update server could not be reached';
  if (error.statusCode === 404 || FEED_NOT_FOUND.has(error.code ?? '')) return 'the update feed was not found';
  return `the update failed: ${error.message.split('\n')[0]}`;
}

const OFFLINE =
  /\b(ENOTFOUND|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|ENETUNREACH)\b|net::ERR_(INTERNET_DISCONNECTED|NAME_NOT_RESOLVED|CONNECTION_REFUSED|CONNECTION_RESET|CONNECTION_TIMED_OUT|TIMED_OUT|NETWORK_CHANGED|ADDRESS_UNREACHABLE|PROXY_CONNECTION_FAILED)/;
const FEED_NOT_FOUND = new Set(['ERR_UPDATER_CHANNEL_FILE_NOT_FOUND', 'ERR_UPDATER_LATEST_VERSION_NOT_FOUND', 'ERR_UPDATER_NO_PUBLISHED_VERSIONS']);

const ENTITIES: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&nbsp;': ' ', '&amp;': '&' };

/** Release notes as plain text (GitHub's feed gives HTML; the window shows text, never markup). */
export function releaseNotesText(notes: UpdateInfo['releaseNotes']): string | null {
  const joined = Array.isArray(notes) ? notes.map((n) => n.note ?? '').join('\n\n') : (notes ?? '');
  const text = joined
    .replace(/<br\s*\/?>|<\/(?:p|li|h\d|div)>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(?:lt|gt|quot|#39|nbsp|amp);/g, (entity) => ENTITIES[entity])
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return text ? text.slice(0, MAX_RELEASE_NOTES_CHARS) : null;
}
