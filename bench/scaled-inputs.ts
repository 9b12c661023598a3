// Inputs of a chosen size built from real recordings, shared by the benches.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SAMPLE_TRACES } from '../shared-importer/node/trace-fixtures.ts';

/**
 * The sucrase .cpuprofile (a real V8 recording: deep stacks, runs of repeated nodes) with its samples
 * repeated until they fill about `sampleBytes`; its call tree (~0.85 MB) comes on top.
 */
export function sucraseCpuProfile(sampleBytes: number): string {
  const doc = JSON.parse(readFileSync(join(SAMPLE_TRACES, 'Chrome/65/sucrase.cpuprofile'), 'utf8')) as {
    samples: number[];
    timeDeltas: number[];
    endTime: number;
    startTime: number;
  };
  const oneCopyBytes = JSON.stringify(doc.samples).length + JSON.stringify(doc.timeDeltas).length;
  const copies = Math.max(1, Math.floor(sampleBytes / oneCopyBytes));
  const span = doc.endTime - doc.startTime;
  doc.samples = Array.from({ length: copies }, () => doc.samples).flat();
  doc.timeDeltas = Array.from({ length: copies }, () => doc.timeDeltas).flat();
  doc.endTime = doc.startTime + span * copies;
  return JSON.stringify(doc);
}
