// Lint for the Node, Electron and browser code (the Deno functions are linted
// by `deno lint`). Type-aware: typescript-eslint reads tsconfig.json, so rules
// like no-floating-promises see real types. The boundary rules below are the
// architecture: what may import Electron, Node or ipcRenderer, and where.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Modules that run in a page (renderer, and what the preload and browser bridge share with it). */
const PAGE_CODE = [
  'renderer/**',
  'electron/ipc-contract.ts',
  'preload/api-from-transport.ts',
  'preload/browser-bridge.ts',
  'electron/browser-host/ws-protocol.ts',
];
/** The only modules that may import Electron values: the thin adapters. Everything else is plain Node, testable here. */
const ELECTRON_ADAPTERS = ['electron/main.ts', 'preload/index.ts', 'preload/ipc-renderer.ts'];
const TESTS = ['**/*.test.ts', '**/*.test.tsx', 'tests/**', 'test-support/**', 'bench/**', 'eval/**', 'scripts/**'];

const noNode = { group: ['node:*'], message: 'This module runs in a page or in every host (Node, Deno, browser): no Node imports.' };
const noElectron = { name: 'electron', message: 'Only the Electron adapters (electron/main.ts, the preload) import Electron.' };

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'release/**', 'test-output/**', 'bench-output/**', 'functions/**', 'shared-importer/wasm/**', '**/*.d.ts', '.scratch/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', '*.mjs', 'scripts/*.mjs', '.ci/*.mjs', 'bin/*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
      globals: { ...globals.node },
    },
    rules: {
      // `_` marks a value deliberately unused (a destructured field left out, an ignored argument).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // A variable a closure reads before its one assignment cannot be const.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // A function may be async to satisfy an interface that returns a promise.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Tests read parsed JSON, recorded requests and debug globals: `any` is what they inspect,
    // and a wrong shape fails the assertion that reads it.
    files: TESTS,
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      // Assertion helpers and stubs are passed around unbound; ws's RawData and readyState are compared and printed as they come.
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-unsafe-enum-comparison': 'off',
      '@typescript-eslint/no-base-to-string': 'off',
    },
  },
  {
    // Benches drop a large profile (`profile = undefined`) so the GC can take it before the next case.
    files: ['bench/**'],
    rules: { 'no-useless-assignment': 'off' },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      // Props and store actions are plain functions declared in method style; none uses `this`.
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  // ---- boundaries ----
  {
    // Electron values only in the adapters; ipcRenderer only in the preload's wrapper.
    ignores: [...ELECTRON_ADAPTERS],
    rules: { 'no-restricted-imports': ['error', { paths: [{ ...noElectron, allowTypeImports: true }] }] },
  },
  {
    files: ['electron/main.ts', 'preload/index.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'electron', importNames: ['ipcRenderer'], message: 'Use preload/ipc-renderer.ts: it never exposes ipcRenderer itself.' }] },
      ],
      // Every handler goes through IpcMainRouter, which checks the sender and the payload's schema.
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='ipcMain'][property.name=/^(handle|handleOnce|on|once)$/]",
          message: 'Register IPC handlers through IpcMainRouter (sender check + schema).',
        },
      ],
    },
  },
  {
    files: ['preload/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='exposeInMainWorld'] Identifier[name='ipcRenderer']",
          message: 'Never expose ipcRenderer to the page.',
        },
      ],
    },
  },
  {
    files: PAGE_CODE,
    ignores: TESTS,
    rules: { 'no-restricted-imports': ['error', { paths: [{ ...noElectron, allowTypeImports: false }], patterns: [noNode] }] },
  },
  {
    // The importer's core is pure TypeScript: hosts pass bytes and decompressors in.
    files: ['shared-importer/src/**'],
    ignores: TESTS,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ ...noElectron, allowTypeImports: false }],
          patterns: [noNode, { group: ['npm:*', 'jsr:*'], message: 'No Deno specifiers in the importer core.' }],
        },
      ],
    },
  },
);
