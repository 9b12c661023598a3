// The tools eval's scripted mode as a test: every planted fact is in the
// results, the answer's ids resolve to the planted items, the turn fits the
// prompt budget; and the eval's checks reject what lacks them.
import assert from 'node:assert/strict';
import { test } from 'vitest';
import { citedIds, unresolved } from './tools/answer-citations.ts';
import { hotWorker, longTask, PLANTED_PROBLEMS, regression } from './tools/planted-problems.ts';
import { runScriptedThroughLoop } from './tools/local-chat-run.ts';
import { loadProblem, PROMPT_TOKEN_BUDGET, runScripted } from './tools/scripted-run.ts';

for (const problem of PLANTED_PROBLEMS) {
  test(`tools eval, scripted: ${problem.name}`, async () => {
    const report = await runScripted(await loadProblem(problem));
    for (const call of report.calls) assert.ok(call.found, `${call.name} ${call.arguments} lacks the planted fact "${call.fact}":\n${call.result}`);
    assert.deepEqual(report.unresolved, [], 'every cited id resolves');
    assert.deepEqual(report.plantedNotCited, [], 'the answer cites the planted items');
    assert.ok(report.turnTokens <= PROMPT_TOKEN_BUDGET, `${report.turnTokens} tokens`);
  });
}

for (const problem of PLANTED_PROBLEMS) {
  test(`tools eval, through local mode's loop: ${problem.name}`, async () => {
    const run = await runScriptedThroughLoop(await loadProblem(problem));
    assert.ok(run.available, run.available ? '' : run.reason);
    assert.equal(run.toolRounds, problem.calls.length);
    for (const call of run.report.calls) assert.ok(call.found, `${call.name} ${call.arguments} lacks the planted fact "${call.fact}":\n${call.result}`);
    assert.deepEqual(run.report.unresolved, [], 'every cited id resolves');
    assert.deepEqual(run.report.plantedNotCited, [], 'the answer cites the planted items');
    assert.ok(run.report.turnTokens <= PROMPT_TOKEN_BUDGET, `${run.report.turnTokens} tokens`);
  });
}

test("the eval's checks fail a result without the planted fact and ids that do not name the planted items", async () => {
  const [worker, long, regressed] = await Promise.all([loadProblem(hotWorker), loadProblem(longTask), loadProblem(regression)]);
  const workerReport = await runScripted(worker);
  const longReport = await runScripted(long);
  // Each problem's first check against the other problems' first results.
  assert.equal(hotWorker.calls[0].holds(longReport.calls[0].result, worker.planted), false);
  assert.equal(longTask.calls[0].holds(workerReport.calls[0].result, long.planted), false);
  // A time off by more than 10 %: the worker's function with 80 % of its planted total.
  const shrunk = workerReport.calls[0].result.replace(/total 3600 ms/, 'total 2880 ms');
  assert.equal(hotWorker.calls[0].holds(shrunk, worker.planted), false);
  // Citations: unknown function, another task of the thread, a thread that does not exist.
  const otherTask = /\[(task:[^\]]+)\] at 800 ms/.exec(longReport.calls[0].result)![1];
  assert.deepEqual(citedIds(`See [fn99], [${otherTask}] and [thread p9:t9].`), ['fn99', otherTask, 'thread p9:t9']);
  assert.match(unresolved(long.profile, 'fn99', long.planted)!, /^Unknown function id "fn99"/);
  assert.match(unresolved(long.profile, otherTask, long.planted)!, /is not the planted task/);
  assert.match(unresolved(regressed.profile, 'thread p9:t9', regressed.planted)!, /^Unknown thread "p9:t9"/);
});
