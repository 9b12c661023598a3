// A small page load written out by hand for the page track's and Page
// section's tests: one navigation at 1 s on a µs clock, five requests (two
// render-blocking, an LCP image), two shift clusters and two interactions.
// Times are in µs; `ms(n)` is n ms after the navigation's start.
// Every number is chosen so the expected layout can be worked out on paper.
import type { PageInsights } from '../../shared-importer/src/page/page-types.ts';

export const NAV_START = 1_000_000;

/** The page with its navigation starting at `navStart` (µs). */
export function examplePage(navStart = NAV_START): PageInsights {
  const ms = (n: number) => navStart + n * 1000;
  return {
    navigations: [
      {
        id: 'nav1',
        url: 'https://shop.example/',
        frameId: 'F1',
        start: navStart,
        end: ms(10_000),
        fcp: { at: ms(800), ms: 800, rating: 'good' },
        lcp: {
          at: ms(2600),
          ms: 2600,
          rating: 'needs-improvement',
          element: 'IMG',
          url: 'https://cdn.example/hero.jpg',
          requestId: 'req4',
          breakdown: { ttfbMs: 100, loadDelayMs: 620, loadDurationMs: 1680, renderDelayMs: 200 },
        },
        dcl: { at: ms(900), ms: 900 },
        load: { at: ms(3000), ms: 3000 },
        cls: { score: 0.15, rating: 'needs-improvement', shiftIds: ['shift1', 'shift2'] },
        inp: { durationMs: 250, rating: 'needs-improvement', interactionId: 'int1' },
        renderBlockingRequestIds: ['req2', 'req3'],
      },
    ],
    requests: [
      {
        id: 'req1',
        url: 'https://shop.example/',
        method: 'GET',
        status: 200,
        mimeType: 'text/html',
        priority: 'VeryHigh',
        start: ms(0),
        responseStart: ms(100),
        end: ms(300),
        encodedBytes: 12_000,
        decodedBytes: 48_000,
        navigationId: 'nav1',
        protocol: 'h2',
        renderBlocking: 'non_blocking',
        initiator: 'other',
      },
      {
        id: 'req2',
        url: 'https://shop.example/style.css?v=3',
        method: 'GET',
        status: 200,
        mimeType: 'text/css',
        priority: 'VeryHigh',
        start: ms(310),
        responseStart: ms(400),
        end: ms(500),
        renderBlocking: 'blocking',
        initiator: 'https://shop.example/',
        navigationId: 'nav1',
      },
      {
        id: 'req3',
        url: 'https://shop.example/app.js',
        method: 'GET',
        status: 200,
        mimeType: 'application/javascript',
        priority: 'High',
        start: ms(320),
        responseStart: ms(450),
        end: ms(700),
        renderBlocking: 'in_body_parser_blocking',
        navigationId: 'nav1',
      },
      {
        id: 'req5',
        url: 'https://fonts.example/inter.woff2',
        method: 'GET',
        status: 200,
        mimeType: 'font/woff2',
        priority: 'High',
        start: ms(330),
        end: ms(360),
        navigationId: 'nav1',
      },
      {
        id: 'req4',
        url: 'https://cdn.example/hero.jpg',
        method: 'GET',
        status: 200,
        mimeType: 'image/jpeg',
        priority: 'Low',
        start: ms(720),
        responseStart: ms(1000),
        end: ms(2400),
        encodedBytes: 350_000,
        navigationId: 'nav1',
      },
    ],
    layoutShifts: [
      { id: 'shift1', at: ms(1500), score: 0.1, hadRecentInput: false, clusterId: 'cluster1' },
      { id: 'shift2', at: ms(1800), score: 0.05, hadRecentInput: false, clusterId: 'cluster1' },
      { id: 'shift3', at: ms(8000), score: 0.01, hadRecentInput: false, clusterId: 'cluster2' },
    ],
    interactions: [
      { id: 'int1', type: 'pointerdown', start: ms(5000), end: ms(5250), durationMs: 250, inputDelayMs: 20, processingMs: 180, presentationDelayMs: 50 },
      { id: 'int2', type: 'keydown', start: ms(6000), end: ms(6080), durationMs: 80, inputDelayMs: 5, processingMs: 60, presentationDelayMs: 15 },
    ],
    cls: { score: 0.15, rating: 'needs-improvement', clusterId: 'cluster1' },
    inp: { durationMs: 250, rating: 'needs-improvement', interactionId: 'int1' },
    missing: [],
  };
}
