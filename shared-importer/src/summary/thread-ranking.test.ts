import assert from 'node:assert/strict';
import { test } from 'vitest';
import { FrameTable } from '../model/frame-table.ts';
import { profileSpan, type Profile } from '../model/profile.ts';
import { TimelineBuilder } from '../model/thread-timeline.ts';
import { summarizeProfile } from './summarize-profile.ts';
import { rankThreads } from './thread-ranking.ts';

/** One thread per [name, busy ms] pair, each a single task from 0, plus an idle frame after it. */
function profileOf(threads: [string, number][]): Profile {
  const frames = new FrameTable();
  const task = frames.internName('RunTask');
  const idle = frames.internName('(idle)');
  const timelines = threads.map(([name, busyMs], i) => {
    const b = new TimelineBuilder({ id: `p1:t${i}`, name, pid: 1, tid: i });
    b.enter(task, 0);
    b.leave(busyMs * 1000);
    b.enter(idle, busyMs * 1000);
    b.leave(100_000);
    return b.finish();
  });
  return {
    format: 'chrome-trace-event',
    name: 't.json',
    unit: 'microseconds',
    frames,
    threads: timelines,
    ...profileSpan(timelines),
    eventCount: 1,
    warnings: [],
  };
}

const order = (p: Profile) => rankThreads(p).map((r) => `${r.timeline.name}${r.isMain ? '*' : ''}:${r.busy / 1000}`);

test('a known main-thread name wins over busier threads; idle frames are not busy', () => {
  assert.deepEqual(
    order(
      profileOf([
        ['Compositor', 40],
        ['CrRendererMain', 10],
        ['CrBrowserMain', 30],
      ]),
    ),
    ['CrRendererMain*:10', 'Compositor:40', 'CrBrowserMain:30'],
  );
});

test('an idle thread listed first is never the main thread (system-wide recordings start with swapper)', () => {
  // The shape that crashed the summary on 13 of Lighthouse's 32 traces.
  const profile = profileOf([
    ['swapper', 50],
    ['CrRendererMain', 5],
    ['Chrome_IOThread', 20],
  ]);
  assert.deepEqual(order(profile), ['CrRendererMain*:5', 'Chrome_IOThread:20', 'swapper:0']);
  const summary = summarizeProfile(profile);
  assert.equal(summary.threads[0].name, 'CrRendererMain');
  assert.equal(summary.threads.filter((t) => t.isMainThread).length, 1);
});

test('without a known name the busiest thread is the main one; with only idle threads there is none', () => {
  assert.deepEqual(
    order(
      profileOf([
        ['swapper/0', 9],
        ['worker', 3],
        ['ui', 7],
      ]),
    ),
    ['ui*:7', 'worker:3', 'swapper/0:0'],
  );
  assert.deepEqual(
    order(
      profileOf([
        ['swapper/0', 9],
        ['swapper/1', 3],
      ]),
    ),
    ['swapper/0:0', 'swapper/1:0'],
  );
  // A CPU's scheduling track keeps its busy time but is not a program's thread.
  assert.deepEqual(
    order(
      profileOf([
        ['CPU 0', 9],
        ['SurfaceFlinger', 3],
      ]),
    ),
    ['SurfaceFlinger*:3', 'CPU 0:9'],
  );
  assert.equal(summarizeProfile(profileOf([['swapper/1', 3]])).threads[0].isMainThread, false);
});

test('of two renderers, the profiled one (with CPU samples) is the main thread, though the other is busier', () => {
  const profile = profileOf([
    ['CrRendererMain', 40],
    ['CrRendererMain', 10],
  ]);
  profile.threads[1].sampleCount = 120;
  const ranked = rankThreads(profile);
  assert.equal(ranked[0].timeline, profile.threads[1]);
  assert.ok(ranked[0].isMain);
});
