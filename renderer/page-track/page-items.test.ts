// Page items by their summary ids, their time ranges, and walking the
// requests with the keyboard, on the hand-written page load (example-page.ts).
import assert from 'node:assert/strict';
import { test } from 'vitest';
import { examplePage, NAV_START } from './example-page.ts';
import { neighbourRequestId, pageItem, pageItemRange, PAGE_ITEM_ID } from './page-items.ts';

const ms = (n: number) => NAV_START + n * 1000;

test('every summary id names its item, with the time range the chart zooms to', () => {
  const page = examplePage();
  assert.deepEqual(pageItemRange(pageItem(page, 'req3')!), { start: ms(320), end: ms(700) });
  assert.deepEqual(pageItemRange(pageItem(page, 'shift2')!), { start: ms(1800), end: ms(1800) });
  // A cluster spans its shifts; a navigation its start to its last milestone (load at 3 s).
  assert.deepEqual(pageItemRange(pageItem(page, 'cluster1')!), { start: ms(1500), end: ms(1800) });
  assert.deepEqual(pageItemRange(pageItem(page, 'nav1')!), { start: ms(0), end: ms(3000) });
  assert.deepEqual(pageItemRange(pageItem(page, 'int2')!), { start: ms(6000), end: ms(6080) });
  assert.equal(pageItem(page, 'req9'), null);
  assert.ok(['nav1', 'req12', 'shift3', 'cluster1', 'int2'].every((id) => PAGE_ITEM_ID.test(id)));
  assert.ok(!['fn12', 'request1', 'nav', 'req1x'].some((id) => PAGE_ITEM_ID.test(id)));
});

test('Shift+arrows walk the requests in start order, from the first or the last when none is selected', () => {
  const page = examplePage();
  // Start order: req1 (0 ms), req2 (310), req3 (320), req5 (330), req4 (720).
  assert.equal(neighbourRequestId(page, null, 1), 'req1');
  assert.equal(neighbourRequestId(page, 'shift1', -1), 'req4');
  assert.equal(neighbourRequestId(page, 'req3', 1), 'req5');
  assert.equal(neighbourRequestId(page, 'req5', 1), 'req4');
  assert.equal(neighbourRequestId(page, 'req2', -1), 'req1');
  assert.equal(neighbourRequestId(page, 'req4', 1), null);
});
