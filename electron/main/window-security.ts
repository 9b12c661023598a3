// Every security setting of the app window, in one place (Electron's
// security checklist): isolated, sandboxed renderer without Node; content
// only from our app:// origin under a strict CSP; no navigation, no new
// windows, no webviews, no permissions. Only Electron *types* are imported,
// so the real settings and handlers are unit-tested in plain Node.
import type { BrowserWindowConstructorOptions, Session, WebContents, WebPreferences } from 'electron';
import { safeExternalUrl } from '../services/external-url.ts';

/** The custom protocol the renderer is served from (never file://). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'trace-analyser';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/**
 * Content Security Policy for the renderer, sent as a response header by the
 * app:// protocol (and repeated in renderer/index.html's meta tag). No
 * 'unsafe-eval' and no inline scripts. Inline styles are allowed because
 * React and the flame chart set element styles. The page connects to
 * nothing but its own origin: the chat's cloud connections live in the main
 * process.
 */
export function contentSecurityPolicy(): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

export function mainWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1400,
    height: 900,
    minWidth: 720,
    minHeight: 480,
    title: 'Trace Analyser',
    // Shown on 'ready-to-show', so the user never sees an empty white window.
    show: false,
    backgroundColor: '#1e1e1e',
    webPreferences: secureWebPreferences(preloadPath),
  };
}

/** Renderer origins whose pages may use the API: app:// always, the Vite dev server in development. */
export function trustedOrigins(devServerUrl?: string): string[] {
  return devServerUrl ? [APP_ORIGIN, new URL(devServerUrl).origin] : [APP_ORIGIN];
}

export function isTrustedUrl(url: string, origins: readonly string[]): boolean {
  try {
    const parsed = new URL(url);
    // Non-special schemes (app:) have an opaque `origin`; compare scheme and host instead.
    const origin = parsed.protocol === `${APP_SCHEME}:` ? `${parsed.protocol}//${parsed.host}` : parsed.origin;
    return origins.includes(origin);
  } catch {
    return false;
  }
}

/** setWindowOpenHandler: no window is ever opened; an https link goes to the system browser. */
export function handleWindowOpen(url: string, openExternal: (url: string) => void): { action: 'deny' } {
  const safe = safeExternalUrl(url);
  if (safe) openExternal(safe);
  return { action: 'deny' };
}

/** Attaches the navigation and window handlers to a window's contents. */
export function hardenWebContents(contents: WebContents, openExternal: (url: string) => void): void {
  // A single-page app never navigates; a dropped file or a link must not replace it.
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => handleWindowOpen(url, openExternal));
}

/** The app asks for no permission (camera, notifications, geolocation...): all are denied. */
export function denyAllPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}
