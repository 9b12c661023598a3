// window.traceAnalyser for the browser host: the same TraceAnalyserApi as the
// Electron preload, carried over the host's WebSocket
// (electron/browser-host/ws-protocol.ts). Installed synchronously when this
// module runs (the host injects it before the renderer's script); requests
// made before the socket opens wait for it.
import {
  API_GLOBAL_NAME,
  type EventChannel,
  type ImportStarted,
  type MainEvents,
  type RequestChannel,
  type RequestPayload,
  type RequestResults,
} from '../electron/ipc-contract.ts';
import {
  BinaryKind,
  TOKEN_PARAM,
  UPLOAD_CHUNKS_IN_FLIGHT,
  UPLOAD_CHUNK_BYTES,
  WS_PATH,
  binaryFrame,
  decodeWithAttachments,
  readBinaryFrame,
  type ClientMessage,
} from '../electron/browser-host/ws-protocol.ts';
import { safeExternalUrl } from '../electron/services/external-url.ts';
import { createTraceAnalyserApi, type ApiTransport } from './api-from-transport.ts';

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

class HostSocket {
  private readonly socket: WebSocket;
  private readonly opened: Promise<void>;
  private readonly pending = new Map<number, Pending>();
  private readonly attachments = new Map<number, Uint8Array>();
  private readonly listeners = new Map<EventChannel, Set<(payload: unknown) => void>>();
  private readonly uploadWaiters = new Map<number, (wanted: boolean) => void>();
  private nextId = 1;
  private closedError: Error | null = null;

  constructor(url: string) {
    this.socket = new WebSocket(url);
    this.socket.binaryType = 'arraybuffer';
    this.socket.addEventListener('close', (event) => {
      this.closedError = new Error(`Lost the connection to the Trace Analyser host (${event.code}${event.reason ? `: ${event.reason}` : ''}).`);
      for (const { reject } of this.pending.values()) reject(this.closedError);
      this.pending.clear();
      for (const wake of this.uploadWaiters.values()) wake(false);
    });
    // Registered after the handler above, so closedError is set when this rejects.
    this.opened = new Promise((resolve, reject) => {
      this.socket.addEventListener('open', () => resolve(), { once: true });
      this.socket.addEventListener('close', () => reject(this.closedError), { once: true });
    });
    this.opened.catch(() => {});
    this.socket.addEventListener('message', (event) => this.onMessage(event.data as ArrayBuffer | string));
  }

  async request<T>(message: Omit<Extract<ClientMessage, { type: 'request' }>, 'id'> | Omit<Extract<ClientMessage, { type: 'upload-start' }>, 'id'>): Promise<T> {
    await this.opened;
    if (this.closedError) throw this.closedError;
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.socket.send(JSON.stringify({ ...message, id }));
    });
  }

  subscribe(channel: EventChannel, listener: (payload: unknown) => void): () => void {
    let set = this.listeners.get(channel);
    if (!set) this.listeners.set(channel, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Streams a file's bytes, keeping a few chunks in flight, as the host acknowledges them. */
  async upload(file: File): Promise<ImportStarted> {
    const uploadId = this.nextId++;
    const started = await this.request<ImportStarted>({
      type: 'upload-start',
      uploadId,
      fileName: file.name,
      totalBytes: file.size,
    });
    void this.sendChunks(file, uploadId);
    return started;
  }

  private async sendChunks(file: File, uploadId: number): Promise<void> {
    let inFlight = 0;
    let wanted = true;
    let wake: (() => void) | null = null;
    this.uploadWaiters.set(uploadId, (stillWanted) => {
      inFlight--;
      wanted &&= stillWanted;
      wake?.();
      wake = null;
    });
    try {
      for (let offset = 0; offset < file.size && wanted; offset += UPLOAD_CHUNK_BYTES) {
        const chunk = new Uint8Array(await file.slice(offset, offset + UPLOAD_CHUNK_BYTES).arrayBuffer());
        if (!wanted || this.closedError) return;
        inFlight++;
        this.socket.send(binaryFrame(BinaryKind.UploadChunk, uploadId, chunk));
        while (inFlight >= UPLOAD_CHUNKS_IN_FLIGHT && wanted && !this.closedError) {
          await new Promise<void>((resolve) => (wake = resolve));
        }
      }
      if (wanted && !this.closedError) this.socket.send(binaryFrame(BinaryKind.UploadEnd, uploadId));
    } finally {
      this.uploadWaiters.delete(uploadId);
    }
  }

  private onMessage(data: ArrayBuffer | string): void {
    if (typeof data !== 'string') {
      const frame = readBinaryFrame(new Uint8Array(data));
      if (frame && frame.kind === BinaryKind.Attachment) this.attachments.set(frame.id, frame.payload);
      return;
    }
    const message = decodeWithAttachments(data, this.attachments);
    switch (message.type) {
      case 'response': {
        const pending = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (!pending) return;
        if (message.ok) pending.resolve(message.result);
        else pending.reject(new Error(message.error));
        return;
      }
      case 'event':
        for (const listener of this.listeners.get(message.channel) ?? []) listener(message.payload);
        return;
      case 'upload-ack':
        this.uploadWaiters.get(message.uploadId)?.(message.wanted);
        return;
    }
  }
}

/** A file picker standing in for the native open dialog. Resolves null when the user cancels. */
function pickFile(): Promise<File | null> {
  return new Promise((resolve) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.addEventListener('change', () => resolve(input.files?.[0] ?? null), { once: true });
    input.addEventListener('cancel', () => resolve(null), { once: true });
    input.click();
  });
}

export function installBrowserBridge(target: Window = window): void {
  const token = new URL(target.location.href).searchParams.get(TOKEN_PARAM) ?? '';
  const wsUrl = new URL(WS_PATH, target.location.href);
  wsUrl.protocol = wsUrl.protocol === 'https:' ? 'wss:' : 'ws:';
  wsUrl.search = new URLSearchParams({ [TOKEN_PARAM]: token }).toString();
  const host = new HostSocket(wsUrl.href);

  const transport: ApiTransport = {
    invoke: <C extends RequestChannel>(channel: C, payload: RequestPayload<C>) =>
      host.request<RequestResults[C]>({ type: 'request', channel, payload }),
    subscribe: <C extends EventChannel>(channel: C, listener: (payload: MainEvents[C]) => void) =>
      host.subscribe(channel, listener as (payload: unknown) => void),
    importFile: (file) => host.upload(file),
    async openTraceDialog() {
      const file = await pickFile();
      return file ? host.upload(file) : null;
    },
  };
  const api = createTraceAnalyserApi(transport);
  // Links open in a new tab instead of the system browser, after the same validation as in Electron.
  api.openExternal = async (url) => {
    const safe = safeExternalUrl(url);
    if (!safe) throw new Error(`Refusing to open "${url}": only https links are opened.`);
    target.open(safe, '_blank', 'noopener,noreferrer');
  };
  Object.defineProperty(target, API_GLOBAL_NAME, { value: Object.freeze(api), configurable: false, writable: false });
}

// The host injects this module as a script: install at once, before the renderer's script runs.
if (typeof window !== 'undefined' && !(API_GLOBAL_NAME in window)) installBrowserBridge();
