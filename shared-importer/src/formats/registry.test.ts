import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ACCEPTED_FORMATS, FORMAT_IMPORTERS, FORMATS } from './registry.ts';

test('each registry line names its importer\'s own format, once, with a label of its own', () => {
  for (const { format, importer } of FORMATS) assert.equal(importer.format, format);
  assert.equal(new Set(FORMATS.map((f) => f.format)).size, FORMATS.length);
  assert.equal(new Set(ACCEPTED_FORMATS).size, FORMATS.length);
  assert.deepEqual(FORMAT_IMPORTERS, FORMATS.map((f) => f.importer));
});
