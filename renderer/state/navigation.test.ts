// Showing what a summary id names, as a chat answer cites it: a function in
// the sandwich (on the thread in view when it runs there), a hot path's last
// function, a long task zoomed in the time order view, a thread. Ids come from
// the summariser run on real traces; page items from a hand-written page load
// placed on a real trace's clock.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { beforeEach, test } from 'node:test';
import { importTraceFile } from '../../shared-importer/node/node-host.ts';
import { REAL_TRACES, SAMPLE_TRACES } from '../../shared-importer/node/trace-fixtures.ts';
import { summarizeProfile } from '../../shared-importer/src/summary/summarize-profile.ts';
import { examplePage } from '../page-track/example-page.ts';
import { frameOfFunctionId, showSummaryItem, timeOrderChartId } from './navigation.ts';
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
  for (const unknown of ['fn999999', 'path:t0:999999', 'thread nope', 'task:nope:3']) assert.equal(showSummaryItem(profile, summary, unknown, thread.id), false, unknown);
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
  const span = (id: string) => {
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
  let { view, zoom } = span('req4');
  assert.equal(view.mode, 'time-order');
  assert.equal(view.threadId, main, 'no thread in view: the main thread');
  assert.equal(view.selectedPageItem, 'req4');
  assert.equal(view.pageTrackOpen, true, 'a collapsed track opens to show it');
  // req4 runs from 720 to 2400 ms after the navigation start.
  assert.ok(zoom.x0 <= navStart + 720_000 && zoom.x1 >= navStart + 2_400_000);
  assert.ok(zoom.x1 - zoom.x0 < 1.2 * 1_680_000, 'zoomed to it, with a small margin');

  // An instant (a shift at 1500 ms) shows with context around it: 2% of the chart's span.
  assert.equal(showSummaryItem(profile, summary, 'shift1', main), true);
  ({ zoom } = span('shift1'));
  assert.ok(zoom.x0 < navStart + 1_500_000 && zoom.x1 > navStart + 1_500_000);
  assert.ok(Math.abs(zoom.x1 - zoom.x0 - 0.02 * wholeSpan) < 1);

  // A cluster spans its shifts (1500 and 1800 ms).
  assert.equal(showSummaryItem(profile, summary, 'cluster1', main), true);
  ({ view, zoom } = span('cluster1'));
  assert.equal(view.selectedPageItem, 'cluster1');
  assert.ok(zoom.x0 <= navStart + 1_500_000 && zoom.x1 >= navStart + 1_800_000);

  for (const unknown of ['req99', 'nav2', 'cluster9', 'int0']) assert.equal(showSummaryItem(profile, summary, unknown, main), false, unknown);
  profile.page = undefined;
  assert.equal(showSummaryItem(profile, summary, 'req4', main), false, 'a trace without page data has no page items');
});
