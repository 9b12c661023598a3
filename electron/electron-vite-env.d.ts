// Types for electron-vite's import suffixes (`?modulePath` for the import worker) used by electron/main.ts.
/// <reference types="electron-vite/node" />
