// Showing what a summary id names, as a chat answer cites it: a function in
// the sandwich (on the thread in view when it runs there), a hot path's last
// function, a long task zoomed in the time order view, a thread. Ids come from
// the summariser run on real traces.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { beforeEach, test } from 'node:test';
import { importTraceFile } from '../../shared-importer/node/node-host.ts';
import { SAMPLE_TRACES } from '../../shared-importer/node/trace-fixtures.ts';
import { summarizeProfile } from '../../shared-importer/src/summary/summarize-profile.ts';
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
