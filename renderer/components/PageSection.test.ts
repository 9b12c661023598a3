// The summary panel's Page section rendered by React from a hand-written page
// load (example-page.ts): what it lists is worked out from that page's numbers.
import assert from 'node:assert/strict';
import { test } from 'vitest';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import type { Profile } from '../../shared-importer/src/model/profile.ts';
import type { PageInsights } from '../../shared-importer/src/page/page-types.ts';
import { examplePage, NAV_START } from '../page-track/example-page.ts';
import { PageSectionView } from './PageSection.tsx';

function render(page: PageInsights, selected: string | null = null): string {
  const profile = { unit: 'microseconds', startTime: NAV_START - 500_000, page } as Profile;
  return renderToStaticMarkup(createElement(PageSectionView, { profile, page, selected }));
}

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
const itemIds = (html: string, listTestId: string) => {
  const list = new RegExp(`data-testid="${listTestId}">(.*?)</ol>`).exec(html)?.[1] ?? '';
  return [...list.matchAll(/data-item-id="([^"]+)"/g)].map((m) => m[1]);
};

test('each metric shows its value and its rating in words, with the rating colour as a class', () => {
  const html = render(examplePage());
  assert.match(text(html), /FCP 800 ms good/);
  assert.match(text(html), /LCP 2\.6 s needs improvement/);
  assert.match(text(html), /DCL 900 ms/);
  assert.match(text(html), /CLS 0\.150 needs improvement/);
  assert.match(text(html), /INP 250 ms needs improvement/);
  assert.match(html, /<span class="rating rating-good">good<\/span>/);
  assert.match(text(html), /https:\/\/shop\.example\//);
});

test('the LCP breakdown and element, the LCP image, render-blocking and slowest requests are listed as buttons', () => {
  const html = render(examplePage());
  assert.match(text(html), /Time to first byte 100 ms Resource load delay 620 ms Resource load duration 1\.68 s Element render delay 200 ms Element IMG/);
  assert.deepEqual(itemIds(html, 'page-render-blocking'), ['req2', 'req3']);
  // Durations: req4 1680 ms, req3 380, req1 300, req2 190, req5 30.
  assert.deepEqual(itemIds(html, 'page-slowest-requests'), ['req4', 'req3', 'req1', 'req2', 'req5']);
  assert.match(text(html), /req2 · style\.css 190 ms/, 'a request reads as its file name, the query dropped');
  assert.match(html, /data-item-id="cluster1"[^>]*>.*?cluster1 · 2 shifts.*?0\.150/);
  assert.match(html, /data-item-id="int1"[^>]*>.*?int1 · pointerdown.*?250 ms/);
  assert.ok((html.match(/<button/g) ?? []).length >= 10);
});

test('what the trace lacks is a note; the item selected in the track is described and marked current', () => {
  const page = { ...examplePage(), missing: ['no LCP candidate: LCP is unknown'] };
  const html = render(page, 'req3');
  assert.match(html, /data-testid="page-missing"><li>no LCP candidate: LCP is unknown<\/li>/);
  const selected = /data-testid="page-selected">(.*)<\/div>/.exec(html)?.[1] ?? '';
  assert.match(text(selected), /https:\/\/shop\.example\/app\.js/);
  assert.match(text(selected), /Waiting 130 ms/);
  assert.match(text(selected), /Render-blocking yes \(blocks the parser in the body\)/);
  assert.match(html, /class="summary-item current" aria-pressed="true"[^>]*data-item-id="req3"/);
});

test('a recording without a navigation (a timespan) still lists its slowest requests, its CLS cluster and slowest interaction', () => {
  const page = { ...examplePage(), navigations: [] };
  let html = render(page);
  assert.match(text(html), /No navigation in this recording/);
  assert.deepEqual(itemIds(html, 'page-slowest-requests'), ['req4', 'req3', 'req1', 'req2', 'req5']);
  assert.match(html, /data-item-id="cluster1"[^>]*>.*?0\.150/);
  assert.match(html, /data-item-id="int1"/);
  // The cluster listed is the one the importer's CLS names, with its score (not one worked out again here).
  html = render({ ...page, cls: { score: 0.01, rating: 'good', clusterId: 'cluster2' } });
  assert.match(html, /data-item-id="cluster2"[^>]*>.*?0\.010/);
  assert.doesNotMatch(html, /data-item-id="cluster1"/);
});

test('a navigation request whose response began before the renderer logged it shows no negative wait (lcp-m78: -9.5 ms)', () => {
  const page = examplePage();
  const req1 = page.requests.find((r) => r.id === 'req1')!;
  req1.responseStart = req1.start - 9_540;
  const selected = /data-testid="page-selected">(.*)<\/div>/.exec(render(page, 'req1'))?.[1] ?? '';
  assert.match(text(selected), /Waiting response began before the request was logged/);
  assert.match(text(selected), /Download 300 ms/, 'download counted from the logged start');
  assert.doesNotMatch(text(selected), /-\d/);
});
