// The trace tools on real traces, against the flame chart's own numbers: a
// function's total, callers and callees as the sandwich view builds them
// (renderer/profile-views/sandwich-trees.ts), and long tasks as the summary
// lists them.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'vitest';
import { importTraceFile } from '../../node/node-host.ts';
import { REAL_TRACES, SAMPLE_TRACES } from '../../node/trace-fixtures.ts';
import { callersTree, calleesTree } from '../../../renderer/profile-views/sandwich-trees.ts';
import { buildMergedCallTree, functionStats, mergeSubtrees, outermostNodes, parentIndices, type MergedCallTree } from '../model/call-tree.ts';
import { summarizeProfile } from '../summary/summarize-profile.ts';
import { syntheticProfile } from '../summary/synthetic-profile.ts';
import { sandwichOf } from './callers-and-callees.ts';
import { outermostCalls, subtreeTimeline } from './subtree-timeline.ts';
import { keptThreadViews } from './thread-derived.ts';
import { runTool } from './run-tool.ts';
import { valueText } from './tool-text.ts';

/** Total of each child of the tree's root, by frame. */
function rowOneTotals(tree: MergedCallTree): Map<number, number> {
  const byFrame = new Map<number, number>();
  const root = tree.order[0];
  for (let n = 0; n < tree.count; n++) if (tree.parent[n] === root) byFrame.set(tree.frame[n], (byFrame.get(tree.frame[n]) ?? 0) + tree.total[n]);
  return byFrame;
}

function assertSameTotals(actual: Map<number, number>, expected: Map<number, number>, what: string): void {
  assert.deepEqual(
    [...actual.keys()].sort((a, b) => a - b),
    [...expected.keys()].sort((a, b) => a - b),
    `${what}: same functions`,
  );
  for (const [frame, total] of expected)
    assert.ok(Math.abs(actual.get(frame)! - total) <= 1e-6 * Math.max(1, total), `${what}: fn${frame} ${actual.get(frame)} vs ${total}`);
}

test('callers_and_callees equals the sandwich view on sucrase.cpuprofile and a Chrome trace', async () => {
  for (const path of [join(SAMPLE_TRACES, 'Chrome/65/sucrase.cpuprofile'), join(REAL_TRACES, 'lighthouse/cpu-profiler-m86.trace.json')]) {
    const profile = await importTraceFile(path);
    let checked = 0;
    for (const t of profile.threads.filter((th) => th.count > 0)) {
      const stats = functionStats(t, profile.frames.length);
      const heaviest = Array.from(stats.total.keys())
        .sort((a, b) => stats.total[b] - stats.total[a])
        .slice(0, 25)
        .filter((f) => stats.total[f] > 0);
      for (const frame of heaviest) {
        const sandwich = sandwichOf(profile, t, frame);
        const callees = calleesTree(t, frame);
        const callers = callersTree(t, parentIndices(t), frame);
        assert.equal(sandwich.total, callees.total[callees.order[0]], `${path} fn${frame}: total as the sandwich's callee root`);
        assert.equal(sandwich.total, callers.total[callers.order[0]], `${path} fn${frame}: total as the sandwich's caller root`);
        assertSameTotals(sandwich.callees, rowOneTotals(callees), `${path} fn${frame} callees`);
        // The sandwich's callers tree has no row for a call at the root of the stack; the tool names it (-1).
        const callersBut = new Map(sandwich.callers);
        callersBut.delete(-1);
        assertSameTotals(callersBut, rowOneTotals(callers), `${path} fn${frame} callers`);
        checked++;
      }
      // And the text the model reads carries that total.
      const text = await runTool(profile, 'callers_and_callees', { functionId: profile.frames.idOf(heaviest[0]), threadId: t.id });
      assert.ok(text.includes(`total ${valueText(profile, stats.total[heaviest[0]])}`), text);
    }
    assert.ok(checked >= 25, `${path}: ${checked} functions checked`);
  }
});

test("long_tasks lists exactly the summary's long tasks on a Lighthouse trace", async () => {
  const profile = await importTraceFile(join(REAL_TRACES, 'lighthouse/artifacts-blocking-time-trace.json.gz'));
  const summary = summarizeProfile(profile, { maxLongTasks: 1000 });
  let compared = 0;
  for (const thread of summary.threads) {
    const text = await runTool(profile, 'long_tasks', { threadId: thread.id });
    const listed = [...text.matchAll(/^- \[(task:[^\]]+)\] at ([\d.]+) ms, ([\d.]+) ms/gm)].map((m) => [m[1], Number(m[2]), Number(m[3])]);
    assert.deepEqual(
      listed,
      thread.longTasks.map((task) => [task.id, task.startMs, task.durMs]),
      thread.id,
    );
    assert.equal(listed.length, thread.longTaskCount);
    compared += listed.length;
    // The call tree of each task covers the task's whole duration.
    for (const task of thread.longTasks.slice(0, 3)) {
      const tree = await runTool(profile, 'call_tree', { threadId: thread.id, root: task.id, maxDepth: 3 });
      assert.match(tree.split('\n')[1], new RegExp(`total ${task.durMs.toString().replace('.', '\\.')} ms \\(100%\\)`), tree);
    }
  }
  assert.ok(compared > 0, 'the trace has long tasks');
});

test("thread_summary from the trace's summary reads as one computed for the thread alone", async () => {
  const profile = await importTraceFile(join(SAMPLE_TRACES, 'Chrome/116/Trace-20230603T221323.json'));
  const summary = summarizeProfile(profile);
  assert.ok(summary.threads.length > 1);
  for (const thread of summary.threads.slice(0, 4)) {
    const fromSummary = await runTool(profile, 'thread_summary', { threadId: thread.id }, { summary });
    assert.equal(fromSummary, await runTool(profile, 'thread_summary', { threadId: thread.id }), thread.id);
    assert.match(fromSummary, new RegExp(`\\[thread ${thread.id}\\]`));
  }
});

test("a function's callee tree merged from the thread's tree nodes is the tree of its calls", async () => {
  // What call_tree(root: fn) and the sandwich compute from nodes must equal buildMergedCallTree over the
  // function's outermost calls (the sandwich view's own construction), node for node and in the same order.
  const profiles = [
    await importTraceFile(join(SAMPLE_TRACES, 'Chrome/65/sucrase.cpuprofile')),
    await importTraceFile(join(REAL_TRACES, 'lighthouse/cpu-profiler-m86.trace.json')),
    syntheticProfile({ intervals: 40_000, seed: 5 }),
  ];
  let compared = 0;
  for (const profile of profiles) {
    for (const t of profile.threads.filter((th) => th.count > 0)) {
      const stats = functionStats(t, profile.frames.length);
      const frames = Array.from(stats.total.keys())
        .filter((f) => stats.total[f] > 0)
        .slice(0, 60);
      const threadTree = buildMergedCallTree(t);
      for (const frame of frames) {
        const calls = outermostCalls(t, frame);
        const expected = buildMergedCallTree(subtreeTimeline(t, calls).timeline);
        const roots = new Set(outermostNodes(threadTree, frame));
        const actual = mergeSubtrees(threadTree, (n) => roots.has(n));
        const where = `${profile.name} ${t.id} fn${frame}`;
        assert.equal(actual.count, expected.count, where);
        assert.deepEqual([...actual.order], [...expected.order], `${where}: order`);
        assert.deepEqual([...actual.frame], [...expected.frame], `${where}: frames`);
        assert.deepEqual([...actual.parent], [...expected.parent], `${where}: parents`);
        for (let n = 0; n < expected.count; n++) {
          assert.ok(Math.abs(actual.total[n] - expected.total[n]) <= 1e-9 * Math.max(1, expected.total[n]), `${where} node ${n} total`);
          assert.ok(Math.abs(actual.self[n] - expected.self[n]) <= 1e-9 * Math.max(1, expected.total[n]), `${where} node ${n} self`);
        }
        compared++;
      }
    }
  }
  assert.ok(compared >= 100, `${compared} functions compared`);
});

test("a summary computed into the tools' caches equals one computed alone, and the tools read the same numbers from them", async () => {
  const path = join(REAL_TRACES, 'lighthouse/artifacts-blocking-time-trace.json.gz');
  const [cached, alone] = [await importTraceFile(path), await importTraceFile(path)];
  assert.deepEqual(summarizeProfile(cached, { threadViews: keptThreadViews(cached) }), summarizeProfile(alone));
  const main = alone.threads.find((t) => t.count > 0 && t.name === 'CrRendererMain')!;
  const mainId = main.id;
  const heaviest = functionStats(main, alone.frames.length).total;
  const functionId = alone.frames.idOf(Array.from(heaviest.keys()).sort((a, b) => heaviest[b] - heaviest[a])[0]);
  for (const [name, args] of [
    ['call_tree', { threadId: mainId, root: functionId }],
    ['callers_and_callees', { functionId }],
    ['long_tasks', { threadId: mainId, minMs: 10 }],
  ] as const) {
    assert.equal(await runTool(cached, name, args as never), await runTool(alone, name, args as never), name);
  }
});
