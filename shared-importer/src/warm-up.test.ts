import assert from 'node:assert/strict';
import { it } from 'vitest';
import { TraceEventScanner } from './formats/chrome-trace-event-scanner.ts';
import { importProfilesFromArrayBuffer } from './import-profile.ts';
import { warmUpImporter, warmUpTrace } from './warm-up.ts';

it('the warm-up trace takes the paths a real import takes: kernel events, nesting, samples, user timings', async () => {
  const bytes = warmUpTrace();
  let seen = 0;
  const scanner = new TraceEventScanner(() => seen++);
  scanner.push(bytes);
  scanner.finish();
  assert.ok(scanner.kernelEventCount > 0.95 * seen, `${scanner.kernelEventCount} of ${seen} events read by the kernel`);

  const profile = await importProfilesFromArrayBuffer('warm-up.json', bytes);
  assert.deepEqual(profile.warnings, []);
  const names = profile.threads.map((t) => t.name);
  assert.deepEqual(names, ['CrRendererMain', 'Compositor']);
  const [main] = profile.threads;
  const isEvent = (i: number) => profile.frames.categories[main.frame[i]] !== undefined;
  const events = Array.from(main.frame.keys()).filter(isEvent);
  assert.equal(events.length, 4000);
  assert.ok(
    events.some((i) => main.depth[i] > 0),
    'X events nest',
  );
  assert.equal(main.sampleCount, 2000);
  assert.ok(main.count > events.length, 'the samples are merged into the events');
  // Samples repeat their node in runs (the repeat path is hot in real imports), and change between runs.
  const sampleIds = [...new TextDecoder().decode(bytes).matchAll(/"samples":\[([\d,]+)\]/g)].flatMap((m) => m[1].split(',').map(Number));
  const repeats = sampleIds.filter((id, i) => i > 0 && id === sampleIds[i - 1]).length;
  assert.ok(repeats > 1000 && repeats < 1500, `${repeats} of ${sampleIds.length} samples repeat the one before`);
  assert.ok(main.markers.length >= 80, 'user timing ranges become markers');
  await warmUpImporter();
});
