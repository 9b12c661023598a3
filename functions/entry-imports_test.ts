// What each function loads when it starts, read from Deno's own module graph
// (`deno info --json`): only the modules reached through static imports load
// with the entry. The tokenizer's tables and the trace importer cost most of a
// cold start's CPU and memory, so they must be reached only through the
// dynamic imports of the turns that use them.
import { assert, assertEquals } from './_test/assert.ts';

const functionsDir = new URL('./', import.meta.url);

interface ModuleGraph {
  roots: string[];
  redirects?: Record<string, string>;
  modules: Array<{ specifier: string; dependencies?: Array<{ code?: { specifier: string }; isDynamic?: boolean }> }>;
}

/** Every module the entry loads before its first line runs, as paths (npm packages by their folder in node_modules). */
async function staticImports(entry: string): Promise<string[]> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ['info', '--json', '--config', new URL('deno.json', functionsDir).pathname, new URL(entry, functionsDir).pathname],
    stdout: 'piped',
    stderr: 'piped',
  }).output();
  assert(output.success, new TextDecoder().decode(output.stderr));
  const graph = JSON.parse(new TextDecoder().decode(output.stdout)) as ModuleGraph;
  const bySpecifier = new Map(graph.modules.map((m) => [m.specifier, m]));
  const seen = new Set<string>();
  const pending = [...graph.roots];
  while (pending.length > 0) {
    const specifier = graph.redirects?.[pending.at(-1)!] ?? pending.at(-1)!;
    pending.pop();
    if (seen.has(specifier)) continue;
    seen.add(specifier);
    for (const dependency of bySpecifier.get(specifier)?.dependencies ?? []) {
      if (dependency.code && !dependency.isDynamic) pending.push(dependency.code.specifier);
    }
  }
  return [...seen].map((specifier) => decodeURIComponent(new URL(specifier).pathname));
}

const TOKENIZERS = /\/node_modules\/(js-tiktoken|gpt-tokenizer|tiktoken)\//;
/**
 * shared-importer's code; its format catalog, the page summary's limits and the summary's defaults
 * are data only (what the summary schema checks `format` and the page block's lists against, and
 * the long-task threshold a tool's label names).
 */
const IMPORTER = /\/shared-importer\/(?!src\/formats\/catalog\.ts$|src\/summary\/page-summary-limits\.ts$|src\/summary\/summary-defaults\.ts$)/;

Deno.test('process-ai-turn starts without the tokenizer or the trace importer', async () => {
  const modules = await staticImports('process-ai-turn/index.ts');
  assert(
    modules.some((m) => m.endsWith('/functions/process-ai-turn/ai-turn.ts')),
    'the graph was read',
  );
  assertEquals(
    modules.filter((m) => TOKENIZERS.test(m) || IMPORTER.test(m)),
    [],
  );
});

Deno.test('the chat socket starts without the tokenizer, the trace importer or the model client', async () => {
  const modules = await staticImports('trace-analysis-socket/index.ts');
  assert(
    modules.some((m) => m.endsWith('/functions/trace-analysis-socket/socket-handler.ts')),
    'the graph was read',
  );
  assertEquals(
    modules.filter((m) => TOKENIZERS.test(m) || IMPORTER.test(m) || /\/node_modules\/openai\//.test(m)),
    [],
  );
});
