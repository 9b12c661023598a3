// The tools eval (issue 15): traces with planted problems (a hot function on
// a worker, a long task caused three levels deep, a regression between the
// halves), each with the tool calls a good model makes.
// 1. Always: the scripted calls through runTraceTool; each result must hold
//    its planted fact, every id the final answer cites must resolve, the
//    turn must fit the prompt budget.
// 2. The same turns through local mode's loop (LocalChat) with the scripted
//    model server playing the script; "loop not available" until LocalChat
//    runs tool rounds.
// 3. With EVAL_BASE_URL, EVAL_MODEL and EVAL_API_KEY: a real model through
//    the same loop, and how many planted problems its answers named.
// Exits non-zero when a planted fact is missing or a cited id does not resolve.
//
// Run: npm run eval -- tools
import { printTable } from '../bench/bench-report.ts';
import { PLANTED_PROBLEMS } from './tools/planted-problems.ts';
import { runScriptedThroughLoop, runThroughLoop, type Endpoint } from './tools/local-chat-run.ts';
import { loadProblem, PROMPT_TOKEN_BUDGET, runScripted, type LoadedProblem, type TurnReport } from './tools/scripted-run.ts';

function row(report: TurnReport): string[] {
  const found = report.calls.filter((c) => c.found).length;
  const resolved = report.cited.length - report.unresolved.length;
  return [
    report.problem,
    report.calls.map((c) => c.name).join(', '),
    `${found}/${report.calls.length}`,
    `${resolved}/${report.cited.length}${report.plantedNotCited.length > 0 ? ` (planted not cited: ${report.plantedNotCited.join(' ')})` : ''}`,
    String(report.resultTokens),
    `${report.turnTokens} / ${PROMPT_TOKEN_BUDGET}`,
  ];
}

const HEADER = ['problem', 'calls', 'facts found', 'ids resolved', 'result tokens', 'turn tokens / budget'];

function passed(report: TurnReport): boolean {
  return (
    report.calls.every((c) => c.found) && report.unresolved.length === 0 && report.plantedNotCited.length === 0 && report.turnTokens <= PROMPT_TOKEN_BUDGET
  );
}

function printMisses(report: TurnReport): void {
  for (const call of report.calls.filter((c) => !c.found))
    console.log(`  ${report.problem}: ${call.name} ${call.arguments} lacks "${call.fact}"; it returned:\n${call.result}`);
  for (const why of report.unresolved) console.log(`  ${report.problem}: cited id does not resolve: ${why}`);
}

async function scriptedCalls(problems: LoadedProblem[]): Promise<boolean> {
  console.log('\n1. Scripted calls through runTraceTool on the imported profile:');
  const reports = await Promise.all(problems.map(runScripted));
  printTable(HEADER, reports.map(row));
  reports.forEach(printMisses);
  return reports.every(passed);
}

async function throughLoop(problems: LoadedProblem[]): Promise<boolean> {
  console.log("\n2. The same turns through local mode's loop (LocalChat), the scripted model server playing the script:");
  const runs = [];
  for (const loaded of problems) runs.push({ loaded, run: await runScriptedThroughLoop(loaded) });
  // A turn the loop could not carry through (it failed, or ran no tool) is a failure of the eval.
  const unavailable = runs.filter((r) => !r.run.available);
  for (const { loaded, run } of unavailable) if (!run.available) console.log(`- ${loaded.problem.name}: FAILED: ${run.reason}`);
  const reports = runs.flatMap(({ run }) => (run.available ? [run.report] : []));
  if (reports.length > 0) {
    printTable(HEADER, reports.map(row));
    reports.forEach(printMisses);
  }
  return unavailable.length === 0 && reports.every(passed);
}

function realEndpoint(): Endpoint | null {
  const { EVAL_BASE_URL: baseURL, EVAL_MODEL: model, EVAL_API_KEY: apiKey } = process.env;
  return baseURL && model && apiKey ? { baseURL, model, apiKey } : null;
}

async function realModel(problems: LoadedProblem[], endpoint: Endpoint): Promise<void> {
  console.log(`\n3. A real model (${endpoint.model} at ${endpoint.baseURL}) through the same loop:`);
  let named = 0;
  const rows: string[][] = [];
  for (const loaded of problems) {
    const turn = await runThroughLoop(loaded, endpoint);
    if (!turn.ok) {
      rows.push([loaded.problem.name, '–', '–', turn.reason]);
      continue;
    }
    const { report } = turn;
    const namesIt = report.cited.includes(loaded.planted.functionId) || report.answer.includes(loaded.planted.functionName);
    if (namesIt) named++;
    rows.push([
      loaded.problem.name,
      String(turn.toolRounds),
      namesIt ? 'yes' : 'no',
      `${report.cited.length - report.unresolved.length}/${report.cited.length} cited ids resolve`,
    ]);
  }
  printTable(['problem', 'tool rounds', 'named the planted function', 'citations'], rows);
  console.log(`The model named ${named} of ${problems.length} planted problems.`);
}

const problems = await Promise.all(PLANTED_PROBLEMS.map(loadProblem));
const scriptedOk = await scriptedCalls(problems);
const loopOk = await throughLoop(problems);
const endpoint = realEndpoint();
if (endpoint) await realModel(problems, endpoint);
else console.log('\nEVAL_BASE_URL, EVAL_MODEL and EVAL_API_KEY are not all set: only the scripted path ran.');
process.exit(scriptedOk && loopOk ? 0 : 1);
