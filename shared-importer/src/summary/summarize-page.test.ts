// The summary's page block on Lighthouse's real recordings: it repeats the
// page insights faithfully (ids that resolve, metrics in ms), the text puts
// it before the threads so a small budget keeps what delayed LCP and which
// requests blocked rendering, and the slowest interaction names the long task
// that overlaps it.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'vitest';
import { importTraceFile } from '../../node/node-host.ts';
import { REAL_TRACES } from '../../node/trace-fixtures.ts';
import type { Profile } from '../model/profile.ts';
import { renderSummaryText } from './render-summary-text.ts';
import { summarizeProfile } from './summarize-profile.ts';

const lighthouse = (file: string) => importTraceFile(join(REAL_TRACES, 'lighthouse', file));

test('the page block repeats the page insights, with ids that resolve', async () => {
  for (const file of ['user-flow-step3-trace.json', 'artifacts-render-blocking-trace.json', 'jumpy-cls-m90.json', 'lcp-m78.json']) {
    const profile = await lighthouse(file);
    const page = profile.page!;
    const summary = summarizeProfile(profile).page!;
    const requestIds = new Set(page.requests.map((r) => r.id));
    assert.equal(summary.network.requests, page.requests.length, file);
    summary.navigations.forEach((nav, i) => {
      const full = page.navigations[i];
      assert.equal(nav.id, full.id);
      assert.equal(nav.url, full.url);
      for (const [ms, milestone] of [
        [nav.fcpMs, full.fcp],
        [nav.lcpMs, full.lcp],
        [nav.dclMs, full.dcl],
        [nav.loadMs, full.load],
      ] as const) {
        assert.equal(ms === null, milestone === undefined, `${file} ${nav.id}: known in both or neither`);
        if (milestone) assert.ok(Math.abs(ms! - milestone.ms) < 0.001);
      }
      assert.deepEqual(
        nav.renderBlocking.map((r) => r.id),
        full.renderBlockingRequestIds.slice(0, 5),
      );
      if (nav.lcp?.breakdown) {
        const b = nav.lcp.breakdown;
        assert.ok(Math.abs(b.ttfbMs + b.loadDelayMs + b.loadDurationMs + b.renderDelayMs - nav.lcpMs!) < 0.01, `${file}: the parts add up to LCP`);
      }
    });
    for (const r of summary.network.slowest) assert.ok(requestIds.has(r.id));
    const durations = summary.network.slowest.map((r) => r.durationMs);
    assert.deepEqual(
      durations,
      [...durations].sort((a, b) => b - a),
      'slowest first',
    );
    if (summary.worstShiftCluster) {
      for (const id of summary.worstShiftCluster.largestShiftIds) {
        assert.equal(page.layoutShifts.find((s) => s.id === id)?.clusterId, summary.worstShiftCluster.id);
      }
    }
  }
});

test('a small budget keeps what delayed LCP and which requests blocked rendering, before any thread', async () => {
  const profile = await lighthouse('artifacts-render-blocking-trace.json');
  const summary = summarizeProfile(profile);
  const nav = summary.page!.navigations[0];
  const blockingUrls = nav.renderBlocking.map((r) => r.url);
  assert.deepEqual(blockingUrls.sort(), ['http://localhost:50049/script.js', 'http://localhost:50049/style.css']);
  for (const budget of [6000, 700]) {
    const { text } = await renderSummaryText(summary, { budget });
    const page = text.indexOf('## Page');
    assert.ok(page > 0 && (text.indexOf('## Thread') === -1 || page < text.indexOf('## Thread')), `${budget}: page block first`);
    assert.match(text, /LCP image element "http:\/\/localhost:50049\/image\.png" loaded by \[req\d+\]: time to first byte [\d.]+ ms \+ resource load delay/);
    for (const url of blockingUrls) assert.ok(text.includes(JSON.stringify(url)), `${budget}: ${url} listed`);
  }
});

test('the slowest interaction names the long task that overlaps it', async () => {
  const profile: Profile = await lighthouse('timespan-responsiveness-m103.trace.json');
  const summary = summarizeProfile(profile);
  const slowest = summary.page!.slowestInteraction!;
  assert.equal(slowest.durationMs, 368); // DevTools' INP for this trace
  const match = /^task:(.+):(\d+)$/.exec(slowest.longTaskId ?? '');
  assert.ok(match, `a long task id: ${slowest.longTaskId}`);
  // The id's interval, read from the profile itself, overlaps the interaction.
  const thread = profile.threads.find((t) => t.id === match[1])!;
  const index = Number(match[2]);
  const interaction = profile.page!.interactions.find((i) => i.id === slowest.id)!;
  assert.ok(thread.start[index] < interaction.end && thread.end[index] > interaction.start);
  assert.ok(thread.end[index] - thread.start[index] >= 50_000, 'a long task');
  const { text } = await renderSummaryText(summary);
  assert.ok(text.includes(`long task behind it [${slowest.longTaskId}]`));
});
