// electron-vite: main process (with the import worker as a second entry),
// the sandboxed preload (one CommonJS file: sandboxed preloads cannot load
// ES modules or other files), and the renderer served from renderer/.
// Output goes to electron-vite's defaults, out/main, out/preload and
// out/renderer (or under --outDir), which electron-builder.yml packages.
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

export default defineConfig({
  main: {
    build: {
      // The import worker runs from app.asar.unpacked (Node's loader cannot read ES modules inside an
      // asar in a worker thread), where node_modules cannot be resolved: its packages are bundled in
      // (fflate as a chunk of its own, loaded on the first zip).
      externalizeDeps: { exclude: ['gpt-tokenizer', 'fflate'] },
      rollupOptions: {
        input: { index: resolve(__dirname, 'electron/main.ts') },
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload can require only 'electron': every dependency is bundled in.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(__dirname, 'preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'renderer'),
    plugins: [react()],
    build: {
      // electron-vite leaves the renderer unminified by default: 1.4 MB of script to parse at every
      // start. Minified it is 0.5 MB and the page loads in 0.75 of the time (`npm run bench --
      // renderer-startup`). The browser host's production build was minified already.
      minify: true,
      // The renderer is one bundle of a few hundred kB (React, the flame chart): expected, not a warning.
      chunkSizeWarningLimit: 2048,
      rollupOptions: {
        input: { index: resolve(__dirname, 'renderer/index.html') },
      },
    },
  },
});
