// Deterministic synthetic profiles shaped like a busy renderer (tasks of
// nested calls with a skewed function popularity, occasional GC, layout and
// paint, some long tasks), for tests and benchmarks that need sizes no sample
// trace has. Same options, same profile.
import { FrameTable } from '../model/frame-table.ts';
import { profileSpan, type Profile } from '../model/profile.ts';
import { TimelineBuilder, type ThreadTimeline } from '../model/thread-timeline.ts';

export interface SyntheticProfileOptions {
  /** Approximate number of intervals over all threads. */
  intervals: number;
  threads?: number;
  functions?: number;
  maxDepth?: number;
  seed?: number;
}

export function syntheticProfile(options: SyntheticProfileOptions): Profile {
  const { intervals, threads = 1, functions = 2000, maxDepth = 40, seed = 1 } = options;
  const random = mulberry32(seed);
  const frames = new FrameTable();
  const runTask = frames.internName('RunTask');
  const special = [
    frames.intern({ name: 'MinorGC', category: 'disabled-by-default-v8.gc' }),
    frames.internName('Layout'),
    frames.internName('Paint'),
    frames.internName('UpdateLayoutTree'),
  ];
  const fns = Array.from({ length: functions }, (_, i) => frames.intern({ name: `fn${i}`, file: 'bundle.js', line: i + 1 }));

  const timelines: ThreadTimeline[] = [];
  const perThread = Math.ceil(intervals / threads);
  for (let th = 0; th < threads; th++) {
    const builder = new TimelineBuilder({ id: `p1:t${th + 1}`, name: th === 0 ? 'CrRendererMain' : `ThreadPoolForegroundWorker`, pid: 1, tid: th + 1 });
    let now = 0;
    let tasks = 0;
    while (builder.intervalCount < perThread) {
      const long = random() < 0.02;
      builder.enter(runTask, now);
      let depth = 1;
      while (depth > 0) {
        const enterChance = depth >= maxDepth ? 0 : 0.62 - depth * 0.012;
        if (random() < enterChance && builder.intervalCount < perThread) {
          const r = random();
          const frame = r < 0.02 ? special[Math.floor(random() * special.length)] : fns[Math.floor(random() ** 3 * functions)];
          now += random() * 20;
          builder.enter(frame, now);
          depth++;
        } else {
          now += random() * 40 * (long && random() < 0.05 ? 400 : 1);
          builder.leave(now);
          depth--;
        }
      }
      tasks++;
      if (tasks % 100 === 0) builder.addMarker({ name: `frame ${tasks / 100}`, category: 'blink.user_timing', start: now, end: now + 16_000 });
      now += random() * 2000;
    }
    timelines.push(builder.finish());
  }
  let count = 0;
  for (const t of timelines) count += t.count;
  return {
    format: 'chrome-trace-event',
    name: `synthetic-${intervals}.json`,
    unit: 'microseconds',
    frames,
    threads: timelines,
    ...profileSpan(timelines),
    eventCount: count * 2,
    warnings: [],
  };
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
