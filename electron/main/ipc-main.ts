// The only place that touches ipcMain (after GitHub Desktop's ipc-main.ts
// and Fiddle's IpcMainManager): every request channel of the contract is
// routed here, the sender is checked, the payload is validated with the
// contract's zod schema, then the handler runs. Only Electron types are
// imported, so the routing is tested in plain Node.
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import {
  REQUEST_CHANNELS,
  parseRequestPayload,
  type EventChannel,
  type IpcRequestHandlers,
  type MainEventsOnIpc,
  type RequestChannel,
} from '../ipc-contract.ts';
import { isTrustedUrl } from './window-security.ts';

export interface SenderPolicy {
  /** Origins our pages are loaded from (app://trace-analyser, the dev server in development). */
  origins: readonly string[];
  /** Ids of the webContents of our own windows. */
  windowContentsIds(): Iterable<number>;
}

/**
 * A request is accepted only from the main frame of one of our windows,
 * showing a page from one of our origins: not from an iframe, not after a
 * navigation elsewhere, not from another webContents.
 */
export function isTrustedSender(event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>, policy: SenderPolicy): boolean {
  const frame = event.senderFrame;
  if (!frame || frame !== event.sender.mainFrame) return false;
  if (!isTrustedUrl(frame.url, policy.origins)) return false;
  for (const id of policy.windowContentsIds()) if (id === event.sender.id) return true;
  return false;
}

export class IpcMainRouter {
  private readonly registered: RequestChannel[] = [];

  constructor(
    private readonly ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>,
    private readonly policy: SenderPolicy,
  ) {}

  /** Routes every request channel to its handler (answering in the Electron wire form, see the contract). */
  handleAll(handlers: IpcRequestHandlers): void {
    for (const channel of REQUEST_CHANNELS) this.handle(channel, handlers[channel]);
  }

  private handle<C extends RequestChannel>(channel: C, handler: IpcRequestHandlers[C]): void {
    this.ipcMain.handle(channel, async (event, payload: unknown) => {
      if (!isTrustedSender(event, this.policy)) {
        throw new Error(`Refused ${channel}: the sender is not one of this app's windows.`);
      }
      return handler(parseRequestPayload(channel, payload));
    });
    this.registered.push(channel);
  }

  dispose(): void {
    for (const channel of this.registered.splice(0)) this.ipcMain.removeHandler(channel);
  }
}

/** Sends a main → renderer event, in its Electron wire form, to each of the given windows' contents. */
export function sendEvent<C extends EventChannel>(targets: Iterable<WebContents>, channel: C, payload: MainEventsOnIpc[C]): void {
  for (const contents of targets) if (!contents.isDestroyed()) contents.send(channel, payload);
}
