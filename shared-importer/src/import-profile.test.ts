import assert from 'node:assert/strict';
import { test } from 'vitest';
import { gzipSync } from 'node:zlib';
import { importInChunks, sampleTrace } from '../node/trace-fixtures.ts';
import type { ImportProgress } from './input/import-options.ts';

/** Imports in 4 KiB chunks, keeping every progress report. */
async function reportsOf(fileName: string, bytes: Uint8Array) {
  const reports: ImportProgress[] = [];
  const profile = await importInChunks(fileName, bytes, [4096], { onProgress: (p) => reports.push({ ...p }) });
  return { profile, reports };
}

for (const gzip of [false, true]) {
  test(`progress: a Chrome trace${gzip ? ' (gzip)' : ''} is 'reading' until its last byte is read, then 'building'`, async () => {
    const plain = sampleTrace('Chrome/116/Trace-20230603T221323.json');
    const bytes = gzip ? new Uint8Array(gzipSync(plain)) : plain;
    const { profile, reports } = await reportsOf('trace.json', bytes);
    const firstBuilding = reports.findIndex((r) => r.phase === 'building');
    // (Reading is reported every 512 KiB of input: the gzip is smaller than that.)
    assert.ok(gzip ? firstBuilding >= 0 : firstBuilding > 0, 'reading is reported before building');
    assert.ok(reports.slice(0, firstBuilding).every((r) => r.phase === 'reading' && r.bytesRead < bytes.length));
    assert.ok(
      reports.slice(firstBuilding).every((r) => r.phase === 'building'),
      'no reading after building',
    );
    // Counted in the input's own bytes: the compressed ones for gzip.
    assert.equal(reports[firstBuilding].bytesRead, bytes.length);
    assert.equal(reports.at(-1).events, profile.eventCount);
  });
}

test("progress: an import that keeps the events before bad bytes reports 'building' for them", async () => {
  const events = '[' + Array.from({ length: 20_000 }, (_, i) => `{"ph":"X","name":"f${i % 7}","ts":${i * 10},"dur":5,"pid":1,"tid":1}`).join(',\n');
  const bytes = new Uint8Array([...new TextEncoder().encode(`${events},`), 0x01, 0x02, 0x03]);
  const { profile, reports } = await reportsOf('trace.json', bytes);
  assert.equal(profile.eventCount, 20_000);
  assert.ok(
    profile.warnings.some((w) => /reading stopped there/.test(w)),
    profile.warnings.join('\n'),
  );
  assert.ok(reports.some((r) => r.phase === 'reading'));
  assert.equal(reports.at(-1).phase, 'building');
});

test("progress: a format read whole reports 'building' before it parses anything", async () => {
  const bytes = sampleTrace('speedscope/0.6.0/two-sampled.speedscope.json');
  const { profile, reports } = await reportsOf('two-sampled.speedscope.json', bytes);
  const building = reports.find((r) => r.phase === 'building');
  assert.deepEqual(building && { bytesRead: building.bytesRead, events: building.events }, { bytesRead: bytes.length, events: 0 });
  assert.ok(profile.eventCount > 0);
  assert.equal(reports.at(-1).events, profile.eventCount);
});
