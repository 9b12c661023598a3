// window.traceAnalyser for the browser host: the same TraceAnalyserApi as the
// Electron preload, carried over the host's WebSocket
// (electron/browser-host/ws-protocol.ts). Installed synchronously when this
// module runs (the host injects it before the renderer's script); requests
// made before the socket opens wait for it. Dropped or picked files go by one
// streaming HTTP POST each (electron/browser-host/upload-endpoint.ts): the
// browser reads and sends a File body itself, off the page's main thread.
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
  UPLOAD_PATH,
  WS_PATH,
  decodeWithAttachments,
  readBinaryFrame,
  type ClientMessage,
  type UploadStartResult,
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
  private nextId = 1;
  private closedError: Error | null = null;

  constructor(url: string) {
    this.socket = new WebSocket(url);
    this.socket.binaryType = 'arraybuffer';
    this.socket.addEventListener('close', (event) => {
      this.closedError = new Error(`Lost the connection to the Trace Analyser host (${event.code}${event.reason ? `: ${event.reason}` : ''}).`);
      for (const pending of this.pending.values()) pending.reject(this.closedError);
      this.pending.clear();
    });
    // Registered after the handler above, so closedError is set when this rejects.
    this.opened = new Promise((resolve, reject) => {
      this.socket.addEventListener('open', () => resolve(), { once: true });
      this.socket.addEventListener('close', () => reject(this.closedError ?? new Error('Lost the connection to the Trace Analyser host.')), { once: true });
    });
    this.opened.catch(() => {});
    this.socket.addEventListener('message', (event) => this.onMessage(event.data as ArrayBuffer | string));
  }

  async request<T>(
    message: Omit<Extract<ClientMessage, { type: 'request' }>, 'id'> | Omit<Extract<ClientMessage, { type: 'upload-start' }>, 'id'>,
  ): Promise<T> {
    await this.opened;
    if (this.closedError) throw this.closedError;
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve, reject });
      this.socket.send(JSON.stringify({ ...message, id }));
    });
  }

  subscribe(channel: EventChannel, listener: (payload: unknown) => void): () => void {
    let set = this.listeners.get(channel);
    if (!set) this.listeners.set(channel, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  /**
   * Starts the import, then streams the file to it in one POST. The POST's
   * outcome is not awaited: a broken-off upload makes the host cancel the
   * import, which the page hears as import:failed. The other way round, an
   * import that fails or is cancelled or replaced mid-upload aborts the POST,
   * so the rest of the file is not read.
   */
  async upload(file: File, uploadUrl: (uploadId: string) => string, fetchFn: typeof fetch): Promise<ImportStarted> {
    const { uploadId, started } = await this.request<UploadStartResult>({
      type: 'upload-start',
      fileName: file.name,
      totalBytes: file.size,
    });
    const controller = new AbortController();
    const unsubscribe = this.subscribe('import:failed', (payload) => {
      if ((payload as MainEvents['import:failed']).importId === started.importId) controller.abort();
    });
    void fetchFn(uploadUrl(uploadId), {
      method: 'POST',
      body: file,
      headers: { 'content-type': 'application/octet-stream' },
      signal: controller.signal,
    })
      .then((response) => response.body?.cancel())
      .catch(() => {})
      .finally(unsubscribe);
    return started;
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
  const uploadUrl = (uploadId: string) => {
    const url = new URL(UPLOAD_PATH, target.location.href);
    url.search = new URLSearchParams({ [TOKEN_PARAM]: token, id: uploadId }).toString();
    return url.href;
  };
  const upload = (file: File) => host.upload(file, uploadUrl, (input, init) => target.fetch(input, init));

  const transport: ApiTransport = {
    invoke: <C extends RequestChannel>(channel: C, payload: RequestPayload<C>) => host.request<RequestResults[C]>({ type: 'request', channel, payload }),
    subscribe: <C extends EventChannel>(channel: C, listener: (payload: MainEvents[C]) => void) =>
      host.subscribe(channel, listener as (payload: unknown) => void),
    importFile: upload,
    async openTraceDialog() {
      const file = await pickFile();
      return file ? upload(file) : null;
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
