// Serves the built renderer from app://trace-analyser/ (Electron's
// recommendation over file://: a real origin, so CSP, 'self' and the IPC
// sender check mean something). The handler uses only web-standard
// Request/Response, so it is tested in plain Node.
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { CustomScheme } from 'electron';
import { traceIdOfProfilePath } from '../profile-transfer.ts';
import { APP_HOST, APP_SCHEME, contentSecurityPolicy } from './window-security.ts';

/** Passed to protocol.registerSchemesAsPrivileged before the app is ready. */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, codeCache: true },
};

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
};

function profileRequest(requestUrl: string): string | null {
  try {
    const url = new URL(requestUrl);
    return url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST ? traceIdOfProfilePath(url.pathname) : null;
  } catch {
    return null;
  }
}

/** The file under `rootDir` a request names, or null for other hosts and paths escaping the root. */
export function resolveAppPath(requestUrl: string, rootDir: string): string | null {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0')) return null;
  const relative = pathname === '/' || pathname === '' ? 'index.html' : pathname.replace(/^\/+/, '');
  const root = normalize(rootDir + sep);
  const file = normalize(join(root, relative));
  return file.startsWith(root) ? file : null;
}

export interface AppProtocolOptions {
  /** The encoded profile of a loaded trace, served at /__profile/<traceId> (see profile-transfer.ts). */
  profileOf?: (traceId: string) => Uint8Array | null;
  /** Origins other than app:// allowed to fetch profiles (the Vite dev server in development). */
  corsOrigins?: readonly string[];
}

/** protocol.handle(APP_SCHEME, handler): static files with the CSP and no-sniff headers, and loaded profiles. */
export function createAppProtocolHandler(rootDir: string, options: AppProtocolOptions = {}) {
  const csp = contentSecurityPolicy();
  return async (request: Request): Promise<Response> => {
    const traceId = profileRequest(request.url);
    if (traceId !== null) {
      const bytes = options.profileOf?.(traceId);
      if (!bytes) return new Response('No such trace', { status: 404 });
      const headers: Record<string, string> = { 'content-type': 'application/octet-stream', 'cache-control': 'no-store' };
      const origin = request.headers.get('origin');
      if (origin && options.corsOrigins?.includes(origin)) headers['access-control-allow-origin'] = origin;
      return new Response(bytes as Uint8Array<ArrayBuffer>, { status: 200, headers });
    }
    const file = resolveAppPath(request.url, rootDir);
    if (!file) return new Response('Not found', { status: 404 });
    try {
      const body = await readFile(file);
      return new Response(body, {
        status: 200,
        headers: {
          'content-type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
          'content-security-policy': csp,
          'x-content-type-options': 'nosniff',
          'cross-origin-opener-policy': 'same-origin',
        },
      });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  };
}
