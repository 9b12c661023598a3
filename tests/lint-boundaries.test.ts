// The architecture's import boundaries are ESLint rules (eslint.config.js);
// `npm test` lints the repo with them. These tests feed the real ESLint, with
// the repo's config, a forbidden import at each place it is forbidden (and
// an allowed one where it is allowed), so a rule that stops matching fails here
// instead of silently letting a boundary go.
import assert from 'node:assert/strict';
import { test } from 'vitest';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';

const root = fileURLToPath(new URL('../', import.meta.url));
// The snippets are not files on disk, so the type-aware rules (which need the project) are off here.
const eslint = new ESLint({ cwd: root, overrideConfig: [{ files: ['**/*.ts', '**/*.tsx'], ...tseslint.configs.disableTypeChecked }] });

async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-syntax').map((m) => m.message);
}

const nodeImport = "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n";
const electronImport = "import { app } from 'electron';\nexport const x = app;\n";
const ipcRendererImport = "import { ipcRenderer } from 'electron';\nexport const x = ipcRenderer;\n";

test('page code (the renderer and the contract it shares) imports neither Node nor Electron', async () => {
  for (const path of [
    'renderer/chat/x.tsx',
    'renderer/state/x.ts',
    'electron/ipc-contract.ts',
    'preload/browser-bridge.ts',
    'electron/browser-host/ws-protocol.ts',
  ]) {
    assert.match((await boundaryErrors(path, nodeImport)).join('\n'), /no Node imports/, path);
    assert.match((await boundaryErrors(path, electronImport)).join('\n'), /Only the Electron adapters/, path);
  }
});

test("the importer's core imports neither Node, Electron nor Deno specifiers; its tests may use Node", async () => {
  assert.match((await boundaryErrors('shared-importer/src/formats/x.ts', nodeImport)).join('\n'), /no Node imports/);
  assert.match((await boundaryErrors('shared-importer/src/x.ts', "import { z } from 'npm:zod';\nexport const x = z;\n")).join('\n'), /No Deno specifiers/);
  assert.deepEqual(await boundaryErrors('shared-importer/src/formats/x.test.ts', nodeImport), []);
  assert.deepEqual(await boundaryErrors('shared-importer/node/x.ts', nodeImport), []);
});

test('Electron values only in the adapters; types anywhere in main-process code', async () => {
  assert.match((await boundaryErrors('electron/services/x.ts', electronImport)).join('\n'), /Only the Electron adapters/);
  assert.match((await boundaryErrors('electron/main/x.ts', electronImport)).join('\n'), /Only the Electron adapters/);
  assert.deepEqual(await boundaryErrors('electron/services/x.ts', "import type { WebContents } from 'electron';\nexport type X = WebContents;\n"), []);
  assert.deepEqual(await boundaryErrors('electron/main.ts', electronImport), []);
});

test('ipcRenderer only in the preload wrapper, never exposed to the page', async () => {
  assert.deepEqual(await boundaryErrors('preload/ipc-renderer.ts', ipcRendererImport), []);
  for (const path of ['preload/index.ts', 'electron/main.ts', 'electron/services/x.ts', 'renderer/x.ts']) {
    assert.ok((await boundaryErrors(path, ipcRendererImport)).length > 0, path);
  }
  const exposed = "import { contextBridge, ipcRenderer } from 'electron';\ncontextBridge.exposeInMainWorld('api', { ipcRenderer });\n";
  assert.match((await boundaryErrors('preload/ipc-renderer.ts', exposed)).join('\n'), /Never expose ipcRenderer/);
});

test('IPC handlers are registered through the router only (it checks the sender and the schema)', async () => {
  const direct = "import { ipcMain } from 'electron';\nipcMain.handle('x', () => 1);\n";
  assert.match((await boundaryErrors('electron/main.ts', direct)).join('\n'), /through IpcMainRouter/);
  assert.deepEqual(await boundaryErrors('electron/main.ts', "import { ipcMain } from 'electron';\nexport const r = [ipcMain];\n"), []);
});
