// A small hand-built profile whose every number the trace-tool tests
// compute by hand (see the comments), shared by those tests.
import { FrameTable } from '../model/frame-table.ts';
import { profileSpan, type Profile } from '../model/profile.ts';
import { TimelineBuilder } from '../model/thread-timeline.ts';

const ms = 1000;

/**
 * Main thread p1:t1 (times in ms):
 *   task 1, interval 0: RunTask 0–100 > A 0–60 > (B 10–40, C 40–50); then B 60–90 under RunTask
 *   task 2, interval 5: RunTask 200–220 > A 200–220 > A 205–215 > B 206–210
 * Worker p1:t2: RunTask 0–300 > parse 0–300 (file worker.js line 7)
 * Frames: fn0 RunTask, fn1 A, fn2 B, fn3 C, fn4 parse.
 * Markers on main: "app:start" instant at 0, "render" 50–150 (user timing).
 */
export function handBuiltProfile(): Profile {
  const frames = new FrameTable();
  const [runTask, a, b, c] = ['RunTask', 'A', 'B', 'C'].map((name) =>
    frames.intern({ name, file: name === 'RunTask' ? undefined : 'app.js', line: name === 'RunTask' ? undefined : 1 }),
  );
  const parse = frames.intern({ name: 'parse', file: 'worker.js', line: 7 });
  const main = new TimelineBuilder({ id: 'p1:t1', name: 'CrRendererMain', pid: 1, tid: 1 });
  const call = (builder: TimelineBuilder, frame: number, start: number, end: number, inner: () => void = () => {}) => {
    builder.enter(frame, start * ms);
    inner();
    builder.leave(end * ms);
  };
  call(main, runTask, 0, 100, () => {
    call(main, a, 0, 60, () => {
      call(main, b, 10, 40);
      call(main, c, 40, 50);
    });
    call(main, b, 60, 90);
  });
  call(main, runTask, 200, 220, () => call(main, a, 200, 220, () => call(main, a, 205, 215, () => call(main, b, 206, 210))));
  main.addMarker({ name: 'app:start', category: 'blink.user_timing', start: 0, end: 0 });
  main.addMarker({ name: 'render', category: 'blink.user_timing', start: 50 * ms, end: 150 * ms });
  const worker = new TimelineBuilder({ id: 'p1:t2', name: 'DedicatedWorker thread', pid: 1, tid: 2 });
  call(worker, runTask, 0, 300, () => call(worker, parse, 0, 300));
  const threads = [main.finish(), worker.finish()];
  return {
    format: 'chrome-trace-event',
    name: 'hand-built.json',
    unit: 'microseconds',
    frames,
    threads,
    ...profileSpan(threads),
    eventCount: 20,
    warnings: [],
  };
}

/**
 * Ten 100 ms slots on thread p1:t1; each runs RunTask > (steady 10 ms, slow).
 * "slow" (fn2) takes 5 ms in slots 0–4 and 25 ms in slots 5–9: between the
 * halves 0–500 ms and 500–1000 ms it regresses by 100 ms, i.e. +200 ms per
 * second of window; "steady" (fn1) does not change.
 */
export function regressionProfile(): Profile {
  const frames = new FrameTable();
  const [runTask, steady, slow] = ['RunTask', 'steady', 'slow'].map((name) => frames.internName(name));
  const main = new TimelineBuilder({ id: 'p1:t1', name: 'CrRendererMain' });
  for (let slot = 0; slot < 10; slot++) {
    const t0 = slot * 100 * ms;
    const slowMs = slot < 5 ? 5 : 25;
    main.enter(runTask, t0);
    main.enter(steady, t0);
    main.leave(t0 + 10 * ms);
    main.enter(slow, t0 + 10 * ms);
    main.leave(t0 + (10 + slowMs) * ms);
    main.leave(t0 + (10 + slowMs) * ms);
  }
  const threads = [main.finish(1000 * ms)];
  return {
    format: 'chrome-trace-event',
    name: 'regression.json',
    unit: 'microseconds',
    frames,
    threads,
    startTime: 0,
    endTime: 1000 * ms,
    eventCount: 60,
    warnings: [],
  };
}
