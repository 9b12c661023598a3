// The IPC boundary rules, checked over the sources (GitHub Desktop enforces
// the same with a lint rule): ipcMain and ipcRenderer are used only through
// the typed wrappers, and the renderer never imports Electron or Node.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));

function sources(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) sources(path, out);
    else if (/\.(ts|tsx)$/.test(entry.name) && !entry.name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const electronValueImport = /^import\s+(?!type\b)[^;]*from\s+'electron'/m;
const files = [...sources('electron'), ...sources('preload'), ...sources('renderer')].map((path) => ({
  path: relative(root, join(root, path)),
  text: readFileSync(join(root, path), 'utf8'),
}));

test('ipcMain is used only by the router (and handed to it by main.ts)', () => {
  const users = files.filter((f) => /\bipcMain\b/.test(f.text.replace(/\/\/.*$/gm, '')) && electronValueImport.test(f.text));
  assert.deepEqual(users.map((f) => f.path).sort(), ['electron/main.ts']);
  assert.match(files.find((f) => f.path === 'electron/main.ts')!.text, /new IpcMainRouter\(ipcMain,/);
});

test('ipcRenderer is used only by the preload wrapper, and never exposed', () => {
  const users = files.filter((f) => /import\s*\{[^}]*\bipcRenderer\b[^}]*\}\s*from\s*'electron'/.test(f.text));
  assert.deepEqual(
    users.map((f) => f.path),
    ['preload/ipc-renderer.ts'],
  );
  for (const f of files) assert.doesNotMatch(f.text, /exposeInMainWorld\([^)]*ipcRenderer/, f.path);
});

test('the renderer and the shared contract import neither Electron nor Node', () => {
  const browserSide = files.filter(
    (f) => f.path.startsWith('renderer/') || ['electron/ipc-contract.ts', 'preload/api-from-transport.ts', 'preload/browser-bridge.ts', 'electron/browser-host/ws-protocol.ts'].includes(f.path),
  );
  assert.ok(browserSide.length > 4);
  for (const f of browserSide) {
    assert.doesNotMatch(f.text, /from\s+'(electron|node:[\w/]+)'/, `${f.path} must run in a page`);
  }
});

test('modules tested in plain Node import only Electron types', () => {
  const electronOnly = new Set(['electron/main.ts', 'preload/index.ts', 'preload/ipc-renderer.ts']);
  for (const f of files) {
    if (electronOnly.has(f.path)) continue;
    assert.doesNotMatch(f.text, electronValueImport, `${f.path} imports Electron values; keep them behind main.ts / the preload`);
  }
});
