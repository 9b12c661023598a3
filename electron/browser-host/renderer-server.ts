// How the browser host serves the renderer, in one of two modes:
// - 'dev': Vite in middleware mode, transforming the current sources on
//   request (no build step; React's development build). The default for
//   `npm run serve` and the tests.
// - 'production': the renderer built once by Vite at start (minified, React's
//   production build) and served like the app serves it over app://, with the
//   same CSP header. For benchmarks and for checking the shipped bundle.
// Either way the page bridge (preload/browser-bridge.ts) is added to the page
// ahead of the renderer's own script, so window.traceAnalyser exists when it runs.
import { mkdtemp, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { build, createServer as createViteServer, type Plugin } from 'vite';
import { createAppProtocolHandler } from '../main/app-protocol.ts';
import { APP_ORIGIN } from '../main/window-security.ts';

export type RendererMode = 'dev' | 'production';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RENDERER_ROOT = join(REPO_ROOT, 'renderer');
const BRIDGE_MODULE = join(REPO_ROOT, 'preload', 'browser-bridge.ts');

export interface RendererServer {
  /** Serves a request for the page or its modules; `next` when it has nothing for the path. */
  handle(request: IncomingMessage, response: ServerResponse, next: () => void): void;
  close(): Promise<void>;
}

export async function startRendererServer(mode: RendererMode, options: { viteCacheDir?: string }): Promise<RendererServer> {
  return mode === 'production' ? buildProductionRenderer() : startDevRenderer(options);
}

async function startDevRenderer(options: { viteCacheDir?: string }): Promise<RendererServer> {
  const vite = await createViteServer({
    configFile: false,
    root: RENDERER_ROOT,
    cacheDir: options.viteCacheDir ?? join(REPO_ROOT, 'node_modules', '.vite', 'browser-host'),
    plugins: [react(), injectBridge(`/@fs${BRIDGE_MODULE}`), viteClientWithoutSocket()],
    appType: 'spa',
    logLevel: 'warn',
    clearScreen: false,
    server: {
      middlewareMode: true,
      // No hot reload (and so no React Fast Refresh preamble, an inline script the page's CSP blocks),
      // so no socket either: see viteClientWithoutSocket.
      hmr: false,
      ws: false,
      fs: { allow: [REPO_ROOT] },
    },
  });
  return {
    handle: (request, response, next) => vite.middlewares(request, response, next),
    close: () => vite.close(),
  };
}

async function buildProductionRenderer(): Promise<RendererServer> {
  const outDir = await mkdtemp(join(tmpdir(), 'ta-renderer-'));
  await build({
    configFile: false,
    root: RENDERER_ROOT,
    plugins: [react(), injectBridge(relative(RENDERER_ROOT, BRIDGE_MODULE))],
    logLevel: 'warn',
    mode: 'production',
    // One bundle of a few hundred kB (React, the flame chart) is expected, not a warning.
    build: { outDir, emptyOutDir: true, reportCompressedSize: false, chunkSizeWarningLimit: 2048 },
  });
  const serveFile = createAppProtocolHandler(outDir);
  return {
    handle(request, response, next) {
      const path = new URL(request.url ?? '/', 'http://host').pathname;
      void serveFile(new Request(`${APP_ORIGIN}${path}`)).then((served) => {
        if (served.status === 404) return next();
        response.writeHead(served.status, Object.fromEntries(served.headers));
        if (served.body) Readable.fromWeb(served.body as import('node:stream/web').ReadableStream).pipe(response);
        else response.end();
      }, next);
    },
    close: () => rm(outDir, { recursive: true, force: true }),
  };
}

/** Adds the bridge as the page's first module script. */
function injectBridge(src: string): Plugin {
  return {
    name: 'trace-analyser-browser-bridge',
    transformIndexHtml: {
      order: 'pre',
      handler: () => [{ tag: 'script', attrs: { type: 'module', src }, injectTo: 'head-prepend' }],
    },
  };
}

/**
 * Vite's dev client (/@vite/client: injected into the page, and imported by
 * every CSS module for updateStyle) opens a WebSocket when it loads, even with
 * hmr and ws off; there is no option to stop it. Without hot reload it has
 * nothing to do, so the page gets the client's exports without the socket:
 * styles are still added and removed, hot contexts accept nothing.
 */
function viteClientWithoutSocket(): Plugin {
  const source = `
const styles = new Map();
export function updateStyle(id, content) {
  let style = styles.get(id);
  if (!style) {
    style = document.createElement('style');
    style.setAttribute('data-vite-dev-id', id);
    document.head.appendChild(style);
    styles.set(id, style);
  }
  if (style.textContent !== content) style.textContent = content;
}
export function removeStyle(id) {
  styles.get(id)?.remove();
  styles.delete(id);
}
const noop = () => {};
export function createHotContext() {
  return { data: {}, accept: noop, acceptExports: noop, dispose: noop, prune: noop, decline: noop, invalidate: noop, on: noop, off: noop, send: noop };
}
export function injectQuery(url, query) {
  if (url[0] !== '.' && url[0] !== '/') return url;
  const pathname = url.replace(/[?#].*$/, '');
  const { search, hash } = new URL(url, 'http://vite.dev');
  return \`\${pathname}?\${query}\${search ? '&' + search.slice(1) : ''}\${hash}\`;
}
export class ErrorOverlay extends HTMLElement {}
`;
  return {
    name: 'trace-analyser-vite-client-without-socket',
    enforce: 'pre',
    load(id) {
      if (id.split('?')[0].endsWith('/vite/dist/client/client.mjs')) return source;
    },
  };
}
