// Mode 1 of the tools eval: a planted problem's scripted calls run one after
// another through runTraceTool on the imported profile, as the import worker
// runs a model's calls; each result checked for its planted fact, the final
// answer's citations resolved, and the tokens the turn adds up to counted.
import { runTraceTool } from '../../functions/_shared/trace-tools.ts';
import { importInChunks } from '../../shared-importer/node/trace-fixtures.ts';
import type { Profile } from '../../shared-importer/src/model/profile.ts';
import { renderSummaryText } from '../../shared-importer/src/summary/render-summary-text.ts';
import { summarizeProfile } from '../../shared-importer/src/summary/summarize-profile.ts';
import type { TraceSummary } from '../../shared-importer/src/summary/summary-types.ts';
import { countTokens } from '../../shared-importer/src/summary/token-count.ts';
import { citedIds, unresolved } from './answer-citations.ts';
import type { PlantedItems, PlantedProblem, Seen } from './planted-problems.ts';

/** The budget a turn must fit: AI_PROMPT_TOKEN_BUDGET's default, which local mode uses too. */
export { DEFAULT_PROMPT_TOKEN_BUDGET as PROMPT_TOKEN_BUDGET } from '../../functions/_shared/limits.ts';

/** A planted problem's trace, imported as the app imports it, with its summary as the model reads it. */
export interface LoadedProblem {
  problem: PlantedProblem;
  profile: Profile;
  summary: TraceSummary;
  summaryText: string;
  planted: PlantedItems;
}

export async function loadProblem(problem: PlantedProblem): Promise<LoadedProblem> {
  const profile = await importInChunks(problem.fileName, problem.trace());
  const summary = summarizeProfile(profile);
  const { text } = await renderSummaryText(summary);
  return { problem, profile, summary, summaryText: text, planted: problem.planted(profile) };
}

export interface CallOutcome {
  name: string;
  arguments: string;
  fact: string;
  found: boolean;
  result: string;
}

export interface TurnReport {
  problem: string;
  calls: CallOutcome[];
  answer: string;
  cited: string[];
  /** Cited ids that do not resolve, with why. */
  unresolved: string[];
  /** The planted items the answer does not cite. */
  plantedNotCited: string[];
  resultTokens: number;
  /** The summary, the question, the results and the answer: what the turn's last request carries. */
  turnTokens: number;
}

export async function runScripted(loaded: LoadedProblem): Promise<TurnReport> {
  const { problem, profile, summary, summaryText, planted } = loaded;
  const seen: Seen = { summaryText, results: [] };
  const calls: CallOutcome[] = [];
  for (const call of problem.calls) {
    const args = JSON.stringify(call.args(seen));
    const result = await runTraceTool(profile, summary, { name: call.name, arguments: args });
    seen.results.push(result);
    calls.push({ name: call.name, arguments: args, fact: call.fact, found: call.holds(result, planted), result });
  }
  return reportTurn(loaded, calls, problem.answer(seen));
}

/** The checks both modes make on a finished turn: facts found (in `calls`), citations, planted ids cited, tokens. */
export async function reportTurn(loaded: LoadedProblem, calls: CallOutcome[], answer: string): Promise<TurnReport> {
  const { problem, profile, summaryText, planted } = loaded;
  const cited = citedIds(answer);
  const plantedIds = [planted.functionId, ...(planted.taskId ? [planted.taskId] : [])];
  let resultTokens = 0;
  for (const call of calls) resultTokens += await countTokens(call.result);
  const turnTokens = resultTokens + (await countTokens([summaryText, problem.question, ...calls.map((c) => c.arguments), answer].join('\n')));
  return {
    problem: problem.name,
    calls,
    answer,
    cited,
    unresolved: cited.flatMap((id) => {
      const why = unresolved(profile, id, planted);
      return why === null ? [] : [why];
    }),
    plantedNotCited: plantedIds.filter((id) => !cited.includes(id)),
    resultTokens,
    turnTokens,
  };
}
