import assert from 'node:assert/strict';
import { test } from 'vitest';
import { FrameTable } from '../model/frame-table.ts';
import { profileSpan, type Profile, type WeightUnit } from '../model/profile.ts';
import { TimelineBuilder, type ThreadTimeline } from '../model/thread-timeline.ts';
import { clipName, summarizeProfile } from './summarize-profile.ts';

function makeProfile(frames: FrameTable, threads: ThreadTimeline[], unit: WeightUnit = 'microseconds'): Profile {
  return {
    format: 'chrome-trace-event',
    name: 'test.json',
    unit,
    frames,
    threads,
    ...profileSpan(threads),
    eventCount: 123,
    warnings: ['an importer warning'],
  };
}

const ms = 1000;

/** A renderer main thread as a Chrome trace has it: RunTask tasks with nested work, GC, layout, paint, user timings. */
function rendererProfile() {
  const frames = new FrameTable();
  const f = (name: string, category?: string) =>
    frames.intern({ name, category, file: name === 'foo' ? 'app.js' : undefined, line: name === 'foo' ? 12 : undefined });
  const [runTask, v8run, foo, bar, minorGc, layout, paint, style] = [
    f('RunTask'),
    f('v8.run'),
    f('foo'),
    f('bar'),
    f('MinorGC', 'disabled-by-default-v8.gc'),
    f('Layout'),
    f('Paint'),
    f('UpdateLayoutTree'),
  ];
  const main = new TimelineBuilder({ id: 'p1:t1', name: 'CrRendererMain', pid: 1, tid: 1 });
  // Task 1: 1000..1080 ms. v8.run 1000..1070, foo 1005..1065 (bar 1010..1021, MinorGC 1030..1034), Layout 1070..1078.
  main.enter(runTask, 1000 * ms);
  main.enter(v8run, 1000 * ms);
  main.enter(foo, 1005 * ms);
  main.enter(bar, 1010 * ms);
  main.leave(1021 * ms);
  main.enter(minorGc, 1030 * ms);
  main.leave(1034 * ms);
  main.leave(1065 * ms);
  main.leave(1070 * ms);
  main.enter(layout, 1070 * ms);
  main.enter(style, 1070 * ms);
  main.leave(1072 * ms);
  main.leave(1078 * ms);
  main.leave(1080 * ms);
  // Task 2: 1100..1110 ms, paint only.
  main.enter(runTask, 1100 * ms);
  main.enter(paint, 1100 * ms);
  main.leave(1108 * ms);
  main.leave(1110 * ms);
  main.addMarker({ name: 'app:render', category: 'blink.user_timing', start: 1001 * ms, end: 1051 * ms });
  main.addMarker({ name: 'navigationStart', start: 1000 * ms, end: 1000 * ms });
  const timelineMain = main.finish();

  // A busier worker must not be taken for the main thread.
  const worker = new TimelineBuilder({ id: 'p1:t2', name: 'DedicatedWorker thread', pid: 1, tid: 2 });
  worker.enter(bar, 1000 * ms);
  worker.leave(1200 * ms);
  const empty = new TimelineBuilder({ id: 'p1:t3', name: 'Compositor' }).finish();
  return { frames, ids: { runTask, v8run, foo, bar, minorGc, layout, paint, style }, profile: makeProfile(frames, [worker.finish(), timelineMain, empty]) };
}

test('a renderer trace: main thread first, busy time, hot functions, long task with its dominant stack', () => {
  const { profile, ids, frames } = rendererProfile();
  const summary = summarizeProfile(profile);
  assert.equal(summary.durationMs, 200);
  assert.equal(summary.startMs, 1000);
  assert.equal(summary.valueUnit, 'ms');
  assert.deepEqual(
    summary.threads.map((t) => [t.name, t.isMainThread]),
    [
      ['CrRendererMain', true],
      ['DedicatedWorker thread', false],
    ],
  );
  assert.equal(summary.omittedThreadCount, 1);
  assert.equal(summary.warnings[0], 'an importer warning');
  assert.match(summary.warnings.join('\n'), /1 thread\(s\) with nothing recorded/);

  const main = summary.threads[0];
  assert.equal(main.busyMs, 90); // 80 + 10
  assert.equal(main.busyPercent, 45);
  // Self times: foo 60 - 11 - 4 = 45, bar 11, v8.run 70 - 60 = 10, Paint 8, Layout 6, MinorGC 4, RunTask 2 + 2.
  assert.deepEqual(
    main.topFunctions.slice(0, 3).map((fn) => [fn.name, fn.selfMs]),
    [
      ['foo', 45],
      ['bar', 11],
      ['v8.run', 10],
    ],
  );
  const foo = main.topFunctions[0];
  assert.equal(foo.id, frames.idOf(ids.foo));
  assert.equal(foo.file, 'app.js');
  assert.equal(foo.line, 12);
  assert.equal(foo.totalMs, 60);
  assert.equal(foo.selfPercent, 50);
  assert.equal(main.topFunctionsByTotal[0].name, 'RunTask');
  assert.equal(main.topFunctionsByTotal[0].totalMs, 90);

  assert.equal(main.longTaskCount, 1);
  assert.equal(main.longTaskTotalMs, 80);
  const [task] = main.longTasks;
  assert.equal(task.id, 'task:p1:t1:0');
  assert.equal(task.startMs, 0);
  assert.equal(task.durMs, 80);
  assert.equal(task.name, 'RunTask');
  assert.deepEqual(task.stack, ['RunTask', 'v8.run', 'foo']);
  assert.deepEqual(
    task.stackIds,
    [ids.runTask, ids.v8run, ids.foo].map((i) => frames.idOf(i)),
  );
  assert.equal(task.stackSelfMs, 45);

  // The heaviest self-dominated path is RunTask > v8.run > foo.
  assert.deepEqual(main.hotPaths[0].frames, ['RunTask', 'v8.run', 'foo']);
  assert.equal(main.hotPaths[0].totalMs, 60);
  assert.equal(main.hotPaths[0].selfMs, 45);
  assert.match(main.hotPaths[0].id, /^path:p1:t1:\d+$/);

  assert.deepEqual(main.gc, { totalMs: 4, totalValue: 4, count: 1, longestMs: 4 });
  // UpdateLayoutTree nested in Layout counts as style and is inside layout's 8 ms.
  assert.equal(main.layoutPaint.layoutMs, 8);
  assert.equal(main.layoutPaint.styleMs, 2);
  assert.equal(main.layoutPaint.paintMs, 8);
  assert.equal(main.layoutPaint.count, 3);

  assert.deepEqual(main.markers, [
    { name: 'navigationStart', startMs: 0 },
    { name: 'app:render', category: 'blink.user_timing', startMs: 1, durMs: 50 },
  ]);

  const worker = summary.threads[1];
  assert.equal(worker.busyMs, 200);
  assert.equal(worker.longTasks[0].id, 'task:p1:t2:0');
  assert.deepEqual(summary.stats, { eventCount: 123, frameCount: frames.length, intervalCount: 10, threadCount: 3 });
});

test('the summary is plain JSON and the same trace always gives the same ids', () => {
  const a = summarizeProfile(rendererProfile().profile);
  const b = summarizeProfile(rendererProfile().profile);
  assert.deepEqual(JSON.parse(JSON.stringify(a)), a);
  assert.deepEqual(a, b);
});

test('sampled profile: idle and (program) are not busy, tasks are the children of (root), GC pseudo-frame counted', () => {
  const frames = new FrameTable();
  const [root, program, idle, gc, main, work] = ['(root)', '(program)', '(idle)', '(garbage collector)', 'main', 'work'].map((n) => frames.internName(n));
  const b = new TimelineBuilder({ id: 't0', name: 'Main Thread' });
  b.sample([root, idle], 0);
  b.sample([root, main, work], 10 * ms);
  b.sample([root, main], 70 * ms);
  b.sample([root, gc], 80 * ms);
  b.sample([root, program], 85 * ms);
  b.sample([root, main, work], 90 * ms);
  b.sample([root, idle], 100 * ms);
  const t = b.finish(120 * ms);
  const summary = summarizeProfile(makeProfile(frames, [t]));
  const thread = summary.threads[0];
  assert.equal(thread.busyMs, 85); // main 10..80, gc 80..85, main 90..100
  assert.equal(thread.sampleCount, 7);
  assert.equal(thread.longTaskCount, 1);
  assert.equal(thread.longTasks[0].name, 'main');
  assert.equal(thread.longTasks[0].durMs, 70);
  assert.deepEqual(thread.longTasks[0].stack, ['main', 'work']);
  assert.deepEqual(thread.gc, { totalMs: 5, totalValue: 5, count: 1, longestMs: 5 });
  const names = thread.topFunctions.map((fn) => fn.name);
  assert.ok(!names.includes('(idle)') && !names.includes('(program)') && !names.includes('(root)'));
  assert.deepEqual(names.slice(0, 2), ['work', 'main']);
  assert.equal(thread.topFunctions[0].selfMs, 70); // 10..70 and 90..100
  assert.equal(thread.topFunctions[0].selfPercent, Math.round((70 / 85) * 10000) / 100);
});

test('non-time units: *Ms fields are null, values carry the weights, no long tasks', () => {
  const frames = new FrameTable();
  const [a, b, c] = ['a', 'b', 'c'].map((n) => frames.internName(n));
  const builder = new TimelineBuilder({ id: 't0', name: 'stacks' });
  builder.sample([a, b], 0);
  builder.sample([a, c], 300);
  const t = builder.finish(400);
  const summary = summarizeProfile({ ...makeProfile(frames, [t], 'samples'), format: 'collapsed-stacks' });
  assert.equal(summary.valueUnit, 'samples');
  assert.equal(summary.durationMs, null);
  assert.equal(summary.durationValue, 400);
  assert.equal(summary.startMs, undefined);
  const thread = summary.threads[0];
  assert.equal(thread.busyMs, null);
  assert.equal(thread.busyValue, 400);
  assert.deepEqual(
    thread.topFunctions.map((fn) => [fn.name, fn.selfMs, fn.selfValue, fn.selfPercent]),
    [
      ['b', null, 300, 75],
      ['c', null, 100, 25],
    ],
  );
  assert.deepEqual(thread.longTasks, []);
  assert.equal(thread.longTaskCount, 0);
});

test('main thread falls back to the busiest thread; the long task list keeps the longest, in start order', () => {
  const frames = new FrameTable();
  const task = frames.internName('task');
  const quiet = new TimelineBuilder({ id: 'q', name: 'pool-1' });
  quiet.enter(task, 0);
  quiet.leave(100 * ms);
  const busy = new TimelineBuilder({ id: 'b', name: 'pool-2' });
  const durations = [60, 200, 55, 300, 70, 10];
  let at = 0;
  for (const d of durations) {
    busy.enter(task, at * ms);
    busy.leave((at + d) * ms);
    at += d + 5;
  }
  const summary = summarizeProfile(makeProfile(frames, [quiet.finish(), busy.finish()]), { maxLongTasks: 3 });
  assert.deepEqual(
    summary.threads.map((t) => [t.id, t.isMainThread]),
    [
      ['b', true],
      ['q', false],
    ],
  );
  const thread = summary.threads[0];
  assert.equal(thread.longTaskCount, 5);
  assert.equal(thread.longTaskTotalMs, 60 + 200 + 55 + 300 + 70);
  assert.deepEqual(
    thread.longTasks.map((t) => [t.id, t.durMs]),
    [
      ['task:b:1', 200],
      ['task:b:3', 300],
      ['task:b:4', 70],
    ],
  );
  const lowered = summarizeProfile(makeProfile(frames, [busy.finish()]), { longTaskThresholdMs: 200 });
  assert.equal(lowered.threads[0].longTaskCount, 2);
  assert.equal(lowered.settings.longTaskThresholdMs, 200);
});

test('100k-deep stacks summarise without recursion; deep paths keep both ends', () => {
  const frames = new FrameTable();
  const depth = 100_000;
  const stack = Array.from({ length: depth }, (_, i) => frames.internName(`f${i}`));
  const builder = new TimelineBuilder({ id: 't0', name: 'main' });
  builder.sample(stack, 0);
  builder.sample(stack.slice(0, 10), 100 * ms);
  const summary = summarizeProfile(makeProfile(frames, [builder.finish(120 * ms)]));
  const thread = summary.threads[0];
  const [task] = thread.longTasks;
  assert.equal(task.durMs, 120);
  assert.equal(task.stack.length + task.elidedFrameCount, depth);
  assert.equal(task.stack[0], 'f0');
  assert.equal(task.stack.at(-1), `f${depth - 1}`);
  assert.equal(task.stack[task.elidedAfter], `f${depth - (task.stack.length - task.elidedAfter)}`);
  const [deepest] = thread.hotPaths;
  assert.equal(deepest.frames.at(-1), `f${depth - 1}`);
  assert.equal(deepest.frames.length + deepest.elidedFrameCount, depth);
  assert.equal(deepest.totalMs, 100);
});

test('absurdly long names are clipped, surrogate pairs kept whole', () => {
  assert.equal(clipName('x'.repeat(400)).length, 300);
  assert.ok(clipName('x'.repeat(400)).endsWith('…'));
  const emoji = 'a'.repeat(298) + '😀😀';
  const clipped = clipName(emoji);
  assert.ok(!/[\ud800-\udbff]…$/.test(clipped));
});
