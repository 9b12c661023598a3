// Page insights from small hand-written Chrome traces, through the real
// importer: the cases the Lighthouse traces do not exercise (data: URLs,
// redirects, requests that finish after the first paint, invalidated LCP,
// INP past 50 interactions, several navigations). Expected values are worked
// out by hand from the events below (times in µs, navigation at 1 000 000).
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { importInChunks, randomChunkSizes } from '../../node/trace-fixtures.ts';
import type { PageInsights } from './page-types.ts';

const FRAME = 'F1';
const NAV = 1_000_000;
type Event = Record<string, unknown>;

const navigationStart = (ts: number, id: string, url: string): Event => ({
  name: 'navigationStart',
  ph: 'R',
  ts,
  pid: 1,
  tid: 1,
  cat: 'blink.user_timing',
  args: { frame: FRAME, data: { documentLoaderURL: url, isLoadingMainFrame: true, navigationId: id } },
});
const paint = (name: string, ts: number, navigationId: string, data: Event = {}): Event => ({
  name,
  ph: 'R',
  ts,
  pid: 1,
  tid: 1,
  cat: 'loading',
  args: { frame: FRAME, data: { navigationId, ...data } },
});
const resource = (name: string, ts: number, data: Event): Event => ({ name, ph: 'I', ts, pid: 1, tid: 1, cat: 'devtools.timeline', args: { data } });
const send = (ts: number, requestId: string, url: string, extra: Event = {}): Event =>
  resource('ResourceSendRequest', ts, { requestId, url, frame: FRAME, requestMethod: 'GET', priority: 'High', ...extra });
const finish = (ts: number, requestId: string): Event =>
  resource('ResourceFinish', ts, { requestId, finishTime: ts / 1e6, encodedDataLength: 100, decodedBodyLength: 300 });
const eventTiming = (ts: number, end: number, id: string, interactionId: number): Event[] => [
  {
    name: 'EventTiming',
    ph: 'b',
    ts,
    id,
    pid: 1,
    tid: 1,
    cat: 'devtools.timeline',
    args: { data: { type: 'click', interactionId, duration: (end - ts) / 1000, timeStamp: 100, processingStart: 101, processingEnd: 102, frame: FRAME } },
  },
  { name: 'EventTiming', ph: 'e', ts: end, id, pid: 1, tid: 1, cat: 'devtools.timeline', args: {} },
];

async function pageOf(events: Event[], chunkSizes: number[] = []): Promise<PageInsights | undefined> {
  const bytes = new TextEncoder().encode(JSON.stringify({ traceEvents: events }));
  return (await importInChunks('page.json', bytes, chunkSizes)).page;
}

/** One navigation: a document, a stylesheet that blocks rendering, a script that finishes after the first paint, data: URLs. */
const PAGE_LOAD: Event[] = [
  navigationStart(NAV, 'N1', 'https://example.com/'),
  send(NAV + 1_000, 'N1', 'https://example.com/', { resourceType: 'Document', renderBlocking: 'non_blocking' }),
  send(NAV + 2_000, 'N1', 'https://www.example.com/', { resourceType: 'Document' }), // redirect
  resource('ResourceReceiveResponse', NAV + 50_000, {
    requestId: 'N1',
    statusCode: 200,
    mimeType: 'text/html',
    protocol: 'h2',
    timing: { requestTime: (NAV + 2_000) / 1e6, receiveHeadersStart: 40, receiveHeadersEnd: 45 },
  }),
  finish(NAV + 60_000, 'N1'),
  send(NAV + 70_000, 'css', 'https://example.com/a.css', { renderBlocking: 'blocking', resourceType: 'Stylesheet' }),
  finish(NAV + 90_000, 'css'),
  send(NAV + 71_000, 'late', 'https://example.com/late.js', { renderBlocking: 'blocking', resourceType: 'Script' }),
  finish(NAV + 300_000, 'late'),
  send(NAV + 72_000, 'body', 'https://example.com/b.js', { renderBlocking: 'in_body_parser_blocking', priority: 'Medium', resourceType: 'Script' }),
  finish(NAV + 80_000, 'body'),
  send(NAV + 73_000, 'inline', 'data:image/png;base64,AAAA'),
  send(NAV + 75_000, 'to-data', 'https://example.com/r'),
  send(NAV + 76_000, 'to-data', 'data:text/plain,x'), // redirected to a data: URL: not a network request either
  resource('ResourceChangePriority', NAV + 74_000, { requestId: 'css', priority: 'VeryHigh' }),
  resource('ResourceMarkAsCached', NAV + 72_500, { requestId: 'body' }),
  paint('firstPaint', NAV + 200_000, 'N1'),
  paint('firstContentfulPaint', NAV + 200_000, 'N1'),
  paint('largestContentfulPaint::Candidate', NAV + 200_000, 'N1', { candidateIndex: 1, type: 'text', nodeId: 5 }),
  paint('largestContentfulPaint::Candidate', NAV + 400_000, 'N1', { candidateIndex: 2, type: 'text', nodeId: 6 }),
  paint('largestContentfulPaint::Invalidate', NAV + 450_000, 'N1', { candidateIndex: 2 }),
  { name: 'MarkDOMContent', ph: 'I', ts: NAV + 150_000, pid: 1, tid: 1, cat: 'devtools.timeline', args: { data: { frame: FRAME } } },
  { name: 'MarkLoad', ph: 'I', ts: NAV + 500_000, pid: 1, tid: 1, cat: 'devtools.timeline', args: { data: { frame: FRAME } } },
  { name: 'RunTask', ph: 'X', ts: NAV, dur: 600_000, pid: 1, tid: 1, cat: 'toplevel' },
];

describe('page insights from hand-written Chrome traces', () => {
  it('groups redirects, leaves data: URLs out, keeps the last priority and the response', async () => {
    const page = (await pageOf(PAGE_LOAD))!;
    assert.deepEqual(
      page.requests.map((r) => r.url),
      ['https://www.example.com/', 'https://example.com/a.css', 'https://example.com/late.js', 'https://example.com/b.js'],
    );
    const [doc, css] = page.requests;
    assert.equal(doc.start, NAV + 1_000);
    assert.equal(doc.status, 200);
    assert.equal(doc.responseStart, NAV + 2_000 + 40_000); // requestTime + receiveHeadersStart
    assert.equal(doc.end, NAV + 60_000);
    assert.equal(doc.navigationId, 'nav1');
    assert.equal(css.priority, 'VeryHigh');
    assert.equal(css.encodedBytes, 100);
    assert.equal(css.decodedBytes, 300);
    assert.equal(css.fromCache, undefined, 'no response: not known');
    assert.equal(page.requests[3].fromCache, true, 'served from the memory cache');
    assert.equal(page.navigations[0].url, 'https://www.example.com/', 'the document URL after its redirect');
  });

  it('render-blocking: blocking requests done by the first paint; not later ones, nor Medium in-body scripts', async () => {
    const page = (await pageOf(PAGE_LOAD))!;
    const urls = page.navigations[0].renderBlockingRequestIds.map((id) => page.requests.find((r) => r.id === id)!.url);
    assert.deepEqual(urls, ['https://example.com/a.css']);
  });

  it('milestones relative to the navigation; an invalidated LCP candidate is dropped', async () => {
    const nav = (await pageOf(PAGE_LOAD))!.navigations[0];
    assert.equal(nav.fcp?.ms, 200);
    assert.equal(nav.fcp?.rating, 'good');
    assert.equal(nav.dcl?.ms, 150);
    assert.equal(nav.load?.ms, 500);
    assert.equal(nav.lcp, undefined);
  });

  it('LCP breakdown of a text LCP: first byte, then render delay', async () => {
    const events = PAGE_LOAD.filter((e) => e.name !== 'largestContentfulPaint::Invalidate');
    const lcp = (await pageOf(events))!.navigations[0].lcp!;
    assert.equal(lcp.ms, 400);
    assert.equal(lcp.element, 'text');
    // First byte at NAV + 42 ms; the LCP paint at NAV + 400 ms.
    assert.deepEqual(lcp.breakdown, { ttfbMs: 42, loadDelayMs: 0, loadDurationMs: 0, renderDelayMs: 358 });
  });

  it('is the same whatever the chunk boundaries', async () => {
    assert.deepEqual(await pageOf(PAGE_LOAD, randomChunkSizes(200, 97, 7)), await pageOf(PAGE_LOAD));
  });

  it('each navigation gets its own milestones', async () => {
    const second = 3_000_000;
    const page = (await pageOf([
      ...PAGE_LOAD,
      navigationStart(second, 'N2', 'https://example.com/next'),
      paint('firstContentfulPaint', second + 80_000, 'N2'),
      { name: 'MarkDOMContent', ph: 'I', ts: second + 60_000, pid: 1, tid: 1, cat: 'devtools.timeline', args: { data: { frame: FRAME } } },
    ]))!;
    assert.deepEqual(
      page.navigations.map((n) => [n.id, n.url, n.fcp?.ms, n.dcl?.ms]),
      [
        ['nav1', 'https://www.example.com/', 200, 150],
        ['nav2', 'https://example.com/next', 80, 60],
      ],
    );
    assert.equal(page.navigations[0].end, second);
  });

  it('INP past 50 interactions is the 98th percentile: the second longest of 60', async () => {
    const events: Event[] = [navigationStart(NAV, 'N1', 'https://example.com/')];
    // Interaction k lasts 10 + k ms, each well apart from the next.
    for (let k = 1; k <= 60; k++) events.push(...eventTiming(NAV + k * 1_000_000, NAV + k * 1_000_000 + (10 + k) * 1000, `0x${k}`, k));
    const page = (await pageOf(events))!;
    assert.equal(page.interactions.length, 60);
    assert.equal(page.inp?.durationMs, 69);
    assert.equal(page.inp?.rating, 'good');
  });

  it('layout shifts after recent input are in no session window; windows close after a 1 s gap', async () => {
    const shift = (ts: number, score: number, recent = false): Event => ({
      name: 'LayoutShift',
      ph: 'I',
      ts,
      pid: 1,
      tid: 1,
      cat: 'loading',
      args: { frame: FRAME, data: { weighted_score_delta: score, had_recent_input: recent } },
    });
    const page = (await pageOf([
      navigationStart(NAV, 'N1', 'https://example.com/'),
      shift(NAV + 100_000, 0.05),
      shift(NAV + 200_000, 0.5, true),
      shift(NAV + 900_000, 0.07),
      shift(NAV + 2_000_000, 0.1),
    ]))!;
    assert.deepEqual(
      page.layoutShifts.map((s) => s.clusterId),
      ['cluster1', '', 'cluster1', 'cluster2'],
    );
    assert.ok(Math.abs(page.navigations[0].cls!.score - 0.12) < 1e-9);
    assert.equal(page.navigations[0].cls?.rating, 'needs-improvement');
    assert.equal(page.cls?.clusterId, 'cluster1');
  });

  it('page events written as X (complete) events count too, every one of them', async () => {
    const change = (ts: number, requestId: string): Event => ({
      name: 'ResourceChangePriority',
      ph: 'X',
      ts,
      dur: 1,
      pid: 1,
      tid: 1,
      cat: 'devtools.timeline',
      args: { data: { requestId, priority: 'Low' } },
    });
    // The second X of the same name would find its frame cached: it must still be read as a page event.
    const page = (await pageOf([...PAGE_LOAD, change(NAV + 100_000, 'late'), change(NAV + 100_001, 'body')]))!;
    assert.deepEqual(
      page.requests.filter((r) => r.priority === 'Low').map((r) => r.url),
      ['https://example.com/late.js', 'https://example.com/b.js'],
    );
  });

  it('a trace without page events has no page', async () => {
    assert.equal(await pageOf([{ name: 'RunTask', ph: 'X', ts: 1, dur: 5, pid: 1, tid: 1 }]), undefined);
  });
});
