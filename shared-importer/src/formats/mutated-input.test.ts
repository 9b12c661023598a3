// Damaged inputs: every importer here must either import a damaged sample
// trace (with warnings) or reject it with a TraceImportError, never throw
// anything else or hang. Mutations are seeded, so a failure reproduces.
import assert from 'node:assert/strict';
import { test } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { catapultTrace, randomChunkSizes, sampleTrace } from '../../node/trace-fixtures.ts';
import { TraceImportError } from '../errors.ts';
import { notATraceError } from './not-a-trace.ts';
import { ByteStream } from '../input/byte-stream.ts';
import { collapsedStacksImporter } from './collapsed-stacks.ts';
import { firefoxGeckoImporter } from './firefox-gecko.ts';
import type { FormatImporter } from './format-importer.ts';
import { linuxPerfScriptImporter } from './linux-perf-script.ts';
import { pprofImporter } from './pprof.ts';
import { speedscopeImporter } from './speedscope.ts';
import { systraceImporter } from './systrace.ts';

const CASES: [FormatImporter, Uint8Array][] = [
  [speedscopeImporter, sampleTrace('speedscope/0.0.1/simple.speedscope.json')],
  [speedscopeImporter, sampleTrace('speedscope/0.6.0/two-sampled.speedscope.json')],
  [firefoxGeckoImporter, sampleTrace('Firefox/63/simple-firefox.json')],
  [linuxPerfScriptImporter, sampleTrace('linux-perf/simple-with-pid.linux-perf.txt')],
  [collapsedStacksImporter, sampleTrace('stackcollapse/recursion.txt')],
  [collapsedStacksImporter, sampleTrace('stackcollapse/simple-utf16-le.txt')],
  [pprofImporter, new Uint8Array(gunzipSync(sampleTrace('pprof/simple.prof')))],
  [systraceImporter, catapultTrace('android_systrace.txt')],
  [systraceImporter, catapultTrace('trivial_systrace.html')],
  [systraceImporter, catapultTrace('counter_tracks.html')],
];

function mutate(bytes: Uint8Array, seed: number): Uint8Array {
  const random = randomChunkSizes(64, 2 ** 30, seed);
  const out = bytes.slice();
  switch (seed % 4) {
    case 0: // flip a few bytes
      for (let i = 0; i < 1 + (random[0] % 8); i++) out[random[i + 1] % out.length] = random[i + 20] % 256;
      return out;
    case 1: // cut short
      return out.subarray(0, random[0] % out.length);
    case 2: // a run of one byte pasted over the middle
      out.fill(random[1] % 256, random[0] % out.length, (random[0] % out.length) + 1 + (random[2] % 200));
      return out;
    default: // structure characters swapped in
      for (let i = 0; i < 4; i++) out[random[i] % out.length] = '{}[],:;\n\t 0'.charCodeAt(random[i + 8] % 11);
      return out;
  }
}

test('damaged sample traces import partially or fail with a TraceImportError, never anything else', async () => {
  let imported = 0;
  let rejected = 0;
  for (const [importer, bytes] of CASES) {
    for (let seed = 1; seed <= 60; seed++) {
      const damaged = mutate(bytes, seed);
      async function* chunks(): AsyncIterable<Uint8Array> {
        yield damaged;
      }
      try {
        const profile = await importer.import(new ByteStream(chunks()), {
          fileName: 'damaged',
          maxBufferedBytes: 1 << 30,
          countEvents() {},
          notATrace: (whatItIs) => notATraceError('damaged', whatItIs),
        });
        for (const t of profile.threads) {
          for (let i = 0; i < t.count; i++) assert.ok(t.end[i] >= t.start[i], `${importer.format} seed ${seed}: negative duration`);
        }
        imported++;
      } catch (error) {
        assert.ok(error instanceof TraceImportError, `${importer.format} seed ${seed}: ${String(error)}`);
        rejected++;
      }
    }
  }
  assert.ok(imported > 0 && rejected > 0, `imported ${imported}, rejected ${rejected}`);
});
