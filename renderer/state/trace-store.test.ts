// The trace store's rules for what arrives from the host: a summary belongs
// to the trace it names, whatever order the two arrive in; a summary that
// failed leaves the trace open; what the host had before the page connected
// is shown like a live event. Real traces, encoded as the host sends them.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { beforeEach, test } from 'vitest';
import type { TraceLoadedEvent, TraceSummaryEvent } from '../../electron/ipc-contract.ts';
import { firstFrameProfile } from '../../electron/services/first-frame-profile.ts';
import { importTraceFile } from '../../shared-importer/node/node-host.ts';
import { SAMPLE_TRACES } from '../../shared-importer/node/trace-fixtures.ts';
import { encodeProfile } from '../../shared-importer/src/model/profile-codec.ts';
import { renderSummaryText } from '../../shared-importer/src/summary/render-summary-text.ts';
import { summarizeProfile } from '../../shared-importer/src/summary/summarize-profile.ts';
import { useTraceStore } from './trace-store.ts';

const SPEEDSCOPE = join(SAMPLE_TRACES, 'speedscope/0.6.0/two-sampled.speedscope.json');
const CPUPROFILE = join(SAMPLE_TRACES, 'Chrome/65/simple.cpuprofile');
const MULTIPROCESS = join(SAMPLE_TRACES, 'trace-event/multiprocess.json');

const initial = useTraceStore.getState();
beforeEach(() => useTraceStore.setState(initial, true));

async function loadedAndSummary(path: string, traceId: string): Promise<{ loaded: TraceLoadedEvent; summary: TraceSummaryEvent }> {
  const profile = await importTraceFile(path);
  const summary = summarizeProfile(profile);
  const { text, tokens } = await renderSummaryText(summary);
  const loaded: TraceLoadedEvent = {
    importId: `import-${traceId}`,
    traceId,
    fileName: profile.name,
    path,
    sizeBytes: 1,
    format: profile.format,
    profile: encodeProfile(profile),
    complete: true,
    importMs: 1,
  };
  return { loaded, summary: { traceId, status: 'ready', summary, summaryText: text, tokens } };
}

test('a trace opens without its summary; the summary joins it when it arrives', async () => {
  const a = await loadedAndSummary(SPEEDSCOPE, 'a');
  const store = useTraceStore.getState();
  store.traceLoaded(a.loaded);
  const opened = useTraceStore.getState().trace!;
  assert.equal(opened.traceId, 'a');
  assert.equal(opened.summary, null, 'pending');
  assert.equal(opened.profile.threads.length, 2);
  store.summaryArrived(a.summary);
  const summarized = useTraceStore.getState().trace!;
  assert.equal(summarized.summary, a.summary);
  assert.equal(summarized.profile, opened.profile, 'the chart keeps its decoded profile');
});

test('a summary of a trace that is no longer open is not shown with the new one', async () => {
  const [a, b] = await Promise.all([loadedAndSummary(SPEEDSCOPE, 'a'), loadedAndSummary(CPUPROFILE, 'b')]);
  const store = useTraceStore.getState();
  store.traceLoaded(a.loaded);
  store.traceLoaded(b.loaded);
  store.summaryArrived(a.summary);
  assert.equal(useTraceStore.getState().trace!.traceId, 'b');
  assert.equal(useTraceStore.getState().trace!.summary, null, "b does not show a's summary");
  store.summaryArrived(b.summary);
  assert.equal(useTraceStore.getState().trace!.summary, b.summary);
});

test('a summary that arrives before its trace (Electron fetches the bytes first) is kept for it, and only for it', async () => {
  const [a, b] = await Promise.all([loadedAndSummary(SPEEDSCOPE, 'a'), loadedAndSummary(CPUPROFILE, 'b')]);
  const store = useTraceStore.getState();
  store.summaryArrived(a.summary);
  store.traceLoaded(b.loaded);
  assert.equal(useTraceStore.getState().trace!.summary, null, "an early summary of another trace is not b's");
  store.summaryArrived(b.summary);
  store.traceLoaded(a.loaded);
  // b's summary was for b: a opens without one.
  assert.equal(useTraceStore.getState().trace!.summary, null);

  useTraceStore.setState(initial, true);
  store.summaryArrived(a.summary);
  store.traceLoaded(a.loaded);
  assert.equal(useTraceStore.getState().trace!.summary, a.summary);
});

test('a summary that failed leaves the trace open, with the reason', async () => {
  const a = await loadedAndSummary(SPEEDSCOPE, 'a');
  const store = useTraceStore.getState();
  store.traceLoaded(a.loaded);
  const failed: TraceSummaryEvent = { traceId: 'a', status: 'failed', message: 'The summary could not be computed: out of memory' };
  store.summaryArrived(failed);
  const { trace, importError } = useTraceStore.getState();
  assert.equal(trace!.traceId, 'a');
  assert.equal(trace!.profile.threads.length, 2);
  assert.equal(trace!.summary, failed);
  assert.equal(importError, null, 'not an import error: the trace did open');
});

test("the host's state at connection: its trace and summary, or the failure of a file it was given, shown as a live failure is", async () => {
  const a = await loadedAndSummary(SPEEDSCOPE, 'a');
  const failure = { importId: 'x', fileName: 'notes.json', code: 'unknown-format' as const, message: 'Could not recognise "notes.json".' };
  const store = useTraceStore.getState();
  store.hostStateReceived({ loaded: a.loaded, summary: a.summary, failure: null, sync: null });
  assert.equal(useTraceStore.getState().trace!.summary, a.summary);

  useTraceStore.setState(initial, true);
  store.hostStateReceived({ loaded: null, summary: null, failure, sync: null });
  const shown = useTraceStore.getState().importError;
  useTraceStore.setState(initial, true);
  store.importFailed(failure);
  assert.deepEqual(shown, useTraceStore.getState().importError);
  assert.deepEqual(shown, { fileName: 'notes.json', code: 'unknown-format', message: 'Could not recognise "notes.json".' });

  // A page that has started an import of its own since does not show the host's older failure.
  useTraceStore.setState(initial, true);
  store.importRequested('mine.json');
  store.hostStateReceived({ loaded: null, summary: null, failure, sync: null });
  assert.equal(useTraceStore.getState().importError, null);
  assert.equal(useTraceStore.getState().importing?.fileName, 'mine.json');
});

test('a trace sent in part opens with its first thread; the whole profile joins it, keeping what was drawn', async () => {
  const whole = await importTraceFile(MULTIPROCESS);
  const part = firstFrameProfile(whole)!;
  const { loaded } = await loadedAndSummary(MULTIPROCESS, 'm');
  const store = useTraceStore.getState();
  store.traceLoaded({ ...loaded, profile: encodeProfile(part), complete: false });
  const opened = useTraceStore.getState().trace!;
  assert.equal(opened.complete, false);
  assert.deepEqual(
    opened.profile.threads.map((t) => t.id),
    [part.threads[0].id],
  );

  store.profileArrived({ traceId: 'other', profile: encodeProfile(whole) });
  assert.equal(useTraceStore.getState().trace, opened, "another trace's profile changes nothing");
  store.profileArrived({ traceId: 'm', profile: encodeProfile(whole) });
  const completed = useTraceStore.getState().trace!;
  assert.equal(completed.complete, true);
  assert.deepEqual(
    completed.profile.threads.map((t) => t.id),
    whole.threads.map((t) => t.id),
  );
  // The thread already drawn keeps its object (its layouts and zoom are keyed by it), and so does the frame table.
  assert.equal(
    completed.profile.threads.find((t) => t.id === part.threads[0].id),
    opened.profile.threads[0],
  );
  assert.equal(completed.profile.frames, opened.profile.frames);
  const other = completed.profile.threads.find((t) => t.id !== part.threads[0].id)!;
  assert.deepEqual(other.start, whole.threads.find((t) => t.id === other.id)!.start);
});
