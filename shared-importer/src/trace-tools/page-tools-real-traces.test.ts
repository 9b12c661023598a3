// page and network_requests on real Chrome recordings (Lighthouse's test
// traces): numbers worked out by hand from the raw events (quoted in the
// comments), others side by side with Chrome DevTools' own trace engine
// (@paulirish/trace_engine), the filters, and the cap on a long request list.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'vitest';
// @ts-expect-error: the engine ships JavaScript with hand-written types that do not resolve here.
import { analyzeTrace } from '@paulirish/trace_engine/analyze-trace.mjs';
import { importTraceFile } from '../../node/node-host.ts';
import { REAL_TRACES, SAMPLE_TRACES } from '../../node/trace-fixtures.ts';
import type { Profile } from '../model/profile.ts';
import { summarizeProfile } from '../summary/summarize-profile.ts';
import { countTokens } from '../summary/token-count.ts';
import { runTool } from './run-tool.ts';
import { TOOL_RESULT_TOKEN_CAP } from './tool-result.ts';

const LIGHTHOUSE = join(REAL_TRACES, 'lighthouse');

/** The engine's parsed trace, its console chatter silenced. */
async function engine(path: string) {
  const quiet = { warn: console.warn, error: console.error, log: console.log };
  console.warn = console.error = console.log = () => {};
  try {
    return (await analyzeTrace(path)).parsedTrace;
  } finally {
    Object.assign(console, quiet);
  }
}

/** ms from the profile's start of a raw trace timestamp (µs). */
const at = (profile: Profile, ts: number) => String(Math.round(ts - profile.startTime) / 1000);

test('page on a render-blocking page load: milestones, LCP breakdown and the requests that blocked the first paint', async () => {
  const path = join(LIGHTHOUSE, 'artifacts-render-blocking-trace.json');
  const profile = await importTraceFile(path);
  const text = await runTool(profile, 'page', {});
  // Raw events: navigationStart 418451213944, MarkDOMContent 418451230780, MarkLoad 418451230883,
  // firstContentfulPaint and the last LCP candidate 418451238581 (µs).
  assert.match(text, new RegExp(`^## \\[nav1\\] "http://localhost:50049/render-blocking.html" at ${at(profile, 418451213944)} ms`, 'm'));
  assert.match(text, /^FCP 24.637 ms \(good\) · LCP 24.637 ms \(good\) · DOMContentLoaded 16.836 ms · load 16.939 ms · CLS 0 \(good\)$/m);
  // style.css: ResourceSendRequest 418451222153 to ResourceFinish 418451229175 = 7.022 ms; script.js 418451222294 to 418451227643 = 5.349 ms.
  assert.match(
    text,
    /Render-blocking requests before the first paint \(longest first\): \[req2\] "http:\/\/localhost:50049\/style.css" 7.022 ms, \[req3\] "http:\/\/localhost:50049\/script.js" 5.349 ms\./,
  );
  // The breakdown as DevTools computes it, within 1 ms, and its parts adding up to LCP.
  const [, element, request, ...parts] =
    /^LCP "(\w+)" element "[^"]+" loaded by \[(req\d+)\]: time to first byte ([\d.]+) ms \+ resource load delay ([\d.]+) ms \+ resource load duration ([\d.]+) ms \+ element render delay ([\d.]+) ms = 24.637 ms\.$/m.exec(
      text,
    )!;
  assert.equal(element, 'image');
  assert.equal(request, 'req4');
  const insight = [...(await engine(path)).insights.values()].find((set: any) => set.navigation)!.model.LCPBreakdown;
  const reference = ['ttfb', 'loadDelay', 'loadDuration', 'renderDelay'].map((k) => insight.subparts[k].range / 1000);
  parts.forEach((ms, i) => assert.ok(Math.abs(Number(ms) - reference[i]) <= 1, `part ${i}: ${ms} vs the engine's ${reference[i]}`));
  assert.ok(Math.abs(parts.reduce((sum, ms) => sum + Number(ms), 0) - 24.637) < 0.002);
  assert.equal(insight.lcpRequest.args.data.url, 'http://localhost:50049/image.png');
  // The navigation argument gives the same block; an unknown one names the known ones.
  assert.match(await runTool(profile, 'page', { navigation: 'nav1' }), /^Navigation nav1: 5 requests, 0 layout shift windows, 0 interactions/);
  assert.equal(await runTool(profile, 'page', { navigation: 'nav2' }), 'Unknown navigation "nav2". Navigations: nav1.');
});

test('page on a jumpy page: every layout shift window with its score and largest shifts', async () => {
  const path = join(LIGHTHOUSE, 'jumpy-cls-m90.json');
  const profile = await importTraceFile(path);
  const text = await runTool(profile, 'page', {});
  // 23 LayoutShift events, none after input. By hand (1 s gap, 5 s cap): shifts 1–13 from 463044996377 µs
  // (the 14th comes 5.07 s after it), 14–16, then 17–23 after a 1.5 s gap. Sums of weighted_score_delta:
  // 2.26882, 0.62918, 1.91180.
  const windows = [...text.matchAll(/^- \[(cluster\d)\] score ([\d.]+) \((\w+)[^)]*\), (\d+) shifts ([\d.]+) ms/gm)].map((m) => m.slice(1));
  assert.deepEqual(windows, [
    ['cluster1', '2.269', 'poor', '13', at(profile, 463044996377)],
    ['cluster3', '1.912', 'poor', '7', at(profile, 463051879101)],
    ['cluster2', '0.629', 'poor', '3', at(profile, 463050067539)],
  ]);
  assert.match(text, /\[cluster1\] score 2.269 \(poor, the CLS window\)/);
  // cluster2's shifts, largest first: 0.3713 at 463050374880, 0.1642 at 463050067539, 0.0938 at 463050169683.
  assert.match(
    text,
    new RegExp(
      `\\[shift16\\] 0.371 at ${at(profile, 463050374880)} ms, \\[shift14\\] 0.164 at ${at(profile, 463050067539)} ms, \\[shift15\\] 0.094 at ${at(profile, 463050169683)} ms$`,
      'm',
    ),
  );
  // Only five shifts per window are named.
  assert.match(text, /\[cluster1\] .*, … 8 more$/m);
  const sessionMax: number = (await engine(path)).data.LayoutShifts.sessionMaxScore;
  assert.ok(Math.abs(sessionMax - 2.269) < 0.001, `the engine's CLS ${sessionMax}`);
});

test('page on a timespan recording: interactions longest first with their parts and the long task behind each', async () => {
  const path = join(LIGHTHOUSE, 'timespan-responsiveness-m103.trace.json');
  const profile = await importTraceFile(path);
  const summary = summarizeProfile(profile);
  const text = await runTool(profile, 'page', {}, { summary });
  assert.match(text, /^The page: 0 navigations, 0 requests, 0 layout shift windows, 16 interactions/);
  const rows = [...text.matchAll(/^- \[(int\d+)\] "(\w+)" at [\d.]+ ms: (\d+) ms \(\S+\) = (\d+) \+ (\d+) \+ (\d+) ms/gm)];
  assert.equal(rows.length, 16);
  const durations = rows.map((r) => Number(r[3]));
  assert.deepEqual(
    durations,
    [...durations].sort((a, b) => b - a),
    'longest first',
  );
  for (const r of rows) assert.equal(Number(r[4]) + Number(r[5]) + Number(r[6]), Number(r[3]), `${r[1]}: the three parts add up`);
  // The engine's longest interaction is INP's here (16 interactions, fewer than 50).
  const longest = (await engine(path)).data.UserInteractions.longestInteractionEvent;
  assert.equal(rows[0][1], 'int11');
  assert.equal(Number(rows[0][3]), longest.dur / 1000);
  assert.match(text, /INP 368 ms \(needs-improvement\) set by \[int11\]/);
  // Each long task named is one the summary lists on its thread, overlapping the interaction.
  const tasks = new Map(summary.threads.flatMap((t) => t.longTasks).map((task) => [task.id, task]));
  const named = [...text.matchAll(/^- \[int\d+\] "\w+" at ([\d.]+) ms: (\d+) ms.*long task behind it \[(task:[^\]]+)\]$/gm)];
  assert.ok(named.length >= 10);
  for (const [, startMs, ms, id] of named) {
    const task = tasks.get(id)!;
    assert.ok(task.startMs < Number(startMs) + Number(ms) && task.startMs + task.durMs > Number(startMs), `${id} overlaps the interaction at ${startMs}`);
  }
});

test('network_requests: every request in start order, and the query, window and render-blocking filters', async () => {
  const profile = await importTraceFile(join(LIGHTHOUSE, 'artifacts-render-blocking-trace.json'));
  const ids = (text: string) => [...text.matchAll(/^- \[(req\d+)\]/gm)].map((m) => m[1]);
  const all = await runTool(profile, 'network_requests', {});
  assert.deepEqual(ids(all), ['req1', 'req2', 'req3', 'req4', 'req5']);
  // style.css: sent 418451222153, finished 418451229175, 389,629 bytes encoded (ResourceFinish).
  assert.match(
    all,
    new RegExp(
      `^- \\[req2\\] GET "http://localhost:50049/style.css": at ${at(profile, 418451222153)} ms, 7.022 ms, .*status 200, "text/css", priority VeryHigh, blocking, blocked the first paint of \\[nav1\\], 380.5 KiB transferred`,
      'm',
    ),
  );
  assert.match(
    await runTool(profile, 'network_requests', { query: 'PNG' }),
    /^1 of 5 requests matching "PNG", .*\n- \[req4\] GET "http:\/\/localhost:50049\/image.png"/,
  );
  assert.match(await runTool(profile, 'network_requests', { query: 'text/css' }), /^1 of 5 requests matching "text\/css"/);
  // Blocked the first paint: style.css and script.js; 389,629 + 291 bytes.
  const blocking = await runTool(profile, 'network_requests', { renderBlockingOnly: true });
  assert.deepEqual(ids(blocking), ['req2', 'req3']);
  assert.match(blocking, /^2 of 5 requests that blocked a first paint, 380.8 KiB transferred/);
  // In flight in 10 µs after the document finished (418451222830): style.css, script.js and image.png, still loading.
  const window = { startMs: Number(at(profile, 418451222830)), endMs: Number(at(profile, 418451222840)) };
  assert.deepEqual(ids(await runTool(profile, 'network_requests', window)), ['req1', 'req2', 'req3', 'req4']);
  // favicon.ico is sent at 418451236130, after everything else finished.
  assert.deepEqual(ids(await runTool(profile, 'network_requests', { startMs: Number(at(profile, 418451236000)) })), ['req5']);
  assert.equal(await runTool(profile, 'network_requests', { query: 'woff' }), 'No requests matching "woff" (of 5 in the recording).');
});

test('a request list past the token cap is cut with the note; a trace without a page answers one line', async () => {
  const profile = await importTraceFile(join(LIGHTHOUSE, 'pid-change.json'));
  const text = await runTool(profile, 'network_requests', {});
  assert.ok((await countTokens(text)) <= TOOL_RESULT_TOKEN_CAP);
  assert.match(text, /^112 of 112 requests/);
  const listed = text.match(/^- \[req\d+\]/gm)!.length;
  assert.match(
    text.split('\n').pop()!,
    new RegExp(`^\\[result cut at ${TOOL_RESULT_TOKEN_CAP} tokens, ${112 - listed} more lines not shown: narrow the query`),
  );
  // Narrowed, it fits.
  assert.doesNotMatch(await runTool(profile, 'network_requests', { query: 'twimg.com/media' }), /result cut/);

  const cpuProfile = await importTraceFile(join(SAMPLE_TRACES, 'Chrome/65/sucrase.cpuprofile'));
  for (const answer of [await runTool(cpuProfile, 'page', {}), await runTool(cpuProfile, 'network_requests', { renderBlockingOnly: true })]) {
    assert.match(answer, /^This trace recorded no web page \(no navigations, network requests, layout shifts or interactions\)/);
    assert.doesNotMatch(answer, /\n/);
  }
});
