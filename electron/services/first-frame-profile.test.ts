import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'vitest';
import { importTraceFile } from '../../shared-importer/node/node-host.ts';
import { SAMPLE_TRACES } from '../../shared-importer/node/trace-fixtures.ts';
import { decodeProfile, encodeProfile } from '../../shared-importer/src/model/profile-codec.ts';
import { rankThreads } from '../../shared-importer/src/summary/thread-ranking.ts';
import { firstFrameProfile } from './first-frame-profile.ts';

test('a Chrome recording is cut to its main thread, with every frame and the whole span', async () => {
  const profile = await importTraceFile(join(SAMPLE_TRACES, 'Chrome/116/Trace-20230603T221323.json'));
  const main = rankThreads(profile)[0].timeline;
  assert.ok(profile.threads.length > 2);
  const first = firstFrameProfile(profile)!;
  assert.deepEqual(first.threads, [main]);
  assert.equal(first.frames, profile.frames);
  assert.deepEqual(
    [first.startTime, first.endTime, first.eventCount, first.warnings],
    [profile.startTime, profile.endTime, profile.eventCount, profile.warnings],
  );
  // What the window decodes ranks the same thread first.
  assert.equal(rankThreads(decodeProfile(encodeProfile(first)))[0].timeline.id, main.id);
  let calls = 0;
  for (const t of profile.threads) calls += t.count;
  assert.ok(main.count < calls / 2, `the main thread holds ${main.count} of ${calls} calls`);
});

test('nothing is cut from a profile of one thread, or from one with nothing to draw', async () => {
  assert.equal(firstFrameProfile(await importTraceFile(join(SAMPLE_TRACES, 'Chrome/65/simple.cpuprofile'))), null);
  assert.equal(firstFrameProfile(await importTraceFile(join(SAMPLE_TRACES, '../catapult/quads.json'))), null);
});
