// The committed WebAssembly module must be what its source compiles to today,
// so a kernel change cannot ship without its rebuild (npm run build:wasm).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'vitest';
import { compileKernel, KERNEL_MODULE, renderKernelModule } from './build-wasm.ts';

it('the committed WebAssembly kernel is a fresh compile of its AssemblyScript source', async () => {
  const committed = readFileSync(new URL(`../${KERNEL_MODULE}`, import.meta.url), 'utf8');
  assert.ok(committed === renderKernelModule(await compileKernel()), `${KERNEL_MODULE} is stale: run npm run build:wasm`);
});
