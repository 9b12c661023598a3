// Trace tools run through ImportService in the real import worker, on the
// profile it keeps for the open trace.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'vitest';
import type { Worker } from 'node:worker_threads';
import { importTraceFile } from '../../shared-importer/node/node-host.ts';
import { SAMPLE_TRACES } from '../../shared-importer/node/trace-fixtures.ts';
import { runTraceTool, type TraceToolCall } from '../../functions/_shared/trace-tools.ts';
import type { EventChannel, MainEvents } from '../ipc-contract.ts';
import { ImportService, PROFILE_GONE, TRACE_NOT_OPEN } from './import-service.ts';

const CPUPROFILE = join(SAMPLE_TRACES, 'Chrome/65/sucrase.cpuprofile');
const SPEEDSCOPE = join(SAMPLE_TRACES, 'speedscope/0.6.0/two-sampled.speedscope.json');
const WORKER = new URL('./import-worker.ts', import.meta.url);

/** An ImportService with no window (the rest of a trace is held back), and a wait for its next event of a kind. */
function service() {
  const waiters: { channel: EventChannel; resolve: (payload: unknown) => void }[] = [];
  const imports = new ImportService({
    workerUrl: WORKER,
    restHoldMs: 60_000,
    emit(channel, payload) {
      const index = waiters.findIndex((w) => w.channel === channel);
      if (index >= 0) waiters.splice(index, 1)[0].resolve(payload);
    },
  });
  const next = <C extends EventChannel>(channel: C): Promise<MainEvents[C]> =>
    new Promise((resolve) => waiters.push({ channel, resolve: resolve as (payload: unknown) => void }));
  const open = async (path: string) => {
    const loaded = next('trace:loaded');
    await imports.importPath(path);
    return (await loaded).traceId;
  };
  return { imports, open, next };
}

test('a tool runs in the worker on the open trace, as soon as it has loaded', async () => {
  const { imports, open } = service();
  try {
    const traceId = await open(CPUPROFILE);
    const profile = await importTraceFile(CPUPROFILE);
    const threadId = profile.threads[0].id;
    const calls: TraceToolCall[] = [
      { name: 'find_functions', arguments: '{"query":"parse"}' },
      { name: 'long_tasks', arguments: { threadId, minMs: 20 } },
      { name: 'call_tree', arguments: { threadId, maxDepth: 4 } },
      { name: 'call_tree', arguments: { threadId: 'nope' } },
      { name: 'call_tree', arguments: { threadId, maxDepth: 'deep' } },
    ];
    for (const [i, call] of calls.entries()) {
      // The same answer as the tool gives on the same file imported here: it ran on the whole profile.
      const expected = await runTraceTool(profile, undefined, call);
      // The last two are refused: a thread the trace does not have, an argument of the wrong type.
      assert.deepEqual(await imports.runTool(traceId, call), { ok: i < 3, text: expected });
    }
    assert.match((await imports.runTool(traceId, calls[0])).text, /^Functions matching "parse"/);
    assert.deepEqual(await imports.runTool('no-such-trace', calls[0]), { ok: false, text: TRACE_NOT_OPEN });
  } finally {
    await imports.dispose();
  }
});

test('a replaced trace answers that it is no longer open; the new one answers; closing answers waiting calls', async () => {
  const { imports, open } = service();
  try {
    const first = await open(CPUPROFILE);
    const second = await open(SPEEDSCOPE);
    const call: TraceToolCall = { name: 'markers', arguments: {} };
    assert.deepEqual(await imports.runTool(first, call), { ok: false, text: TRACE_NOT_OPEN });
    const profile = await importTraceFile(SPEEDSCOPE);
    assert.equal((await imports.runTool(second, call)).text, await runTraceTool(profile, undefined, call));
    const pending = imports.runTool(second, { name: 'thread_summary', arguments: { threadId: profile.threads[0].id } });
    await imports.dispose();
    assert.deepEqual(await pending, { ok: false, text: TRACE_NOT_OPEN });
  } finally {
    await imports.dispose();
  }
});

test('a worker that dies while a tool runs answers the call (the profile is gone), and later calls say so at once', async () => {
  const { imports, open } = service();
  try {
    const traceId = await open(CPUPROFILE);
    const call: TraceToolCall = { name: 'find_functions', arguments: { query: 'parse' } };
    assert.equal((await imports.runTool(traceId, call)).ok, true);
    // The process cut off halfway: the worker holding the profile is killed before its answer is
    // read (its messages no longer reach the service, so a fast answer cannot win the race).
    const { worker } = (imports as unknown as { profileHolder: { worker: Worker } }).profileHolder;
    worker.removeAllListeners('message');
    const pending = imports.runTool(traceId, call);
    await worker.terminate();
    assert.deepEqual(await pending, { ok: false, text: PROFILE_GONE });
    assert.deepEqual(await imports.runTool(traceId, call), { ok: false, text: PROFILE_GONE });
  } finally {
    await imports.dispose();
  }
});

test('the worker holding the open trace is the one kept when another import failed meanwhile', async () => {
  const { imports, open, next } = service();
  try {
    // The open trace's worker still holds back its summary (no window drew it) when a second import starts in another worker and fails.
    const traceId = await open(CPUPROFILE);
    const garbage = join(mkdtempSync(join(tmpdir(), 'ta-tools-')), 'not-a-trace.json');
    writeFileSync(garbage, '{"hello": "world"}');
    const failed = next('import:failed');
    await imports.importPath(garbage);
    await failed;
    // Now the first worker finishes: of the two idle workers, the one with the open trace's profile stays.
    const summarised = next('trace:summary');
    imports.traceShown(traceId);
    await summarised;
    const profile = await importTraceFile(CPUPROFILE);
    const call: TraceToolCall = { name: 'find_functions', arguments: { query: 'transform' } };
    assert.equal((await imports.runTool(traceId, call)).text, await runTraceTool(profile, undefined, call));
    // With its summary in, the worker takes a whole thread's summary from it: the same text.
    const summaryCall: TraceToolCall = { name: 'thread_summary', arguments: { threadId: profile.threads[0].id } };
    assert.equal((await imports.runTool(traceId, summaryCall)).text, await runTraceTool(profile, undefined, summaryCall));
  } finally {
    await imports.dispose();
  }
});
