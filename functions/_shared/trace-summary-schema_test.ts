// The schema of `traces.summary` against summaries of real recordings, made
// here by the same importer and summariser the desktop runs, and against rows
// a client could write instead.
import { importProfileFromChunks } from '../../shared-importer/src/import-profile.ts';
import { summarizeProfile } from '../../shared-importer/src/summary/summarize-profile.ts';
import type { TraceSummary } from '../../shared-importer/src/summary/summary-types.ts';
import { assert, assertEquals, assertMatch } from '../_test/assert.ts';
import { MAX_SUMMARY_JSON_BYTES, parseTraceSummary } from './trace-summary-schema.ts';

const samples = Deno.env.get('TRACE_SAMPLES_DIR') ?? new URL('../../../shared/traces/speedscope/', import.meta.url).pathname;
const REAL_TRACES = [
  'Chrome/116/Trace-20230603T221323.json',
  'Chrome/65/sucrase.cpuprofile',
  'Firefox/59/firefox.json',
  'linux-perf/forks.linux-perf.txt',
  'stackcollapse/perf-vertx-stacks-01-collapsed-all.txt',
];

async function summaryOf(file: string): Promise<TraceSummary> {
  const path = `${samples.replace(/\/?$/, '/')}${file}`;
  const handle = await Deno.open(path);
  return summarizeProfile(await importProfileFromChunks(file, handle.readable));
}

Deno.test('summaries of real recordings in five formats are valid and come back unchanged', async () => {
  for (const file of REAL_TRACES) {
    const summary = await summaryOf(file);
    // Through JSON, as the row holds it.
    const parsed = parseTraceSummary(JSON.parse(JSON.stringify(summary)));
    assert(parsed.ok, `${file}: ${parsed.ok ? '' : parsed.reason}`);
    assertEquals(parsed.summary, JSON.parse(JSON.stringify(summary)), file);
  }
});

Deno.test('the page block of a real page load is valid, and its lists are bounded', async () => {
  const path = new URL('../lighthouse/user-flow-step3-trace.json', `file://${samples.replace(/\/?$/, '/')}`).pathname;
  const handle = await Deno.open(path);
  const summary = JSON.parse(JSON.stringify(summarizeProfile(await importProfileFromChunks('user-flow-step3-trace.json', handle.readable))));
  assert(summary.page && summary.page.network.requests > 0, 'a page block');
  const parsed = parseTraceSummary(summary);
  assert(parsed.ok, parsed.ok ? '' : parsed.reason);
  assertEquals(parsed.summary, summary);
  const navigations = Array.from({ length: 6 }, () => summary.page.navigations[0]);
  assert(!parseTraceSummary({ ...summary, page: { ...summary.page, navigations } }).ok, 'six navigations');
  const longUrl = { ...summary.page.navigations[0], url: 'x'.repeat(10_000) };
  assert(!parseTraceSummary({ ...summary, page: { ...summary.page, navigations: [longUrl] } }).ok, 'a 10,000-character URL');
});

Deno.test('what a client may write instead is refused with the reason', async () => {
  const real = JSON.parse(JSON.stringify(await summaryOf(REAL_TRACES[4]))) as Record<string, unknown> & { threads: Array<Record<string, unknown>> };
  const refusal = (json: unknown) => {
    const parsed = parseTraceSummary(json);
    assert(!parsed.ok, 'refused');
    return parsed.reason;
  };
  assertMatch(refusal({ threads: 3 }), /format|threads/);
  assertMatch(refusal('a summary'), /object/);
  assertMatch(refusal({ ...real, threads: [{ ...real.threads[0], topFunctions: 'parse' }] }), /threads\.0\.topFunctions/);
  assertMatch(refusal({ ...real, durationValue: 'long' }), /durationValue/);
  assertMatch(refusal({ ...real, format: 'Robert"); drop table' }), /format/);
  const bloated = { ...real, warnings: ['x'.repeat(MAX_SUMMARY_JSON_BYTES)] };
  assertMatch(refusal(bloated), /bytes of JSON/);
});

/** Key paths of a JSON value, array elements merged: `threads[].topFunctions[].selfMs`. */
function keyPaths(value: unknown, prefix = '', into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((item) => keyPaths(item, `${prefix}[]`, into));
  else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      into.add(`${prefix}.${key}`);
      keyPaths(child, `${prefix}.${key}`, into);
    }
  }
  return into;
}

Deno.test('the shape shown in supabase/README.md is a valid summary and names every field a real one has', async () => {
  const readme = await Deno.readTextFile(new URL('../../supabase/README.md', import.meta.url));
  const documented = JSON.parse(/```json\n([\s\S]*?)```/.exec(readme)![1]);
  const parsed = parseTraceSummary(documented);
  assert(parsed.ok, parsed.ok ? '' : parsed.reason);
  assertEquals(parsed.summary, documented, 'no field in the example that the schema does not know');
  const missing = [...keyPaths(JSON.parse(JSON.stringify(await summaryOf(REAL_TRACES[0]))))].filter((path) => !keyPaths(documented).has(path));
  assertEquals(missing, []);
});
