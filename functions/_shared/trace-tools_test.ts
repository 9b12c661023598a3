import { handBuiltProfile } from '../../shared-importer/src/trace-tools/trace-tools-fixture.ts';
import { TRACE_TOOL_IMPLEMENTATIONS, runTool } from '../../shared-importer/src/trace-tools/run-tool.ts';
import { assert, assertEquals, assertMatch } from '../_test/assert.ts';
import { describeToolCall, TRACE_TOOL_SCHEMAS, TRACE_TOOLS_OPENAI, runTraceTool } from './trace-tools.ts';

const profile = handBuiltProfile();

Deno.test("the OpenAI tools JSON offers every implemented tool with the zod schema's keys and required list", () => {
  assertEquals(TRACE_TOOLS_OPENAI.map((t) => t.function.name).sort(), Object.keys(TRACE_TOOL_IMPLEMENTATIONS).sort());
  for (const tool of TRACE_TOOLS_OPENAI) {
    const { name, description, parameters } = tool.function;
    const shape = TRACE_TOOL_SCHEMAS[name].shape as Record<string, { safeParse(v: unknown): { success: boolean } }>;
    assertEquals(tool.type, 'function');
    assert(description.length > 20, `${name}: described`);
    assertEquals(parameters.type, 'object');
    assertEquals(parameters.additionalProperties, false, `${name}: strict like its zod schema`);
    assert(!('$schema' in parameters), `${name}: no $schema key`);
    assertEquals(Object.keys(parameters.properties as object).sort(), Object.keys(shape).sort(), `${name}: properties`);
    const required = Object.keys(shape).filter((key) => !shape[key].safeParse(undefined).success);
    assertEquals([...((parameters.required as string[] | undefined) ?? [])].sort(), required.sort(), `${name}: required`);
    for (const [key, property] of Object.entries(parameters.properties as Record<string, { description?: string; type?: string }>)) {
      assert(property.description, `${name}.${key}: described for the model`);
    }
  }
  // Plain JSON: it goes into a request body unchanged.
  assertEquals(JSON.parse(JSON.stringify(TRACE_TOOLS_OPENAI)), TRACE_TOOLS_OPENAI);
});

Deno.test('runTraceTool runs a call with the JSON arguments the model sends', async () => {
  const viaJson = await runTraceTool(profile, undefined, { name: 'long_tasks', arguments: '{"threadId":"p1:t1","minMs":10}' });
  assertEquals(viaJson, await runTool(profile, 'long_tasks', { threadId: 'p1:t1', minMs: 10 }));
  assertMatch(viaJson, /^2 tasks of 10 ms or more on thread p1:t1/);
  const pair = await runTraceTool(profile, undefined, { name: 'compare_windows', arguments: { threadId: 'p1:t1', a: [0, 150], b: [150, 300] } });
  assertMatch(pair, /window A 0–150 ms vs window B 150–300 ms/);
  assertMatch(await runTraceTool(profile, undefined, { name: 'markers', arguments: '' }), /^2 markers/);
  // The hand-built profile recorded no page: the page tools say so in one line.
  assertMatch(
    await runTraceTool(profile, undefined, { name: 'network_requests', arguments: '{"renderBlockingOnly":true}' }),
    /^This trace recorded no web page[^\n]*$/,
  );
});

Deno.test('bad calls answer one line saying what is wrong', async () => {
  const answers = [
    await runTraceTool(profile, undefined, { name: 'rm_rf', arguments: '{}' }),
    await runTraceTool(profile, undefined, { name: 'call_tree', arguments: '{"threadId": "p1:t1",' }),
    await runTraceTool(profile, undefined, { name: 'call_tree', arguments: { threadId: 'p1:t1', maxDepth: 'deep' } }),
    await runTraceTool(profile, undefined, { name: 'markers', arguments: { userId: 'someone' } }),
    await runTraceTool(profile, undefined, { name: 'compare_windows', arguments: { threadId: 'p1:t1', a: [0, 1, 2], b: [3, 4] } }),
    await runTraceTool(profile, undefined, { name: 'callers_and_callees', arguments: { functionId: 'parse' } }),
    await runTraceTool(profile, undefined, { name: 'thread_summary', arguments: { threadId: 'p9:t9' } }),
    await runTraceTool(profile, undefined, { name: 'page', arguments: { navigation: 'first' } }),
  ];
  assertMatch(answers[0], /^Unknown tool "rm_rf"\. Tools: thread_summary, call_tree, /);
  assertEquals(answers[1], 'The arguments of call_tree are not valid JSON.');
  assertMatch(answers[2], /^Invalid arguments for call_tree: maxDepth: /);
  assertMatch(answers[3], /^Invalid arguments for markers: arguments: Unrecognized key/);
  assertMatch(answers[4], /^Invalid arguments for compare_windows: a: /);
  assertMatch(answers[5], /^Invalid arguments for callers_and_callees: functionId: /);
  assertMatch(answers[6], /^Unknown thread "p9:t9"/);
  assertMatch(answers[7], /^Invalid arguments for page: navigation: /);
  for (const answer of answers) assert(!answer.includes('\n'), answer);
});

Deno.test('describeToolCall says what a call does in words, and names a call it cannot parse', () => {
  const cases: [string, unknown, string][] = [
    ['call_tree', { threadId: 'p1:t1', root: 'task:p1:t1:42' }, 'Looking at the call tree of task p1:t1:42'],
    ['call_tree', { threadId: 'p1:t1', startMs: 3200, endMs: 3450 }, 'Looking at the call tree of thread p1:t1 from 3.2 s to 3.45 s'],
    ['call_tree', { threadId: 'p1:t1', root: 'fn12' }, 'Looking at the call tree of function fn12'],
    ['find_functions', { query: 'parse' }, 'Searching functions for "parse"'],
    ['callers_and_callees', { functionId: 'fn3', threadId: 'p1:t2' }, 'Looking at who calls fn3 and what it calls on thread p1:t2'],
    ['long_tasks', { threadId: 'p1:t1', minMs: 100, startMs: 500 }, 'Listing tasks of 100 ms or more on thread p1:t1 from 500 ms'],
    ['compare_windows', { threadId: 'p1:t1', a: [0, 1500], b: [1500, 3000] }, 'Comparing thread p1:t1 between 0 ms–1.5 s and 1.5 s–3 s'],
    ['markers', { query: 'load' }, 'Looking at markers matching "load"'],
    ['thread_summary', { threadId: 'p1:t1', endMs: 12_500 }, 'Summarising thread p1:t1 up to 12.5 s'],
    ['page', { navigation: 'nav2' }, "Reading the page's load metrics of nav2"],
    ['network_requests', { renderBlockingOnly: true, query: '.css' }, 'Listing render-blocking network requests matching ".css"'],
    ['call_tree', { threadId: 'p1:t1', maxDepth: 'deep' }, 'Calling call_tree (its arguments are not valid)'],
    ['rm_rf', {}, 'Calling rm_rf (its arguments are not valid)'],
  ];
  for (const [name, args, label] of cases) assertEquals(describeToolCall(name, JSON.stringify(args)), label);
  assertEquals(describeToolCall('find_functions', JSON.stringify({ query: 'x'.repeat(150) })).length < 100, true);
});
