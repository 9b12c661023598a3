// The page track's layout and hit testing, on a page load written out by hand
// (example-page.ts), whose expected rows and hits are worked out on paper:
// 1000 px over the navigation's first 10 s make 10 ms a pixel.
import assert from 'node:assert/strict';
import { test } from 'vitest';
import type { NetworkRequest, PageInsights } from '../../shared-importer/src/page/page-types.ts';
import { examplePage, NAV_START } from './example-page.ts';
import { requestEnd } from './page-items.ts';
import { buildPageTrackLayout, EVENT_BAND_PX, hitTest, MILESTONE_BAND_PX, REQUEST_ROW_PX, scrollToShowRow, type TrackHit } from './page-track-layout.ts';

const ms = (n: number) => NAV_START + n * 1000;
const whole = { x0: NAV_START, x1: ms(10_000), width: 1000, scrollY: 0 };
const ROWS_TOP = MILESTONE_BAND_PX + EVENT_BAND_PX;
const idOf = (hit: TrackHit | null) => (hit === null ? null : hit.band === 'milestone' ? hit.milestone.name : hit.id);

test('requests pack into the first row free at their start', () => {
  const layout = buildPageTrackLayout(examplePage());
  const ids = layout.rows.map((row) => [...row].map((i) => layout.page.requests[i].id));
  // req1 0-300 ms, req2 310-500 after it; req3 320-700 and req5 330-360 overlap req2, so rows 1 and 2; req4 720 ms fits row 0 again.
  assert.deepEqual(ids, [['req1', 'req2', 'req4'], ['req3'], ['req5']]);
  assert.equal(layout.contentHeight, ROWS_TOP + 3 * REQUEST_ROW_PX);
  assert.deepEqual(
    layout.milestones.map((m) => m.name),
    ['Nav', 'FCP', 'DCL', 'LCP', 'Load'],
  );
});

test('a hundred concurrent requests take a hundred rows, a hundred in sequence one; rows never overlap and use the lowest free row', () => {
  const request = (i: number, start: number, end: number): NetworkRequest => ({ id: `req${i + 1}`, url: `https://a.example/${i}`, method: 'GET', start, end });
  const page = (requests: NetworkRequest[]): PageInsights => ({ navigations: [], requests, layoutShifts: [], interactions: [], missing: [] });
  assert.equal(buildPageTrackLayout(page(Array.from({ length: 100 }, (_, i) => request(i, i, 1000)))).rows.length, 100);
  assert.equal(buildPageTrackLayout(page(Array.from({ length: 100 }, (_, i) => request(i, i * 10, i * 10 + 10)))).rows.length, 1);

  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const starts = Array.from({ length: 2000 }, () => Math.floor(random() * 100_000)).sort((a, b) => a - b);
  const requests = starts.map((s, i) => (random() < 0.1 ? { ...request(i, s, s), end: undefined } : request(i, s, s + Math.floor(random() * 5000))));
  const layout = buildPageTrackLayout(page(requests));
  for (const row of layout.rows) {
    for (let k = 1; k < row.length; k++) assert.ok(requestEnd(requests[row[k - 1]]) <= requests[row[k]].start, 'no overlap, in start order');
  }
  requests.forEach((r, i) => {
    // Every lower row was busy at this request's start (with one that started before it).
    for (let lower = 0; lower < layout.rowOfRequest[i]; lower++) {
      assert.ok(
        [...layout.rows[lower]].some((j) => requests[j].start <= r.start && requestEnd(requests[j]) > r.start),
        `${r.id} could have gone to row ${lower}`,
      );
    }
  });
});

test('pointing at the milestone band names the milestone within 4 px, else nothing', () => {
  const layout = buildPageTrackLayout(examplePage());
  assert.equal(idOf(hitTest(layout, whole, 80, 5)), 'FCP');
  assert.equal(idOf(hitTest(layout, whole, 92, 5)), 'DCL');
  assert.equal(idOf(hitTest(layout, whole, 258, 5)), 'LCP');
  // 850 ms is 5 px from both FCP (800) and DCL (900).
  assert.equal(hitTest(layout, whole, 85, 5), null);
  assert.equal(idOf(hitTest(layout, whole, 1, 5)), 'Nav');
});

test('shifts are hit in the upper half of the event band, interactions in the lower half', () => {
  const layout = buildPageTrackLayout(examplePage());
  const upper = MILESTONE_BAND_PX + 3;
  const lower = MILESTONE_BAND_PX + EVENT_BAND_PX - 3;
  assert.equal(idOf(hitTest(layout, whole, 151, upper)), 'shift1');
  assert.equal(idOf(hitTest(layout, whole, 178, upper)), 'shift2');
  assert.equal(hitTest(layout, whole, 165, upper), null);
  assert.equal(idOf(hitTest(layout, whole, 510, lower)), 'int1');
  assert.equal(idOf(hitTest(layout, whole, 607, lower)), 'int2');
  assert.equal(hitTest(layout, whole, 510, upper), null, 'an interaction is not hit in the shifts half');
});

test('requests are hit in their row, also when the waterfall is scrolled or zoomed', () => {
  const layout = buildPageTrackLayout(examplePage());
  const row = (r: number) => ROWS_TOP + r * REQUEST_ROW_PX + 4;
  assert.equal(idOf(hitTest(layout, whole, 20, row(0))), 'req1');
  assert.equal(idOf(hitTest(layout, whole, 100, row(0))), 'req4');
  assert.equal(idOf(hitTest(layout, whole, 60, row(1))), 'req3');
  assert.equal(idOf(hitTest(layout, whole, 34, row(2))), 'req5');
  assert.equal(hitTest(layout, whole, 60, row(2)), null, 'req5 ended 24 px earlier');
  assert.equal(hitTest(layout, whole, 60, row(3)), null, 'no fourth row');
  // Scrolled by one row, row 1 is drawn where row 0 was.
  assert.equal(idOf(hitTest(layout, { ...whole, scrollY: REQUEST_ROW_PX }, 60, row(0))), 'req3');
  // Zoomed to 300-400 ms (0.1 ms a pixel): 305 ms is 50 px from req1's end and req2's start.
  const zoomed = { x0: ms(300), x1: ms(400), width: 1000, scrollY: 0 };
  assert.equal(hitTest(layout, zoomed, 50, row(0)), null);
  assert.equal(idOf(hitTest(layout, zoomed, 150, row(0))), 'req2');
});

test('selecting a request scrolls its row into view, moving as little as possible', () => {
  const layout = buildPageTrackLayout(examplePage());
  const oneRowTall = ROWS_TOP + REQUEST_ROW_PX;
  assert.equal(scrollToShowRow(layout, 2, 0, oneRowTall), 2 * REQUEST_ROW_PX);
  assert.equal(scrollToShowRow(layout, 0, 2 * REQUEST_ROW_PX, oneRowTall), 0);
  assert.equal(scrollToShowRow(layout, 1, 0, ROWS_TOP + 3 * REQUEST_ROW_PX), 0, 'already in view');
});
