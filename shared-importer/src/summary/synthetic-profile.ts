// Deterministic synthetic profiles shaped like a busy renderer (tasks of
// nested calls over a fixed call graph, so call paths repeat as in real
// programs; occasional GC, layout and paint; some long tasks), for tests and
// benchmarks that need sizes no sample trace has. Same options, same profile.
import { FrameTable } from '../model/frame-table.ts';
import { profileSpan, type Profile } from '../model/profile.ts';
import { TimelineBuilder, type ThreadTimeline } from '../model/thread-timeline.ts';

export interface SyntheticProfileOptions {
  /** Approximate number of intervals over all threads. */
  intervals: number;
  /** Callees each function may call (the call graph's fan-out). */
  fanOut?: number;
  /**
   * Distinct task shapes (call structure); tasks reuse them, as a UI runs the
   * same handlers again and again. 0 makes every task's structure new: the
   * worst case for merging call paths.
   */
  taskShapes?: number;
  threads?: number;
  functions?: number;
  maxDepth?: number;
  seed?: number;
}

export function syntheticProfile(options: SyntheticProfileOptions): Profile {
  const { intervals, threads = 1, functions = 2000, maxDepth = 40, seed = 1, fanOut = 6, taskShapes = 300 } = options;
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
  // The static call graph: popular functions (low numbers) are called from many places.
  const pick = () => fns[Math.floor(random() ** 3 * functions)];
  const callees = new Map<number, number[]>([[runTask, Array.from({ length: fanOut * 8 }, pick)]]);
  for (const f of fns) callees.set(f, Array.from({ length: fanOut }, pick));

  const timelines: ThreadTimeline[] = [];
  const perThread = Math.ceil(intervals / threads);
  for (let th = 0; th < threads; th++) {
    const builder = new TimelineBuilder({ id: `p1:t${th + 1}`, name: th === 0 ? 'CrRendererMain' : `ThreadPoolForegroundWorker`, pid: 1, tid: th + 1 });
    let now = 0;
    let tasks = 0;
    while (builder.intervalCount < perThread) {
      const long = random() < 0.02;
      // Structure comes from the shape's own generator, durations from the main one.
      const shape = taskShapes > 0 ? mulberry32(seed * 7919 + Math.floor(random() ** 2 * taskShapes)) : random;
      builder.enter(runTask, now);
      let depth = 1;
      while (depth > 0) {
        const options = callees.get(builder.topFrame());
        const enterChance = depth >= maxDepth || !options ? 0 : 0.62 - depth * 0.012;
        if (shape() < enterChance && builder.intervalCount < perThread) {
          const frame = shape() < 0.02 ? special[Math.floor(shape() * special.length)] : options![Math.floor(shape() ** 2 * options!.length)];
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
