// Where the page track puts things, and what lies under a point: built once
// per PageInsights, then read per frame and per pointer move. The track has
// three bands from the top: the navigations' milestones, the layout shifts
// and interactions, then the network waterfall, whose requests are packed
// into rows (a request takes the first row free at its start) so hundreds of
// requests need tens of rows, not hundreds. In each row requests neither
// overlap nor go back in time, so a binary search finds the first one in
// view, as in the flame chart.
import type { MetricRating, PageInsights } from '../../shared-importer/src/page/page-types.ts';
import { requestEnd } from './page-items.ts';

/** Band heights in CSS pixels. */
export const MILESTONE_BAND_PX = 18;
export const EVENT_BAND_PX = 16;
export const REQUEST_ROW_PX = 10;
/** How far (CSS px) from a mark the pointer still hits it. */
export const HIT_SLOP_PX = 4;

export type MilestoneName = 'Nav' | 'FCP' | 'LCP' | 'DCL' | 'Load';

export interface TrackMilestone {
  name: MilestoneName;
  navigationId: string;
  at: number;
  /** Since the navigation's start; absent for the start itself. */
  ms?: number;
  rating?: MetricRating;
}

export interface PageTrackLayout {
  page: PageInsights;
  /** Per row, indices into page.requests in start order. */
  rows: Int32Array[];
  rowOfRequest: Int32Array;
  /** Every milestone of every navigation, in time order. */
  milestones: TrackMilestone[];
  /** Height of all bands with every row, in CSS px. */
  contentHeight: number;
}

/** What the x axis shows: the chart's zoom window over a canvas this wide (CSS px). */
export interface TrackView {
  x0: number;
  x1: number;
  width: number;
  /** Vertical scroll of the waterfall, CSS px from its first row. */
  scrollY: number;
}

export type TrackHit =
  | { band: 'milestone'; milestone: TrackMilestone }
  | { band: 'event'; kind: 'shift' | 'interaction'; index: number; id: string }
  | { band: 'request'; index: number; id: string };

export function buildPageTrackLayout(page: PageInsights): PageTrackLayout {
  const { rows, rowOfRequest } = packRequests(page);
  return {
    page,
    rows,
    rowOfRequest,
    milestones: collectMilestones(page),
    contentHeight: MILESTONE_BAND_PX + EVENT_BAND_PX + rows.length * REQUEST_ROW_PX,
  };
}

/** Each request goes to the first row whose last request ended by its start. */
function packRequests(page: PageInsights): { rows: Int32Array[]; rowOfRequest: Int32Array } {
  const requests = page.requests;
  const order = requests.map((_, i) => i).sort((a, b) => requests[a].start - requests[b].start || a - b);
  const rowOfRequest = new Int32Array(requests.length);
  const rowEnds: number[] = [];
  const members: number[][] = [];
  for (const i of order) {
    const r = requests[i];
    let row = 0;
    while (row < rowEnds.length && rowEnds[row] > r.start) row++;
    if (row === rowEnds.length) {
      rowEnds.push(-Infinity);
      members.push([]);
    }
    rowEnds[row] = requestEnd(r);
    members[row].push(i);
    rowOfRequest[i] = row;
  }
  return { rows: members.map((m) => Int32Array.from(m)), rowOfRequest };
}

function collectMilestones(page: PageInsights): TrackMilestone[] {
  const out: TrackMilestone[] = [];
  for (const nav of page.navigations) {
    out.push({ name: 'Nav', navigationId: nav.id, at: nav.start });
    const named: [MilestoneName, typeof nav.fcp][] = [
      ['FCP', nav.fcp],
      ['LCP', nav.lcp],
      ['DCL', nav.dcl],
      ['Load', nav.load],
    ];
    for (const [name, m] of named) if (m) out.push({ name, navigationId: nav.id, at: m.at, ms: m.ms, rating: m.rating });
  }
  return out.sort((a, b) => a.at - b.at);
}

/** Top of a waterfall row in canvas CSS px (it can be above or below the canvas). */
export function requestRowTop(row: number, scrollY: number): number {
  return MILESTONE_BAND_PX + EVENT_BAND_PX + row * REQUEST_ROW_PX - scrollY;
}

/** The furthest the waterfall scrolls in a canvas this tall. */
export function maxTrackScroll(layout: PageTrackLayout, height: number): number {
  return Math.max(0, layout.contentHeight - height);
}

/** The scroll that brings a row into a canvas this tall, moving as little as possible. */
export function scrollToShowRow(layout: PageTrackLayout, row: number, scrollY: number, height: number): number {
  const visible = height - MILESTONE_BAND_PX - EVENT_BAND_PX;
  const top = row * REQUEST_ROW_PX;
  let next = scrollY;
  if (top < scrollY) next = top;
  else if (top + REQUEST_ROW_PX > scrollY + visible) next = top + REQUEST_ROW_PX - visible;
  return Math.max(0, Math.min(next, maxTrackScroll(layout, height)));
}

/** First index in `row` whose request ends after x (ends ascend along a row). */
export function firstRequestEndingAfter(layout: PageTrackLayout, row: number, x: number): number {
  const members = layout.rows[row];
  const requests = layout.page.requests;
  let lo = 0;
  let hi = members.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (requestEnd(requests[members[mid]]) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** What is drawn at (px, py) in canvas CSS px, or null. */
export function hitTest(layout: PageTrackLayout, view: TrackView, px: number, py: number): TrackHit | null {
  if (px < 0 || px > view.width || py < 0 || !(view.x1 > view.x0)) return null;
  const perPx = (view.x1 - view.x0) / view.width;
  const x = view.x0 + px * perPx;
  const slop = HIT_SLOP_PX * perPx;
  if (py < MILESTONE_BAND_PX) {
    const milestone = nearest(layout.milestones, (m) => m.at, x, slop);
    return milestone ? { band: 'milestone', milestone } : null;
  }
  if (py < MILESTONE_BAND_PX + EVENT_BAND_PX) return hitEvent(layout.page, x, slop, py < MILESTONE_BAND_PX + EVENT_BAND_PX / 2);
  const row = Math.floor((py - requestRowTop(0, view.scrollY)) / REQUEST_ROW_PX);
  if (row < 0 || row >= layout.rows.length) return null;
  return hitRequest(layout, row, x, slop);
}

/** Shifts are marks in the band's upper half, interactions bars in its lower half. */
function hitEvent(page: PageInsights, x: number, slop: number, upper: boolean): TrackHit | null {
  if (upper) {
    const shift = nearest(page.layoutShifts, (s) => s.at, x, slop);
    return shift ? { band: 'event', kind: 'shift', index: page.layoutShifts.indexOf(shift), id: shift.id } : null;
  }
  let best = -1;
  let bestDistance = slop;
  page.interactions.forEach((it, i) => {
    const distance = x < it.start ? it.start - x : x > it.end ? x - it.end : 0;
    if (distance <= bestDistance) {
      best = i;
      bestDistance = distance;
    }
  });
  return best >= 0 ? { band: 'event', kind: 'interaction', index: best, id: page.interactions[best].id } : null;
}

function hitRequest(layout: PageTrackLayout, row: number, x: number, slop: number): TrackHit | null {
  const members = layout.rows[row];
  const requests = layout.page.requests;
  let best = -1;
  let bestDistance = slop;
  for (let k = firstRequestEndingAfter(layout, row, x - slop); k < members.length; k++) {
    const r = requests[members[k]];
    if (r.start > x + slop) break;
    const end = requestEnd(r);
    const distance = x < r.start ? r.start - x : x > end ? x - end : 0;
    if (distance <= bestDistance) {
      best = members[k];
      bestDistance = distance;
    }
  }
  return best >= 0 ? { band: 'request', index: best, id: requests[best].id } : null;
}

/** The item whose time is closest to x, within slop; items are in time order. */
function nearest<T>(items: readonly T[], timeOf: (item: T) => number, x: number, slop: number): T | null {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (timeOf(items[mid]) < x) lo = mid + 1;
    else hi = mid;
  }
  let best: T | null = null;
  let bestDistance = slop;
  for (const k of [lo - 1, lo]) {
    if (k < 0 || k >= items.length) continue;
    const distance = Math.abs(timeOf(items[k]) - x);
    if (distance <= bestDistance) {
      best = items[k];
      bestDistance = distance;
    }
  }
  return best;
}
