import assert from 'node:assert/strict';
import { test } from 'vitest';
import { FORMAT_CATALOG, TRACE_FILE_EXTENSIONS } from './catalog.ts';
import { FORMAT_IMPORTERS } from './registry.ts';

test('the registry has an importer for each format of the catalog, and no other', () => {
  assert.deepEqual(FORMAT_IMPORTERS.map((i) => i.format).sort(), FORMAT_CATALOG.map((f) => f.format).sort());
  assert.equal(new Set(FORMAT_CATALOG.map((f) => f.label)).size, FORMAT_CATALOG.length, 'labels differ');
});

test("the open dialog offers every format's extensions and the archives, once each", () => {
  for (const { extensions } of FORMAT_CATALOG) for (const extension of extensions) assert.ok(TRACE_FILE_EXTENSIONS.includes(extension), extension);
  assert.ok(TRACE_FILE_EXTENSIONS.includes('gz') && TRACE_FILE_EXTENSIONS.includes('zip'));
  assert.equal(new Set(TRACE_FILE_EXTENSIONS).size, TRACE_FILE_EXTENSIONS.length);
});
