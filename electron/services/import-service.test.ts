import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, test } from 'vitest';
import { decodeProfile } from '../../shared-importer/src/model/profile-codec.ts';
import { rankThreads } from '../../shared-importer/src/summary/thread-ranking.ts';
import type { EventChannel, ImportFailedEvent, MainEvents, TraceLoadedEvent } from '../ipc-contract.ts';
import { ImportService } from './import-service.ts';
import { openDescriptorsOn, SAMPLE_TRACES } from '../../shared-importer/node/trace-fixtures.ts';

const SPEEDSCOPE = join(SAMPLE_TRACES, 'speedscope/0.6.0/two-sampled.speedscope.json');
const FIREFOX = join(SAMPLE_TRACES, 'Firefox/61/recursion.json');
const CPUPROFILE = join(SAMPLE_TRACES, 'Chrome/65/simple.cpuprofile');
const WORKER = new URL('./import-worker.ts', import.meta.url);

/**
 * An ImportService whose events are recorded, with a helper to wait for the next one of a kind.
 * Like a window, it reports each loaded trace shown at once, unless `window` is false.
 */
function recordingService({ window = true, restHoldMs }: { window?: boolean; restHoldMs?: number } = {}) {
  const events: { channel: EventChannel; payload: unknown }[] = [];
  const waiters: { channel: EventChannel; matches: (payload: never) => boolean; resolve: (payload: unknown) => void }[] = [];
  const service: ImportService = new ImportService({
    workerUrl: WORKER,
    restHoldMs,
    emit(channel, payload) {
      events.push({ channel, payload });
      if (window && channel === 'trace:loaded') service.traceShown((payload as TraceLoadedEvent).traceId);
      const index = waiters.findIndex((w) => w.channel === channel && w.matches(payload as never));
      if (index >= 0) waiters.splice(index, 1)[0].resolve(payload);
    },
  });
  /** The next event on `channel` (that `matches`, when given). */
  const next = <C extends EventChannel>(channel: C, matches: (payload: MainEvents[C]) => boolean = () => true): Promise<MainEvents[C]> =>
    new Promise((resolve) => waiters.push({ channel, matches, resolve: resolve as (payload: unknown) => void }));
  /** The summary of the trace that loads next. */
  const nextSummary = async () => {
    const { traceId } = await next('trace:loaded');
    return next('trace:summary', (s) => s.traceId === traceId);
  };
  return { service, events, next, nextSummary };
}

// Tests that only import share one service (and so one warm worker); the cancel tests get their own.
const shared = recordingService();
afterAll(() => shared.service.dispose());

test('a file on disk imports in the worker: progress, the thread drawn first, then the whole profile, then its summary', async () => {
  const { service, events, next } = shared;
  const loaded = next('trace:loaded');
  const whole = next('trace:profile');
  const summarized = next('trace:summary');
  const started = await service.importPath(SPEEDSCOPE);
  assert.equal(started.fileName, 'two-sampled.speedscope.json');
  assert.equal(started.totalBytes, readFileSync(SPEEDSCOPE).length);
  const event = await loaded;

  assert.equal(event.importId, started.importId);
  assert.equal(event.format, 'speedscope');
  assert.equal(event.path, SPEEDSCOPE);
  assert.equal(event.sizeBytes, started.totalBytes);
  assert.equal(service.current, event);
  assert.ok(!('summary' in event), 'the trace is sent without waiting for its summary');
  // Two threads: the first part holds the one the app opens on, as the whole profile ranks them.
  assert.equal(event.complete, false);
  const first = decodeProfile(event.profile);

  const rest = await whole;
  assert.equal(rest.traceId, event.traceId);
  const profile = decodeProfile(rest.profile);
  assert.deepEqual(
    profile.threads.map((th) => th.name),
    ['one', 'two'],
  );
  const opened = rankThreads(profile)[0].timeline;
  assert.deepEqual(
    first.threads.map((th) => th.id),
    [opened.id],
  );
  assert.deepEqual(first.threads[0].start, opened.start);
  assert.deepEqual(first.threads[0].frame, opened.frame);
  assert.deepEqual(first.frames.names, profile.frames.names);
  assert.deepEqual([first.startTime, first.endTime], [profile.startTime, profile.endTime]);

  const summary = await summarized;
  assert.equal(summary.traceId, event.traceId);
  assert.equal(summary.status, 'ready');
  assert.ok(summary.status === 'ready');
  assert.equal(summary.summary.stats.threadCount, profile.threads.length);
  assert.ok(summary.summaryText.length > 0);
  assert.ok(summary.tokens > 0);
  const order = [event, rest, summary].map((payload) => events.findIndex((e) => e.payload === payload));
  assert.deepEqual(
    order,
    [...order].sort((a, b) => a - b),
    'first part, whole profile, summary',
  );
  // A window that connects now gets the whole profile.
  assert.deepEqual(service.state, { loaded: { ...event, profile: rest.profile, complete: true }, summary, failure: null });

  const progress = events
    .filter((e) => e.channel === 'import:progress')
    .map((e) => e.payload as MainEvents['import:progress'])
    .filter((p) => p.importId === started.importId);
  assert.ok(progress.length >= 2, 'progress is reported while importing');
  assert.deepEqual([...new Set(progress.map((p) => p.phase))], ['reading', 'building', 'sending']);
  assert.equal(progress.at(-1).percent, 100);
});

test('a failed import reports the importer message and keeps the previous trace', async () => {
  const { service, next } = shared;
  const first = next('trace:loaded');
  await service.importPath(SPEEDSCOPE);
  const previous = await first;

  const dir = mkdtempSync(join(tmpdir(), 'ta-import-'));
  const garbage = join(dir, 'not-a-trace.json');
  writeFileSync(garbage, JSON.stringify({ hello: 'world', items: [1, 2, 3] }));
  const failedEvent = next('import:failed');
  const started = await service.importPath(garbage);
  const failed = await failedEvent;
  assert.equal(failed.importId, started.importId);
  assert.equal(failed.code, 'unknown-format');
  assert.match(failed.message, /Could not recognise "not-a-trace.json"/);
  assert.equal(service.current?.traceId, previous.traceId);
  // Kept for a window that connects later, beside the trace that stays open.
  assert.equal(service.state.failure, failed);
  assert.equal(service.state.loaded?.traceId, previous.traceId);

  // Larger than the worker's read-ahead: a failed import must still close the file, not keep it open half read.
  const large = join(dir, 'notes.txt');
  writeFileSync(large, Buffer.alloc(20 * 1024 * 1024, 'these lines are not a trace\n'));
  const largeFailed = next('import:failed');
  await service.importPath(large);
  assert.equal((await largeFailed).code, 'unknown-format');
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(openDescriptorsOn(large), 0, 'the failed import left its file open');

  const missing = next('import:failed');
  const gone = join(dir, 'gone.json');
  await service.importPath(gone);
  const io = await missing;
  assert.equal(io.code, 'io-error');
  assert.ok(io.message.includes(gone) && /does not exist/.test(io.message), io.message);
  assert.equal(service.current?.traceId, previous.traceId);
  assert.equal(service.state.failure, io);

  // The next import clears it: its own outcome is what counts now.
  const reloaded = next('trace:loaded');
  await service.importPath(SPEEDSCOPE);
  assert.equal(service.state.failure, null, 'cleared as soon as another import starts');
  await reloaded;
});

test('streamed bytes import like a file, with flow control', async () => {
  const { service, next } = shared;
  const bytes = readFileSync(FIREFOX);
  const loaded = next('trace:loaded');
  const { started, upload } = service.importStream('recursion.json', bytes.length);
  // Small chunks, so more than the in-flight limit are sent and writers must wait for the worker.
  for (let offset = 0; offset < bytes.length; offset += 1024) {
    assert.equal(await upload.write(bytes.subarray(offset, offset + 1024)), true);
  }
  upload.end();
  const event = await loaded;
  assert.equal(event.importId, started.importId);
  assert.equal(event.path, null);
  assert.equal(event.format, 'firefox-gecko');
  assert.equal(event.sizeBytes, bytes.length);
  assert.ok(decodeProfile(event.profile).threads.length > 0);
});

test('cancel stops a running import with "aborted"; a new import cancels the old one', async (t) => {
  const { service, next } = recordingService();
  t.onTestFinished(() => service.dispose());
  assert.equal(service.cancel(), false, 'nothing to cancel');

  // A stream that never ends keeps the import running until it is cancelled.
  const { started: stalled, upload } = service.importStream('endless.json', null);
  await upload.write(new TextEncoder().encode('{"traceEvents": ['));
  const aborted = next('import:failed');
  assert.equal(service.cancel(), true);
  const cancelled: ImportFailedEvent = await aborted;
  assert.equal(cancelled.importId, stalled.importId);
  assert.equal(cancelled.code, 'aborted');
  assert.equal(service.state.failure, null, 'a cancel is not a failure to show');
  assert.equal(await upload.write(new Uint8Array(10)), false, 'a cancelled upload wants no more bytes');

  const { started: replaced } = service.importStream('second.json', null);
  const replacedFailure = next('import:failed');
  const loaded = next('trace:loaded');
  const newer = await service.importPath(SPEEDSCOPE);
  const failure = await replacedFailure;
  assert.equal(failure.importId, replaced.importId);
  assert.equal(failure.code, 'aborted');
  const event: TraceLoadedEvent = await loaded;
  assert.equal(event.importId, newer.importId);
});

test('a cancel that arrives once all input is read still wins: no trace loads', async (t) => {
  const { service, events, next } = recordingService();
  t.onTestFinished(() => service.dispose());
  const outcome = Promise.race([next('import:failed').then((failure) => ({ failure })), next('trace:loaded').then((loaded) => ({ loaded }))]);
  const { importId } = await service.importPath(SPEEDSCOPE);
  // 'sending' comes after the whole file is read and summarised, right before the result.
  for (;;) {
    const progress = await next('import:progress');
    if (progress.phase === 'sending') break;
  }
  assert.equal(service.cancel(), true);
  const result = await outcome;
  assert.ok('failure' in result, 'the trace loaded although the import was cancelled');
  const { failure } = result;
  assert.equal(failure.importId, importId);
  assert.equal(failure.code, 'aborted');
  // Whatever the worker sends after the cancel must not load the trace.
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(events.filter((e) => e.channel === 'trace:loaded').length, 0);
  assert.equal(service.current, null);
});

test('a cancel only for a given import leaves another running import alone', async (t) => {
  const { service } = recordingService();
  t.onTestFinished(() => service.dispose());
  service.importStream('running.json', null);
  assert.equal(service.cancel('some-other-import'), false);
  assert.equal(service.isRunning, true);
});

test('the summary text is the budgeted model text, not raw JSON', async () => {
  const { service, nextSummary } = shared;
  const summarized = nextSummary();
  await service.importPath(FIREFOX);
  const event = await summarized;
  assert.ok(event.status === 'ready', JSON.stringify(event));
  assert.doesNotMatch(event.summaryText, /^\{/);
  assert.ok(event.tokens > 0 && event.tokens <= 6000, `tokens ${event.tokens} within the default budget`);
  assert.equal(event.summary.format, 'firefox-gecko');
});

test('imports asked for together run in the order asked: the last one wins', async () => {
  const { service, events, next } = shared;
  const loaded = next('trace:loaded');
  const [first, second] = await Promise.all([service.importPath(FIREFOX), service.importPath(SPEEDSCOPE)]);
  const event = await loaded;
  assert.equal(event.importId, second.importId);
  assert.equal(event.format, 'speedscope');
  const firstOutcome = events.find((e) => e.channel === 'import:failed' && (e.payload as ImportFailedEvent).importId === first.importId);
  assert.equal((firstOutcome?.payload as ImportFailedEvent | undefined)?.code, 'aborted');
});

test('a trace replaced while its summary is computed never gets it: what follows a trace goes out only while it is open', async (t) => {
  const { service, events, next } = recordingService();
  t.onTestFinished(() => service.dispose());
  const first = next('trace:loaded');
  await service.importPath(FIREFOX);
  await first;
  // Its worker now summarises it, loading the tokenizer first (most of a second in a fresh worker), so the
  // second import, in another worker, loads before that summary is done.
  const second = next('trace:loaded');
  await service.importPath(SPEEDSCOPE);
  const open = await second;
  const summary = await next('trace:summary', (s) => s.traceId === open.traceId);
  await new Promise((resolve) => setTimeout(resolve, 300));

  let shown: string | null = null;
  for (const { channel, payload } of events) {
    if (channel === 'trace:loaded') shown = (payload as TraceLoadedEvent).traceId;
    if (channel === 'trace:summary' || channel === 'trace:profile') {
      assert.equal((payload as { traceId: string }).traceId, shown, `${channel} went out for a trace no longer open`);
    }
  }
  assert.equal(service.state.loaded?.traceId, open.traceId);
  assert.equal(service.state.summary, summary);
});

test('the rest of the profile and the summary wait until a window has drawn the trace, or until the hold runs out', { timeout: 30_000 }, async (t) => {
  const held = recordingService({ window: false, restHoldMs: 60_000 });
  t.onTestFinished(() => held.service.dispose());
  const loaded = held.next('trace:loaded');
  await held.service.importPath(SPEEDSCOPE);
  const { traceId } = await loaded;
  // Time enough for the worker to send and summarise a two-thread trace many times over, had it been let.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  assert.deepEqual(
    held.events.filter((e) => e.channel === 'trace:profile' || e.channel === 'trace:summary'),
    [],
    'nothing follows before the trace is drawn',
  );
  assert.equal(held.service.state.summary, null);
  assert.equal(held.service.state.loaded?.complete, false);
  const whole = held.next('trace:profile');
  const summarized = held.next('trace:summary');
  held.service.traceShown('some other trace');
  held.service.traceShown(traceId);
  assert.equal((await whole).traceId, traceId);
  assert.equal((await summarized).traceId, traceId);

  // One thread: the first part is the whole profile, and nothing else follows but the summary.
  const single = held.next('trace:loaded');
  await held.service.importPath(CPUPROFILE);
  const event = await single;
  assert.equal(event.complete, true);
  const singleSummary = held.next('trace:summary');
  held.service.traceShown(event.traceId);
  await singleSummary;
  assert.equal(held.events.filter((e) => e.channel === 'trace:profile').length, 1);

  // No window: both come anyway once the hold is over.
  const windowless = recordingService({ window: false, restHoldMs: 200 });
  t.onTestFinished(() => windowless.service.dispose());
  const summary = windowless.nextSummary();
  await windowless.service.importPath(SPEEDSCOPE);
  assert.equal((await summary).status, 'ready');
});
