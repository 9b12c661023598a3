// The page track's drawing cost follows pixels, not requests: it draws only
// the requests in the zoom window, and requests that land on a pixel already
// drawn in their row are skipped. Counted on a canvas stand-in that records
// the drawing calls.
import assert from 'node:assert/strict';
import { test } from 'vitest';
import type { NetworkRequest, PageInsights } from '../../shared-importer/src/page/page-types.ts';
import { buildPageTrackLayout } from './page-track-layout.ts';
import { PageTrackRenderer } from './page-track-renderer.ts';
import type { PageTrackTheme } from './page-track-theme.ts';
import { REQUEST_KINDS } from './request-kind.ts';

const theme: PageTrackTheme = {
  flame: {
    palette: [],
    dimPalette: [],
    text: '#000',
    dimText: '#888',
    background: '#fff',
    axisText: '#666',
    gridLine: '#eee',
    selection: '#00f',
    hover: '#000',
    marker: '#f80',
    font: '11px sans-serif',
  },
  band: '#f6f6f6',
  requestKind: Object.fromEntries(REQUEST_KINDS.map((k, i) => [k, `#00${i}`])) as PageTrackTheme['requestKind'],
  rating: { good: '#0a0', 'needs-improvement': '#a60', poor: '#c00' },
  milestone: '#666',
  shift: '#70e',
  interaction: '#07a',
  blocking: '#c00',
};

/** A 2D context that only records which rectangles were filled in which colour. */
function recordingContext() {
  const fills: { color: string; x: number; w: number }[] = [];
  const ctx: Record<string, unknown> = { fillStyle: '', strokeStyle: '', lineWidth: 1, globalAlpha: 1, font: '', textBaseline: '' };
  ctx.fillRect = (x: number, _y: number, w: number) => fills.push({ color: String(ctx.fillStyle), x, w });
  ctx.measureText = (text: string) => ({ width: text.length * 6 });
  for (const name of ['setTransform', 'save', 'restore', 'beginPath', 'rect', 'clip', 'moveTo', 'lineTo', 'closePath', 'fill', 'strokeRect', 'fillText'])
    ctx[name] = () => {};
  return { ctx: ctx as unknown as CanvasRenderingContext2D, fills };
}

/** n back-to-back requests of 1 µs, each followed by 1 µs idle: all in one row. */
function sequentialRequests(n: number): PageInsights {
  const requests: NetworkRequest[] = Array.from({ length: n }, (_, i) => ({
    id: `req${i + 1}`,
    url: `https://a.example/${i}`,
    method: 'GET',
    mimeType: 'image/png',
    start: 2 * i,
    end: 2 * i + 1,
  }));
  return { navigations: [], requests, layoutShifts: [], interactions: [], missing: [] };
}

const draw = (page: PageInsights, view: { x0: number; x1: number; width: number }) => {
  const { ctx, fills } = recordingContext();
  const stats = new PageTrackRenderer().draw(
    ctx,
    { layout: buildPageTrackLayout(page), view: { ...view, scrollY: 0 }, height: 100, dpr: 1, selectedIds: new Set(), hoveredId: null },
    theme,
  );
  return { stats, bars: fills.filter((f) => f.color === theme.requestKind.image) };
};

test('20 000 requests zoomed out draw at most one bar per pixel', () => {
  const { stats, bars } = draw(sequentialRequests(20_000), { x0: 0, x1: 40_000, width: 500 });
  assert.ok(stats.bars <= 500, `${stats.bars} bars for 500 px`);
  assert.ok(stats.bars >= 490, 'the row is covered end to end');
  assert.equal(bars.length, stats.bars);
});

test('zoomed in, only the requests in the window are drawn, each its own width', () => {
  // The window 1000-1020 µs holds requests 501-510 (starts 1000, 1002 ... 1018), 50 px each.
  const { stats, bars } = draw(sequentialRequests(20_000), { x0: 1000, x1: 1020, width: 1000 });
  assert.equal(stats.bars, 10);
  assert.deepEqual(
    bars.map((b) => b.x),
    Array.from({ length: 10 }, (_, k) => k * 100),
  );
  assert.ok(
    bars.every((b) => b.w === 49),
    'a one-pixel gap after each 50 px bar',
  );
});

test('a request is drawn light while waiting for its response and full colour while downloading; render-blocking ones are marked', () => {
  const page: PageInsights = {
    navigations: [],
    requests: [
      { id: 'req1', url: 'https://a.example/app.css', method: 'GET', mimeType: 'text/css', start: 0, responseStart: 40, end: 100, renderBlocking: 'blocking' },
    ],
    layoutShifts: [],
    interactions: [],
    missing: [],
  };
  const { ctx, fills } = recordingContext();
  const alphas: number[] = [];
  const original = ctx.fillRect.bind(ctx);
  ctx.fillRect = (x, y, w, h) => {
    alphas.push(ctx.globalAlpha);
    original(x, y, w, h);
  };
  new PageTrackRenderer().draw(
    ctx,
    { layout: buildPageTrackLayout(page), view: { x0: 0, x1: 100, width: 100, scrollY: 0 }, height: 100, dpr: 1, selectedIds: new Set(), hoveredId: null },
    theme,
  );
  const css = fills.map((f, i) => ({ ...f, alpha: alphas[i] })).filter((f) => f.color === theme.requestKind.stylesheet);
  assert.deepEqual(
    css.map((f) => [f.x, f.w, f.alpha < 1]),
    [
      [0, 40, true],
      [40, 59, false],
    ],
  );
  assert.ok(
    fills.some((f) => f.color === theme.blocking && f.x === 0 && f.w === 99),
    'render-blocking stripe over the bar',
  );
});

test('milestones on the same pixel share a label, each name in its rating colour; one too close to the previous label is left out', () => {
  const page: PageInsights = {
    navigations: [
      {
        id: 'nav1',
        url: 'https://a.example/',
        frameId: 'F',
        start: 0,
        end: 1000,
        fcp: { at: 500, ms: 0.5, rating: 'good' },
        lcp: { at: 500, ms: 0.5, rating: 'poor' },
        dcl: { at: 510, ms: 0.51 },
        load: { at: 900, ms: 0.9 },
        renderBlockingRequestIds: [],
      },
    ],
    requests: [],
    layoutShifts: [],
    interactions: [],
    missing: [],
  };
  const { ctx } = recordingContext();
  const texts: [string, number, string][] = [];
  ctx.fillText = (text: string, x: number) => texts.push([text, x, String(ctx.fillStyle)]);
  new PageTrackRenderer().draw(
    ctx,
    { layout: buildPageTrackLayout(page), view: { x0: 0, x1: 1000, width: 1000, scrollY: 0 }, height: 100, dpr: 1, selectedIds: new Set(), hoveredId: null },
    theme,
  );
  // Nav at 0; FCP and LCP both at 500 px (text 6 px a character, 3 px padding); DCL at 510 px would overlap them; Load at 900.
  assert.deepEqual(texts, [
    ['Nav', 3, theme.flame.axisText],
    ['FCP', 503, theme.rating.good],
    ['LCP', 524, theme.rating.poor],
    ['Load', 903, theme.flame.axisText],
  ]);
});
