// Trace summary speed and text size, against baselines measured in the same
// run on the same profile:
//   - summarizeProfile on synthetic ~5M-interval profiles vs the two passes
//     every summary needs at least (functionStats and buildMergedCallTree on
//     each thread); the goal is "seconds", and a small multiple of those passes.
//     Two shapes: tasks that repeat a few hundred call structures (as a UI's
//     handlers do) and tasks whose call paths are all new (the worst case for
//     merging paths into a call tree);
//   - renderSummaryText for several budgets: tokens used vs budget (must never
//     exceed it) and how long fitting takes (tokenizer load reported apart).
//
// Run: npm run bench -- summary   (or node --import tsx --expose-gc bench/summary.bench.ts)
// BENCH_INTERVALS sets the profile size (default 5,000,000).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildMergedCallTree, functionStats } from '../shared-importer/src/model/call-tree.ts';
import { renderSummaryText } from '../shared-importer/src/summary/render-summary-text.ts';
import { summarizeProfile } from '../shared-importer/src/summary/summarize-profile.ts';
import { syntheticProfile } from '../shared-importer/src/summary/synthetic-profile.ts';
import { countTokens, loadTokenizer } from '../shared-importer/src/summary/token-count.ts';
import type { TraceSummary } from '../shared-importer/src/summary/summary-types.ts';
import type { Profile } from '../shared-importer/src/model/profile.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const OUT_DIR = join(ROOT, 'bench-output');
const INTERVALS = Number(process.env.BENCH_INTERVALS ?? 5_000_000);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const BUDGETS = [250, 500, 1000, 2000, 4000, 6000, 8000, 16000];

/** Best (minimum) wall time of `repeats` runs: the machine is shared, the minimum is the least disturbed. */
function best(repeats: number, run: () => unknown): number {
  let min = Infinity;
  for (let i = 0; i < repeats; i++) {
    (globalThis as { gc?: () => void }).gc?.();
    const started = performance.now();
    run();
    min = Math.min(min, performance.now() - started);
  }
  return min;
}

const SHAPES = [
  { shape: 'repeating task shapes', taskShapes: 300 },
  { shape: 'unique call paths (worst case)', taskShapes: 0 },
];

async function main(): Promise<void> {
  const cases = [];
  let summary: TraceSummary | undefined;
  for (const { shape, taskShapes } of SHAPES) {
    const started = performance.now();
    let profile: Profile | undefined = syntheticProfile({ intervals: INTERVALS, threads: 4, functions: 5000, taskShapes });
    const buildMs = performance.now() - started;
    const intervals = profile.threads.reduce((n, t) => n + t.count, 0);
    const p = profile;
    let treeNodes = 0;
    const baselineMs = best(REPEATS, () => {
      treeNodes = 0;
      for (const t of p.threads) {
        functionStats(t, p.frames.length);
        treeNodes += buildMergedCallTree(t).count;
      }
    });
    const summarizeMs = best(REPEATS, () => summarizeProfile(p));
    summary ??= summarizeProfile(p);
    profile = undefined;
    cases.push({
      shape,
      intervals,
      treeNodes,
      threads: p.threads.length,
      functions: p.frames.length,
      buildProfileMs: round(buildMs),
      summarizeMs: round(summarizeMs),
      baselineStatsAndTreeMs: round(baselineMs),
      ratioToBaseline: round(summarizeMs / baselineMs),
      nsPerInterval: round((summarizeMs * 1e6) / intervals),
    });
  }
  console.table(
    cases.map((c) => ({
      shape: c.shape,
      intervals: c.intervals,
      'tree nodes': c.treeNodes,
      'summarize ms': c.summarizeMs,
      'baseline ms': c.baselineStatsAndTreeMs,
      'summary/baseline': c.ratioToBaseline,
      'ns/interval': c.nsPerInterval,
    })),
  );

  let started = performance.now();
  await loadTokenizer();
  const tokenizerLoadMs = performance.now() - started;
  const budgets = [];
  for (const budget of BUDGETS) {
    started = performance.now();
    const rendered = await renderSummaryText(summary!, { budget });
    const renderMs = performance.now() - started;
    const recounted = await countTokens(rendered.text);
    if (recounted !== rendered.tokens || rendered.tokens > budget) {
      throw new Error(`budget ${budget}: ${rendered.tokens} tokens reported, ${recounted} counted`);
    }
    budgets.push({
      budget,
      tokens: rendered.tokens,
      usedPercent: round((rendered.tokens / budget) * 100),
      detailLevel: rendered.detailLevel,
      lines: rendered.text.split('\n').length,
      renderMs: round(renderMs),
    });
  }
  console.log(`text of the "${SHAPES[0].shape}" summary per budget (tokenizer load, once per process: ${round(tokenizerLoadMs)} ms):`);
  console.table(budgets);

  mkdirSync(OUT_DIR, { recursive: true });
  const result = { cases, tokenizerLoadMs: round(tokenizerLoadMs), budgets };
  writeFileSync(join(OUT_DIR, 'summary.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(`wrote ${join(OUT_DIR, 'summary.json')}`);
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}

await main();
