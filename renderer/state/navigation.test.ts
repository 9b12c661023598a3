// Showing what a summary id names, as a chat answer cites it: a function in
// the sandwich (on the thread in view when it runs there), a hot path's last
// function, a long task zoomed in the time order view, a thread. Ids come from
// the summariser run on real traces; page items from a hand-written page load
// placed on a real trace's clock.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { beforeEach, test } from 'vitest';
import { importTraceFile } from '../../shared-importer/node/node-host.ts';
import { REAL_TRACES, SAMPLE_TRACES } from '../../shared-importer/node/trace-fixtures.ts';
import { summarizeProfile } from '../../shared-importer/src/summary/summarize-profile.ts';
import { runTool } from '../../shared-importer/src/trace-tools/run-tool.ts';
import { examplePage } from '../page-track/example-page.ts';
import { threadViews } from '../profile-views/thread-views.ts';
import { frameOfFunctionId, isCitableId, leftHeavyChartId, showSummaryItem, timeOrderChartId } from './navigation.ts';
import { useViewStore } from './view-store.ts';

const initial = useViewStore.getState();
beforeEach(() => useViewStore.setState(initial, true));

test('a cited function opens in the sandwich; on the thread in view when it runs there, else where the summary lists it', async () => {
  const profile = await importTraceFile(join(SAMPLE_TRACES, 'trace-event/multiprocess.json'));
  const summary = summarizeProfile(profile);
  const [main, other] = summary.threads;
  const fn = other.topFunctions.find((f) => !main.topFunctions.some((m) => m.id === f.id) && !main.topFunctionsByTotal.some((m) => m.id === f.id))!;
  assert.ok(fn, 'a function listed on the second thread only');
  useViewStore.getState().threadChosen(main.id);
  assert.equal(showSummaryItem(profile, summary, fn.id, main.id), true);
  const view = useViewStore.getState();
  assert.equal(view.mode, 'sandwich');
  assert.equal(view.selectedFrame, frameOfFunctionId(profile, fn.id));
  assert.equal(view.threadId, other.id, 'it does not run on the thread in view: shown where it runs');

  const onMain = main.topFunctions[0];
  assert.equal(showSummaryItem(profile, summary, onMain.id, main.id), true);
  assert.equal(useViewStore.getState().threadId, main.id);
});

test('a cited hot path shows its last function; a cited thread is chosen; an unknown id shows nothing', async () => {
  const profile = await importTraceFile(join(SAMPLE_TRACES, 'Chrome/65/sucrase.cpuprofile'));
  const summary = summarizeProfile(profile);
  const thread = summary.threads[0];
  const path = thread.hotPaths[1];
  assert.equal(showSummaryItem(profile, summary, path.id, thread.id), true);
  assert.equal(profile.frames.idOf(useViewStore.getState().selectedFrame), path.frameIds.at(-1));
  useViewStore.setState(initial, true);
  assert.equal(showSummaryItem(profile, summary, `thread ${thread.id}`, null), true);
  assert.equal(useViewStore.getState().threadId, thread.id);
  for (const unknown of ['fn999999', 'path:t0:999999', 'thread nope', 'task:nope:3'])
    assert.equal(showSummaryItem(profile, summary, unknown, thread.id), false, unknown);
});

test('a cited long task zooms the time order view to it and selects it', async () => {
  const profile = await importTraceFile(join(SAMPLE_TRACES, 'Chrome/66/worker.json'));
  const summary = summarizeProfile(profile);
  const task = summary.threads.flatMap((t) => t.longTasks)[0];
  assert.ok(task, 'the trace has a long task');
  assert.equal(showSummaryItem(profile, summary, task.id, null), true);
  const view = useViewStore.getState();
  const timeline = profile.threads.find((t) => t.id === task.threadId)!;
  const interval = Number(task.id.slice(task.id.lastIndexOf(':') + 1));
  assert.equal(view.mode, 'time-order');
  assert.equal(view.threadId, task.threadId);
  assert.equal(view.selectedFrame, timeline.frame[interval]);
  const zoom = view.viewports[timeOrderChartId(task.threadId)];
  assert.ok(zoom.x0 <= timeline.start[interval] && zoom.x1 >= timeline.end[interval]);
});

test('a cited page item zooms the time order chart to it and selects it in the page track', async () => {
  const profile = await importTraceFile(join(REAL_TRACES, 'lighthouse/lcp-m78.json'));
  const summary = summarizeProfile(profile);
  const main = summary.threads[0].id;
  // The hand-written page load (its items within 2.4 s), placed 10 ms into the main thread of this 7 s page load.
  const navStart = profile.threads.find((t) => t.id === main)!.startTime + 10_000;
  profile.page = examplePage(navStart);
  const viewNow = () => {
    const view = useViewStore.getState();
    const zoom = view.viewports[timeOrderChartId(view.threadId!)];
    return { view, zoom, width: zoom.x1 - zoom.x0 };
  };
  const wholeSpan = (() => {
    const timeline = profile.threads.find((t) => t.id === main)!;
    return timeline.endTime - timeline.startTime;
  })();

  useViewStore.getState().pageTrackToggled(false);
  assert.equal(showSummaryItem(profile, summary, 'req4', null), true);
  let { view, zoom } = viewNow();
  assert.equal(view.mode, 'time-order');
  assert.equal(view.threadId, main, 'no thread in view: the main thread');
  assert.equal(view.selectedPageItem, 'req4');
  assert.equal(view.pageTrackOpen, true, 'a collapsed track opens to show it');
  // req4 runs from 720 to 2400 ms after the navigation start.
  assert.ok(zoom.x0 <= navStart + 720_000 && zoom.x1 >= navStart + 2_400_000);
  assert.ok(zoom.x1 - zoom.x0 < 1.2 * 1_680_000, 'zoomed to it, with a small margin');

  // An instant (a shift at 1500 ms) shows with context around it: 2% of the chart's span.
  assert.equal(showSummaryItem(profile, summary, 'shift1', main), true);
  ({ zoom } = viewNow());
  assert.ok(zoom.x0 < navStart + 1_500_000 && zoom.x1 > navStart + 1_500_000);
  assert.ok(Math.abs(zoom.x1 - zoom.x0 - 0.02 * wholeSpan) < 1);

  // A cluster spans its shifts (1500 and 1800 ms).
  assert.equal(showSummaryItem(profile, summary, 'cluster1', main), true);
  ({ view, zoom } = viewNow());
  assert.equal(view.selectedPageItem, 'cluster1');
  assert.ok(zoom.x0 <= navStart + 1_500_000 && zoom.x1 >= navStart + 1_800_000);

  for (const unknown of ['req99', 'nav2', 'cluster9', 'int0']) assert.equal(showSummaryItem(profile, summary, unknown, main), false, unknown);
  profile.page = undefined;
  assert.equal(showSummaryItem(profile, summary, 'req4', main), false, 'a trace without page data has no page items');
});

// The trace tools cite items the summary never listed: tasks below its 50 ms
// threshold, any call-tree node, any function. Their ids, as the tools write
// them on a real Chrome trace, land on the block the tool's own line describes.
const M86 = join(REAL_TRACES, 'lighthouse/cpu-profiler-m86.trace.json');

/** The ids cited on the tool result's lines, with the line each came from. */
function citedLines(result: string, kind: 'task' | 'path'): { id: string; line: string }[] {
  return result.split('\n').flatMap((line) => [...line.matchAll(new RegExp(`\\[(${kind}:[^\\]\\s]+)\\]`, 'g'))].map((m) => ({ id: m[1], line })));
}

test('a task a long_tasks call listed below the summary threshold zooms the time order view to its time range on its thread', async () => {
  const profile = await importTraceFile(M86);
  const summary = summarizeProfile(profile);
  const main = summary.threads[0];
  const result = await runTool(profile, 'long_tasks', { threadId: main.id, minMs: 5 });
  const listed = new Set(main.longTasks.map((t) => t.id));
  const short = citedLines(result, 'task').find(({ id }) => !listed.has(id));
  assert.ok(short, 'the tool lists a task the summary does not');
  const [, atMs, durMs] = /\] at ([\d.]+) ms, ([\d.]+) ms/.exec(short.line)!.map(Number);
  assert.ok(durMs < summary.settings.longTaskThresholdMs);

  assert.equal(isCitableId(profile, short.id), true);
  assert.equal(showSummaryItem(profile, summary, short.id, null), true);
  const view = useViewStore.getState();
  assert.equal(view.mode, 'time-order');
  assert.equal(view.threadId, main.id);
  const timeline = profile.threads.find((t) => t.id === main.id)!;
  const interval = view.selectedSlot!.slot;
  const layout = threadViews(timeline, profile.frames.length).timeOrder();
  // The selected block starts and lasts as the tool said (its ms are rounded to the µs).
  assert.ok(Math.abs((layout.x0[interval] - profile.startTime) / 1000 - atMs) < 0.001, 'starts where the tool said');
  assert.ok(Math.abs((layout.x1[interval] - layout.x0[interval]) / 1000 - durMs) < 0.001, 'lasts as long as the tool said');
  const zoom = view.viewports[timeOrderChartId(main.id)];
  assert.ok(zoom.x0 <= layout.x0[interval] && zoom.x1 >= layout.x1[interval], 'in view');
  assert.ok(zoom.x1 - zoom.x0 < 1.2 * (layout.x1[interval] - layout.x0[interval]), 'zoomed to it');
});

test('a call_tree path, of the thread or inside a task, selects its deepest frame in the left heavy chart, zoomed to it', async () => {
  const profile = await importTraceFile(M86);
  const summary = summarizeProfile(profile);
  const main = summary.threads[0];
  const timeline = profile.threads.find((t) => t.id === main.id)!;
  const layout = threadViews(timeline, profile.frames.length).leftHeavy();
  const whole = citedLines(await runTool(profile, 'call_tree', { threadId: main.id, maxDepth: 6 }), 'path');
  const inTask = citedLines(await runTool(profile, 'call_tree', { threadId: main.id, root: main.longTasks[1].id }), 'path');
  const hotPathIds = new Set(main.hotPaths.map((p) => p.id));
  const deepest = (lines: typeof whole) => lines.reduce((a, b) => (b.line.search(/\S/) > a.line.search(/\S/) ? b : a));
  for (const { id, line } of [deepest(whole), deepest(inTask), whole.find(({ id }) => !hotPathIds.has(id))!]) {
    useViewStore.setState(initial, true);
    const fn = /- \[(fn\d+)\]/.exec(line)![1];
    assert.equal(isCitableId(profile, id), true, id);
    assert.equal(showSummaryItem(profile, summary, id, null), true, id);
    const view = useViewStore.getState();
    assert.equal(view.mode, 'left-heavy', id);
    assert.equal(view.threadId, main.id);
    assert.equal(profile.frames.idOf(view.selectedFrame), fn, `${id} selects the function on its line`);
    const slot = view.selectedSlot!;
    assert.equal(slot.chartId, leftHeavyChartId(main.id));
    const zoom = view.viewports[slot.chartId];
    assert.ok(zoom.x0 <= layout.x0[slot.slot] && zoom.x1 >= layout.x1[slot.slot], `${id} is in view`);
    if (whole.some((w) => w.id === id)) {
      // A node of the thread's tree is as wide as the total the tool gave for it (a task's share of a node is narrower).
      const totalMs = Number(/ total ([\d.]+) ms/.exec(line)![1]);
      assert.ok(Math.abs((layout.x1[slot.slot] - layout.x0[slot.slot]) / 1000 - totalMs) < 0.001, `${id}: ${totalMs} ms wide`);
    }
  }
});

test('a function a tool names but the summary does not list opens in the sandwich on a thread it runs on; unknown ids are not citable', async () => {
  const profile = await importTraceFile(M86);
  const summary = summarizeProfile(profile);
  const listed = new Set(summary.threads.flatMap((t) => [...t.topFunctions, ...t.topFunctionsByTotal].map((f) => f.id)));
  const result = await runTool(profile, 'find_functions', { query: 'anonymous' });
  const line = result.split('\n').find((l) => /^- \[fn\d+\]/.test(l) && !listed.has(/\[(fn\d+)\]/.exec(l)![1]));
  assert.ok(line, 'find_functions lists a function the summary does not');
  const fn = /\[(fn\d+)\]/.exec(line)![1];
  const thread = / thread (\S+): total/.exec(line)![1];
  assert.equal(showSummaryItem(profile, summary, fn, null), true);
  const view = useViewStore.getState();
  assert.equal(view.mode, 'sandwich');
  assert.equal(profile.frames.idOf(view.selectedFrame), fn);
  assert.equal(view.threadId, thread, 'on the thread the tool found it on');

  const main = summary.threads[0].id;
  const count = profile.threads.find((t) => t.id === main)!.count;
  for (const unknown of [
    `fn${profile.frames.length}`,
    `task:${main}:${count}`,
    `path:${main}:${count}`,
    'path:nope:1',
    'task:nope:1',
    `task:${main}:x`,
    'thread nope',
  ]) {
    assert.equal(isCitableId(profile, unknown), false, unknown);
    assert.equal(showSummaryItem(profile, summary, unknown, main), false, unknown);
  }
  for (const known of [`fn${profile.frames.length - 1}`, `task:${main}:${count - 1}`, `thread ${main}`]) assert.equal(isCitableId(profile, known), true, known);
});
