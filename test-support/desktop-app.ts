// The desktop app's main-process services as a host composes them (the real
// import worker, settings, secret store, account, chat), without a window:
// requests go to the same handlers the IPC router and the browser host call,
// and events are recorded in the order a window would receive them.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  AppInfo,
  ChatTurnEvent,
  EventChannel,
  MainEvents,
  RequestChannel,
  RequestPayload,
  RequestResults,
  TraceLoadedEvent,
} from '../electron/ipc-contract.ts';
import type { Environment } from '../electron/services/app-settings.ts';
import { startAppServices, type AppServices, type HostAdapters } from '../electron/services/app-services.ts';
import { fileKeyEncryption } from '../electron/services/file-key-encryption.ts';

const WORKER_URL = new URL('../electron/services/import-worker.ts', import.meta.url);
const APP_INFO: AppInfo = { name: 'Trace Analyser', version: 'test', host: 'browser', platform: process.platform, versions: { node: process.versions.node } };

export interface RecordedEvent<C extends EventChannel = EventChannel> {
  channel: C;
  payload: MainEvents[C];
}

export class DesktopApp {
  readonly events: RecordedEvent[] = [];
  private wake: (() => void)[] = [];

  private constructor(
    readonly dir: string,
    readonly services: AppServices,
  ) {}

  static async start(options: {
    env: Environment;
    dir?: string;
    cloudChat?: Parameters<typeof startAppServices>[0]['cloudChat'];
    /** A packaged app's updater (test-support/update-feed.ts) and a short check schedule. */
    updates?: Pick<Parameters<typeof startAppServices>[0], 'updateTiming'> & { source: HostAdapters['updates'] };
  }): Promise<DesktopApp> {
    const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'ta-app-'));
    let app: DesktopApp | undefined;
    const pending: RecordedEvent[] = [];
    const services = await startAppServices({
      userDataDir: dir,
      workerUrl: WORKER_URL,
      emit: (channel, payload) => (app ? app.record({ channel, payload }) : pending.push({ channel, payload })),
      adapters: { appInfo: APP_INFO, updates: options.updates?.source },
      encryption: await fileKeyEncryption(join(dir, 'secrets.key')),
      env: options.env,
      cloudChat: options.cloudChat,
      updateTiming: options.updates?.updateTiming,
    });
    app = new DesktopApp(dir, services);
    for (const event of pending) app.record(event);
    return app;
  }

  request<C extends RequestChannel>(channel: C, payload: RequestPayload<C>): Promise<RequestResults[C]> {
    return this.services.handlers[channel](payload);
  }

  /** Opens a trace file as a window would (and draws it, so its summary follows); resolves with the loaded event. */
  async openTrace(path: string): Promise<TraceLoadedEvent> {
    const { importId } = await this.request('trace:open-path', { path });
    const loaded = await this.until(() => this.payloads('trace:loaded').find((e) => e.importId === importId), 'the trace to load', 60_000);
    await this.request('trace:shown', { traceId: loaded.traceId });
    return loaded;
  }

  payloads<C extends EventChannel>(channel: C): MainEvents[C][] {
    return this.events.filter((e): e is RecordedEvent<C> => e.channel === channel).map((e) => e.payload);
  }

  /** chat:event payloads of one turn, in order. */
  turn(turnId: string): ChatTurnEvent[] {
    return this.payloads('chat:event').filter((e) => e.turnId === turnId);
  }

  /** Resolves with a turn's last event (end, error or interrupted). */
  ended(turnId: string, timeoutMs = 30_000): Promise<ChatTurnEvent> {
    return this.until(
      () => this.turn(turnId).find((e) => ['model_response_end', 'error', 'interrupted'].includes(e.type)),
      `the end of turn ${turnId}`,
      timeoutMs,
    );
  }

  streamedText(turnId: string): string {
    return this.turn(turnId)
      .flatMap((e) => (e.type === 'model_chunk_append' ? [e.text] : []))
      .join('');
  }

  async until<T>(find: () => T | undefined | false, what: string, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = find();
      if (found !== undefined && found !== false) return found;
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${what}; events: ${JSON.stringify(this.events.filter((e) => e.channel.startsWith('chat')))}`);
      await new Promise<void>((resolve) => {
        this.wake.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  stop(): Promise<void> {
    return this.services.dispose();
  }

  private record(event: RecordedEvent): void {
    this.events.push(event);
    for (const wake of this.wake.splice(0)) wake();
  }
}
