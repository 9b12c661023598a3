// Each trace tool on hand-built profiles whose answers are computed by hand
// in trace-tools-fixture.ts.
import assert from 'node:assert/strict';
import { test } from 'vitest';
import { handBuiltProfile, regressionProfile } from './trace-tools-fixture.ts';
import { runTool } from './run-tool.ts';
import { sandwichOf } from './callers-and-callees.ts';
import { syntheticProfile } from '../summary/synthetic-profile.ts';
import { threadMergedTree } from './thread-derived.ts';

const profile = handBuiltProfile();

test('thread_summary: the summary section of one thread, whole and within a window', async () => {
  const whole = await runTool(profile, 'thread_summary', { threadId: 'p1:t1' });
  assert.match(whole, /## Thread "CrRendererMain" \(main thread\) \[thread p1:t1\]/);
  // Busy: the two tasks, 100 + 20 ms, of the 300 ms span.
  assert.match(whole, /busy 120 ms \(40% of span\)/);
  assert.match(whole, /\[task:p1:t1:0\] at 0 ms, 100 ms "RunTask"/);
  const worker = await runTool(profile, 'thread_summary', { threadId: 'p1:t2' });
  assert.doesNotMatch(worker, /main thread/);
  // 0–150 ms holds task 1 only: 100 ms busy of a 150 ms window.
  const window = await runTool(profile, 'thread_summary', { threadId: 'p1:t1', startMs: 0, endMs: 150 });
  assert.match(window, /^Window 0–150 ms of thread p1:t1/);
  assert.match(window, /busy 100 ms \(66.67% of span\)/);
  assert.match(window, /"render" at 50 ms for 100 ms/);
});

test("call_tree: the merged tree with the summary's path ids, heaviest first", async () => {
  const text = await runTool(profile, 'call_tree', { threadId: 'p1:t1' });
  const lines = text.split('\n').slice(1);
  // Nodes in creation order: 0 RunTask, 1 >A, 2 >A>B, 3 >A>C, 4 >B, 5 >A>A, 6 >A>A>B; equal totals keep that order.
  assert.deepEqual(lines, [
    '- [fn0] "RunTask" total 120 ms (100%), self 10 ms [path:p1:t1:0]',
    '  - [fn1] "A" ("app.js:1") total 80 ms (66.7%), self 30 ms [path:p1:t1:1]',
    '    - [fn2] "B" ("app.js:1") total 30 ms (25%), self 30 ms [path:p1:t1:2]',
    '    - [fn3] "C" ("app.js:1") total 10 ms (8.3%), self 10 ms [path:p1:t1:3]',
    '    - [fn1] "A" ("app.js:1") total 10 ms (8.3%), self 6 ms [path:p1:t1:5]',
    '      - [fn2] "B" ("app.js:1") total 4 ms (3.3%), self 4 ms [path:p1:t1:6]',
    '  - [fn2] "B" ("app.js:1") total 30 ms (25%), self 30 ms [path:p1:t1:4]',
  ]);
  const shallow = await runTool(profile, 'call_tree', { threadId: 'p1:t1', maxDepth: 1 });
  assert.deepEqual(shallow.split('\n').slice(2), ['  - … 2 callees below maxDepth 1']);
});

test("call_tree of a task keeps the thread's path ids; of a function merges its calls; within a window clips", async () => {
  const task = await runTool(profile, 'call_tree', { threadId: 'p1:t1', root: 'task:p1:t1:5' });
  assert.deepEqual(
    task
      .split('\n')
      .slice(1)
      .map((l) => /\[path:[^\]]+\]/.exec(l)?.[0]),
    ['[path:p1:t1:0]', '[path:p1:t1:1]', '[path:p1:t1:5]', '[path:p1:t1:6]'],
  );
  assert.match(task, /"RunTask" total 20 ms \(100%\)/);
  // A's callees over its two outermost calls: B 30, C 10, A 10 (the recursive call inside task 2).
  const callees = await runTool(profile, 'call_tree', { threadId: 'p1:t1', root: 'fn1' });
  assert.match(callees, /merged over its 2 outermost calls/);
  assert.match(callees, /- \[fn1\] "A" \("app.js:1"\) total 80 ms \(100%\), self 30 ms\n {2}- \[fn2\] "B" \("app.js:1"\) total 30 ms/);
  // 50–210 ms: task 1 clipped to 50–100 (A 50–60 with B and C outside, B 60–90), task 2 to 200–210
  // (A 200–210 > A 205–210 > B 206–210). A: 10 + 10 ms, self 10 + 5 ms. Calls outside the window are not listed.
  const window = await runTool(profile, 'call_tree', { threadId: 'p1:t1', startMs: 50, endMs: 210 });
  assert.deepEqual(window.split('\n').slice(1), [
    '- [fn0] "RunTask" total 60 ms (100%), self 10 ms [path:p1:t1:0]',
    '  - [fn2] "B" ("app.js:1") total 30 ms (50%), self 30 ms [path:p1:t1:4]',
    '  - [fn1] "A" ("app.js:1") total 20 ms (33.3%), self 15 ms [path:p1:t1:1]',
    '    - [fn1] "A" ("app.js:1") total 5 ms (8.3%), self 1 ms [path:p1:t1:5]',
    '      - [fn2] "B" ("app.js:1") total 4 ms (6.7%), self 4 ms [path:p1:t1:6]',
  ]);
});

test("a window after the first task still gives the thread's own task and path ids", async () => {
  // 150–300 ms holds only task 2 (interval 5): RunTask 20 > A 20 (self 10) > A 10 (self 6) > B 4.
  const tree = await runTool(profile, 'call_tree', { threadId: 'p1:t1', startMs: 150, endMs: 300 });
  assert.deepEqual(tree.split('\n').slice(1), [
    '- [fn0] "RunTask" total 20 ms (100%), self 0 ms [path:p1:t1:0]',
    '  - [fn1] "A" ("app.js:1") total 20 ms (100%), self 10 ms [path:p1:t1:1]',
    '    - [fn1] "A" ("app.js:1") total 10 ms (50%), self 6 ms [path:p1:t1:5]',
    '      - [fn2] "B" ("app.js:1") total 4 ms (20%), self 4 ms [path:p1:t1:6]',
  ]);
  const summary = await runTool(profile, 'thread_summary', { threadId: 'p1:t1', startMs: 150, endMs: 300 });
  // Hot paths end where self time is at least half the node's time: A (10 of 20), the inner A (6 of 10), B.
  assert.deepEqual([...summary.matchAll(/\[(path:[^\]]+)\]/g)].map((m) => m[1]).sort(), ['path:p1:t1:1', 'path:p1:t1:5', 'path:p1:t1:6']);
  const task = await runTool(profile, 'call_tree', { threadId: 'p1:t1', root: 'task:p1:t1:5', startMs: 150, endMs: 300 });
  assert.match(task, /"RunTask" total 20 ms \(100%\), self 0 ms \[path:p1:t1:0\]/);
  assert.match(
    await runTool(profile, 'call_tree', { threadId: 'p1:t1', root: 'task:p1:t1:0', startMs: 150, endMs: 300 }),
    /^Task task:p1:t1:0 does not run within the window/,
  );
});

test('callers_and_callees: totals as functionStats, callers and callees from outermost calls only', async () => {
  const text = await runTool(profile, 'callers_and_callees', { functionId: 'fn2' });
  // B: 30 + 30 + 4 ms, called by A (30 + 4) and RunTask (30); not on the worker.
  assert.match(text, /^\[fn2\] "B" \("app.js:1"\) on thread p1:t1: total 64 ms, self 64 ms, 3 outermost calls/);
  assert.match(text, /Callers[^\n]*\n- \[fn1\] "A" \("app.js:1"\) 34 ms \(53.1%\)\n- \[fn0\] "RunTask" 30 ms \(46.9%\)/);
  assert.match(text, /- none: all its time is self time/);
  assert.doesNotMatch(text, /p1:t2/);
  const a = sandwichOf(profile, profile.threads[0], 1);
  assert.deepEqual({ total: a.total, self: a.self, calls: a.callCount }, { total: 80_000, self: 36_000, calls: 2 });
  assert.deepEqual([...a.callers], [[0, 80_000]]);
  assert.deepEqual(
    new Map(a.callees),
    new Map([
      [2, 30_000],
      [3, 10_000],
      [1, 10_000],
    ]),
  );
  const root = await runTool(profile, 'callers_and_callees', { functionId: 'fn0', threadId: 'p1:t2' });
  assert.match(root, /- \(root of the stack\) 300 ms \(100%\)/);
});

test('find_functions: by name or file, per thread, heaviest first', async () => {
  const byFile = await runTool(profile, 'find_functions', { query: 'APP.JS' });
  assert.deepEqual(
    byFile
      .split('\n')
      .slice(1)
      .map((l) => /^- (\[fn\d\])[^:]*:\d"\) thread (\S+): total ([\d.]+ ms)/.exec(l)!.slice(1)),
    [
      ['[fn1]', 'p1:t1', '80 ms'],
      ['[fn2]', 'p1:t1', '64 ms'],
      ['[fn3]', 'p1:t1', '10 ms'],
    ],
  );
  const onWorker = await runTool(profile, 'find_functions', { query: 'pars', threadId: 'p1:t2' });
  assert.match(onWorker, /- \[fn4\] "parse" \("worker.js:7"\) thread p1:t2: total 300 ms, self 300 ms/);
  assert.match(await runTool(profile, 'find_functions', { query: 'parse', threadId: 'p1:t1' }), /^No function/);
});

test('long_tasks: threshold, window and dominant stack', async () => {
  const fifty = await runTool(profile, 'long_tasks', { threadId: 'p1:t1' });
  assert.deepEqual(fifty.split('\n').slice(1), ['- [task:p1:t1:0] at 0 ms, 100 ms "RunTask": [fn0] "RunTask" > [fn1] "A" > [fn2] "B" (self 30 ms)']);
  const ten = await runTool(profile, 'long_tasks', { threadId: 'p1:t1', minMs: 10 });
  assert.match(ten, /^2 tasks of 10 ms or more on thread p1:t1, 120 ms in all/);
  // Task 2 stops at the outer A: its own 10 ms equal the 10 ms of its heaviest callee.
  assert.match(ten, /- \[task:p1:t1:5\] at 200 ms, 20 ms "RunTask": \[fn0\] "RunTask" > \[fn1\] "A" \(self 10 ms\)$/);
  const late = await runTool(profile, 'long_tasks', { threadId: 'p1:t1', minMs: 10, startMs: 150, endMs: 300 });
  assert.match(late, /^1 task .* overlapping 150–300 ms/);
  assert.match(late, /task:p1:t1:5/);
});

test('compare_windows finds the regression planted between two halves', async () => {
  const text = await runTool(regressionProfile(), 'compare_windows', { threadId: 'p1:t1', a: [0, 500], b: [500, 1000] });
  const rows = text.split('\n').slice(1);
  assert.equal(rows[0], '- [fn2] "slow" self 50 → 250 (+200) · total 50 → 250');
  // RunTask's own time is 0 in both halves and steady never changes: neither is listed.
  assert.equal(rows.length, 1);
});

test('markers: in start order, filtered by thread and query', async () => {
  const all = await runTool(profile, 'markers', {});
  assert.deepEqual(all.split('\n'), [
    '2 markers, in start order (times from trace start):',
    '- "app:start" ("blink.user_timing") at 0 ms [thread p1:t1]',
    '- "render" ("blink.user_timing") at 50 ms for 100 ms [thread p1:t1]',
  ]);
  assert.match(await runTool(profile, 'markers', { query: 'REND' }), /^1 marker matching "REND"/);
  assert.equal(await runTool(profile, 'markers', { threadId: 'p1:t2' }), 'No markers on thread p1:t2.');
});

test('bad arguments answer one clear line, never throw', async () => {
  const answers = [
    await runTool(profile, 'thread_summary', { threadId: 'nope' }),
    await runTool(profile, 'call_tree', { threadId: 'p1:t1', root: 'fn99' }),
    await runTool(profile, 'call_tree', { threadId: 'p1:t1', root: 'task:p1:t2:0' }),
    await runTool(profile, 'callers_and_callees', { functionId: 'parse' }),
    await runTool(profile, 'long_tasks', { threadId: 'p1:t1', startMs: 100, endMs: 100 }),
    await runTool(profile, 'compare_windows', { threadId: 'p1:t1', a: [0, 10], b: [400, 500] }),
    await runTool(profile, 'find_functions', { query: '  ' }),
    await runTool(profile, 'call_tree', { threadId: 'p1:t1', maxDepth: 0 }),
  ];
  assert.deepEqual(
    answers.map((a) => a.split(' ').slice(0, 3).join(' ')),
    [
      'Unknown thread "nope".',
      'Unknown function id',
      'Unknown task id',
      'Unknown function id',
      'Empty time window',
      'The window 400–500',
      'The query is',
      'maxDepth must be',
    ],
  );
  assert.match(answers[0], /Threads with activity: p1:t1, p1:t2\.$/);
  for (const answer of answers) assert.doesNotMatch(answer, /\n/);
});

test("a window's thread_summary names tasks and paths by the whole thread's ids", async () => {
  const large = syntheticProfile({ intervals: 60_000, seed: 3 });
  const thread = large.threads[0];
  const spanMs = (large.endTime - large.startTime) / 1000;
  const window = { threadId: thread.id, startMs: spanMs / 2, endMs: spanMs };
  const text = await runTool(large, 'thread_summary', window);
  const tasks = [...text.matchAll(/\[(task:[^\]]+)\] at ([\d.,]+) ms/g)];
  assert.ok(tasks.length > 0, 'the window has long tasks');
  const listed = await runTool(large, 'long_tasks', { ...window, minMs: 50 });
  for (const [, id, at] of tasks) {
    // The summary text writes three significant digits; long_tasks, exact ms.
    const exact = Number(new RegExp(`\\[${id}\\] at ([\\d.]+) ms`).exec(listed)?.[1]);
    assert.ok(Math.abs(exact - Number(at.replace(/,/g, ''))) <= exact * 0.005, `${id}: ${at} vs ${exact}`);
  }
  const tree = threadMergedTree(thread);
  const paths = [...text.matchAll(/\[path:[^\]]+:(\d+)\] .*: .*"([^"]+)"(?: \("[^"]*"\))?$/gm)];
  assert.ok(paths.length > 0, 'the window has hot paths');
  for (const [, node, innermost] of paths) assert.equal(large.frames.names[tree.frame[Number(node)]], innermost, `path node ${node}`);
});
