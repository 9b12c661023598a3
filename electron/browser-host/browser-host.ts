// The browser host: the desktop app's main-process services in plain Node,
// behind a loopback HTTP + WebSocket server, so the real renderer runs (and
// is tested) in Chromium without Electron. The page is served by Vite
// (renderer-server.ts: current sources by default, or the production build);
// the TraceAnalyserApi reaches the services over one WebSocket
// (preload/browser-bridge.ts, injected into the page before the renderer).
//
// Only 127.0.0.1 is bound. Every HTTP request and the WebSocket need the
// random token from the printed URL (the page keeps it in a SameSite=Strict
// cookie), the Host header must name this server (against DNS rebinding) and
// the Origin of the WebSocket and of uploads must be this server (against
// other local pages). Dropped files arrive by HTTP POST (upload-endpoint.ts).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { isRequestChannel, parseRequestPayload, type AppInfo, type EventChannel, type MainEvents, type RequestChannel } from '../ipc-contract.ts';
import type { Environment } from '../services/app-settings.ts';
import { startAppServices, type AppServices } from '../services/app-services.ts';
import { UPDATES_OFF } from '../services/update-service.ts';
import { fileKeyEncryption } from '../services/file-key-encryption.ts';
import { startRendererServer, type RendererMode, type RendererServer } from './renderer-server.ts';
import { UploadEndpoint } from './upload-endpoint.ts';
import {
  BinaryKind,
  TOKEN_COOKIE,
  TOKEN_PARAM,
  UPLOAD_PATH,
  WS_PATH,
  binaryHeader,
  clientMessageSchema,
  encodeWithAttachments,
  type ServerMessage,
  type UploadStartResult,
} from './ws-protocol.ts';

const WORKER_URL = new URL('../services/import-worker.ts', import.meta.url);
/** The browser host's encryption key for the secret store, in the data folder. */
const SECRETS_KEY_FILE = 'secrets.key';
/** The page sends only small JSON requests (files go by HTTP POST). */
const MAX_WS_MESSAGE_BYTES = 1024 * 1024;

export interface BrowserHostOptions {
  /** A trace to open at start, as `trace-analyser path` does. */
  file?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Where recent files, settings, secrets and conversations live. Default: ~/.trace-analyser/browser-host. */
  userDataDir?: string;
  /** Where settings not saved in the app come from (SUPABASE_URL, OPENAI_BASE_URL, ...). Default: process.env. */
  env?: Environment;
  /** 'dev' (default): Vite serves the current sources. 'production': the minified build, as the app ships it. */
  renderer?: RendererMode;
  /** Vite's dependency cache in 'dev' mode. Default: node_modules/.vite/browser-host. */
  viteCacheDir?: string;
}

export interface BrowserHost {
  /** Page URL with the access token, e.g. http://127.0.0.1:5173/?token=... */
  url: string;
  port: number;
  token: string;
  services: AppServices;
  stop(): Promise<void>;
}

export async function startBrowserHost(options: BrowserHostOptions = {}): Promise<BrowserHost> {
  const token = randomBytes(24).toString('base64url');
  const clients = new Set<WebSocket>();
  let attachmentId = 0;
  const nextAttachmentId = () => (attachmentId = (attachmentId + 1) >>> 0);

  const broadcast = <C extends EventChannel>(channel: C, payload: MainEvents[C]) => {
    const { json, attachments } = encodeWithAttachments({ type: 'event', channel, payload }, nextAttachmentId);
    for (const client of clients) sendEncoded(client, json, attachments);
  };

  const userDataDir = options.userDataDir ?? join(homedir(), '.trace-analyser', 'browser-host');
  await mkdir(userDataDir, { recursive: true });
  const appInfo: AppInfo = {
    name: 'Trace Analyser',
    version: process.env.npm_package_version ?? '0.0.0',
    host: 'browser',
    platform: process.platform,
    versions: { node: process.versions.node },
  };
  // No native dialog or system browser here: the bridge shows a file picker and opens links itself.
  // No updates either: the browser host runs from a checkout.
  const services = await startAppServices({
    userDataDir,
    workerUrl: WORKER_URL,
    emit: broadcast,
    adapters: { appInfo, updates: { offReason: UPDATES_OFF.browserHost } },
    // No OS keychain here: secrets are encrypted with a key kept in its own 0600 file (see file-key-encryption.ts).
    encryption: await fileKeyEncryption(join(userDataDir, SECRETS_KEY_FILE)),
    env: options.env ?? process.env,
  });
  services.imports.prewarm();
  const uploads = new UploadEndpoint(services.imports);

  let port = 0;
  const hostAllowed = (host: string | undefined) => host === `127.0.0.1:${port}` || host === `localhost:${port}`;
  const pageOrigins = () => [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
  const tokenMatches = (candidate: string | null | undefined) => {
    if (!candidate) return false;
    const a = Buffer.from(candidate);
    const b = Buffer.from(token);
    return a.length === b.length && timingSafeEqual(a, b);
  };

  let rendererServer: RendererServer | undefined;
  // No limit on receiving a whole request (Node's default is 5 minutes): an upload of a
  // multi-GB trace is paced by its import and may take longer. Headers still time out.
  const server = createServer({ requestTimeout: 0 }, (request: IncomingMessage, response: ServerResponse) => {
    if (!hostAllowed(request.headers.host)) return refuse(response, 421, 'Unexpected Host header.');
    const url = new URL(request.url ?? '/', `http://${request.headers.host}`);
    const fromQuery = url.searchParams.get(TOKEN_PARAM);
    if (tokenMatches(fromQuery)) {
      response.setHeader('set-cookie', `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`);
    } else if (!tokenMatches(cookieValue(request.headers.cookie, TOKEN_COOKIE))) {
      return refuse(response, 403, 'Forbidden: open the URL that `npm run serve` printed (it carries the access token).');
    }
    response.setHeader('x-content-type-options', 'nosniff');
    if (url.pathname === '/favicon.ico') return refuse(response, 204, '');
    if (url.pathname === UPLOAD_PATH) return void uploads.handle(request, response, url, pageOrigins());
    if (!rendererServer) return refuse(response, 503, 'Starting up, reload in a moment.');
    rendererServer.handle(request, response, () => refuse(response, 404, 'Not found'));
  });

  const mode = options.renderer ?? 'dev';
  const renderer = await startRendererServer(mode, { viteCacheDir: options.viteCacheDir }).catch(async (error: unknown) => {
    await services.dispose();
    throw error;
  });
  rendererServer = renderer;

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WS_MESSAGE_BYTES });
  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', `http://${request.headers.host}`);
    const origin = request.headers.origin;
    const allowed =
      url.pathname === WS_PATH && hostAllowed(request.headers.host) && pageOrigins().includes(origin ?? '') && tokenMatches(url.searchParams.get(TOKEN_PARAM));
    if (!allowed) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      clients.add(ws);
      new Connection(ws, services, uploads, nextAttachmentId);
      ws.on('close', () => {
        clients.delete(ws);
        // A page that goes away before sending a file it announced cannot send it.
        uploads.dropOwner(ws);
      });
    });
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolveListen());
  });
  port = (server.address() as { port: number }).port;

  if (options.file) void services.openPath(resolve(options.file));

  let stopped: Promise<void> | null = null;
  return {
    url: `http://127.0.0.1:${port}/?${TOKEN_PARAM}=${token}`,
    port,
    token,
    services,
    stop() {
      stopped ??= (async () => {
        for (const client of clients) client.terminate();
        wss.close();
        server.closeAllConnections();
        await new Promise<void>((done) => server.close(() => done()));
        await renderer.close();
        await services.dispose();
      })();
      return stopped;
    },
  };
}

/** One page's WebSocket: requests, and announcing uploads. */
class Connection {
  constructor(
    private readonly ws: WebSocket,
    private readonly services: AppServices,
    private readonly uploads: UploadEndpoint,
    private readonly nextAttachmentId: () => number,
  ) {
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) this.ws.close(1003, 'The page sends no binary frames');
      else void this.onText(toBytes(data).toString());
    });
  }

  private send(message: ServerMessage): void {
    const { json, attachments } = encodeWithAttachments(message, this.nextAttachmentId);
    sendEncoded(this.ws, json, attachments);
  }

  private async onText(text: string): Promise<void> {
    let message;
    try {
      message = clientMessageSchema.parse(JSON.parse(text));
    } catch {
      this.ws.close(1008, 'Malformed message');
      return;
    }
    const id = message.id;
    try {
      if (message.type === 'upload-start') {
        const result: UploadStartResult = this.uploads.start(this.ws, message.fileName, message.totalBytes);
        this.send({ type: 'response', id, ok: true, result });
        return;
      }
      const channel = message.channel;
      if (!isRequestChannel(channel)) throw new Error(`Unknown request channel "${channel}".`);
      const result = await this.handle(channel, message.payload);
      this.send({ type: 'response', id, ok: true, result });
    } catch (error) {
      this.send({ type: 'response', id, ok: false, error: error instanceof Error ? error.message : String(error) });
    }
  }

  private handle<C extends RequestChannel>(channel: C, payload: unknown) {
    return this.services.handlers[channel](parseRequestPayload(channel, payload));
  }
}

function sendEncoded(ws: WebSocket, json: string, attachments: { id: number; bytes: Uint8Array }[]): void {
  if (ws.readyState !== ws.OPEN) return;
  for (const { id, bytes } of attachments) {
    // One message in two fragments: the payload goes out as it is, not copied behind its header.
    ws.send(binaryHeader(BinaryKind.Attachment, id), { binary: true, fin: false });
    ws.send(bytes, { binary: true, fin: true });
  }
  ws.send(json);
}

function refuse(response: ServerResponse, status: number, message: string): void {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  response.end(message);
}

function cookieValue(header: string | undefined, name: string): string | null {
  for (const part of header?.split(';') ?? []) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return null;
}

function toBytes(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
