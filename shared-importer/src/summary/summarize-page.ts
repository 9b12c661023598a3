// PageInsights -> PageSummary: what DevTools' AI assistance starts from
// (milestones with ratings, what delayed LCP, which requests blocked
// rendering, the slowest requests, the worst layout shift window, the slowest
// interaction and the long task behind it), compact and with ids so answers
// can point at items.
import { rate } from '../page/metric-rating.ts';
import type { NetworkRequest, PageInsights, PageNavigation } from '../page/page-types.ts';
import { requestDuration, slowestInteraction, slowestRequests } from '../page/page-rankings.ts';
import { PAGE_SUMMARY_LIMITS } from './page-summary-limits.ts';
import { clipName, round } from './summarize-profile.ts';
import type { PageNavigationSummary, PageRequestSummary, PageSummary, ThreadSummary } from './summary-types.ts';

/** `traceStart` in the profile's clock (µs); `threads` the summarised ones, whose long tasks an interaction may overlap. */
export function summarizePage(page: PageInsights, traceStart: number, threads: readonly ThreadSummary[]): PageSummary {
  const requestsById = new Map(page.requests.map((r) => [r.id, r]));
  const sinceStart = (at: number) => round((at - traceStart) / 1000, 3);
  const toRequest = (r: NetworkRequest) => requestSummary(r, sinceStart);
  const navigations = page.navigations.slice(0, PAGE_SUMMARY_LIMITS.navigations).map((nav) => navigationSummary(nav, requestsById, sinceStart));
  const renderBlocking = new Set(page.navigations.flatMap((n) => n.renderBlockingRequestIds)).size;
  let transferBytes = 0;
  for (const r of page.requests) transferBytes += r.encodedBytes ?? 0;
  const summary: PageSummary = {
    navigations,
    omittedNavigationCount: page.navigations.length - navigations.length,
    // A page load without shifts scores 0, as each navigation does; a recording without navigations or shifts has no CLS.
    cls: page.cls ? round(page.cls.score, 4) : page.navigations.length > 0 ? 0 : null,
    inpMs: page.inp ? round(page.inp.durationMs, 3) : null,
    network: {
      requests: page.requests.length,
      renderBlocking,
      transferBytes,
      slowest: slowestRequests(page.requests, PAGE_SUMMARY_LIMITS.slowestRequests).map(toRequest),
    },
    interactionCount: page.interactions.length,
    layoutShiftCount: page.layoutShifts.length,
    missing: page.missing.slice(0, PAGE_SUMMARY_LIMITS.missing).map((m) => clipName(m, PAGE_SUMMARY_LIMITS.missingChars)),
  };
  if (page.cls) summary.clsRating = page.cls.rating;
  if (page.inp) {
    summary.inpRating = page.inp.rating;
    summary.inpInteractionId = page.inp.interactionId;
  }
  const cluster = worstCluster(page, sinceStart);
  if (cluster) summary.worstShiftCluster = cluster;
  const interaction = slowestInteractionSummary(page, sinceStart, threads);
  if (interaction) summary.slowestInteraction = interaction;
  return summary;
}

function navigationSummary(nav: PageNavigation, requestsById: Map<string, NetworkRequest>, sinceStart: (at: number) => number): PageNavigationSummary {
  const ms = (m: { ms: number } | undefined) => (m ? round(m.ms, 3) : null);
  const blocking = nav.renderBlockingRequestIds.map((id) => requestsById.get(id)!);
  const out: PageNavigationSummary = {
    id: nav.id,
    url: clipName(nav.url, PAGE_SUMMARY_LIMITS.urlChars),
    startMs: sinceStart(nav.start),
    fcpMs: ms(nav.fcp),
    lcpMs: ms(nav.lcp),
    dclMs: ms(nav.dcl),
    loadMs: ms(nav.load),
    cls: nav.cls ? round(nav.cls.score, 4) : null,
    inpMs: nav.inp ? round(nav.inp.durationMs, 3) : null,
    ratings: ratingsOf(nav),
    renderBlocking: blocking.slice(0, PAGE_SUMMARY_LIMITS.renderBlocking).map((r) => requestSummary(r, sinceStart)),
    renderBlockingCount: blocking.length,
  };
  if (nav.lcp) {
    const { lcp } = nav;
    const detail: NonNullable<PageNavigationSummary['lcp']> = {};
    if (lcp.element !== undefined) detail.element = clipName(lcp.element, PAGE_SUMMARY_LIMITS.nameChars);
    if (lcp.url !== undefined) detail.url = clipName(lcp.url, PAGE_SUMMARY_LIMITS.urlChars);
    if (lcp.requestId !== undefined) detail.requestId = lcp.requestId;
    if (lcp.breakdown) {
      const b = lcp.breakdown;
      detail.breakdown = {
        ttfbMs: round(b.ttfbMs, 3),
        loadDelayMs: round(b.loadDelayMs, 3),
        loadDurationMs: round(b.loadDurationMs, 3),
        renderDelayMs: round(b.renderDelayMs, 3),
      };
    }
    out.lcp = detail;
  }
  if (nav.inp) out.inpInteractionId = nav.inp.interactionId;
  return out;
}

function ratingsOf(nav: PageNavigation): PageNavigationSummary['ratings'] {
  const ratings: PageNavigationSummary['ratings'] = {};
  if (nav.fcp) ratings.fcp = nav.fcp.rating ?? rate('fcpMs', nav.fcp.ms);
  if (nav.lcp) ratings.lcp = nav.lcp.rating ?? rate('lcpMs', nav.lcp.ms);
  if (nav.cls) ratings.cls = nav.cls.rating;
  if (nav.inp) ratings.inp = nav.inp.rating;
  return ratings;
}

function requestSummary(r: NetworkRequest, sinceStart: (at: number) => number): PageRequestSummary {
  const out: PageRequestSummary = {
    id: r.id,
    url: clipName(r.url, PAGE_SUMMARY_LIMITS.urlChars),
    startMs: sinceStart(r.start),
    durationMs: round(requestDuration(r) / 1000, 3),
  };
  if (r.responseStart !== undefined) out.ttfbMs = round((r.responseStart - r.start) / 1000, 3);
  if (r.status !== undefined) out.status = r.status;
  if (r.mimeType) out.mimeType = clipName(r.mimeType, PAGE_SUMMARY_LIMITS.nameChars);
  if (r.priority) out.priority = clipName(r.priority, PAGE_SUMMARY_LIMITS.nameChars);
  if (r.renderBlocking) out.renderBlocking = clipName(r.renderBlocking, PAGE_SUMMARY_LIMITS.nameChars);
  if (r.encodedBytes !== undefined) out.transferBytes = r.encodedBytes;
  return out;
}

function worstCluster(page: PageInsights, sinceStart: (at: number) => number): PageSummary['worstShiftCluster'] {
  if (!page.cls) return undefined;
  const shifts = page.layoutShifts.filter((s) => s.clusterId === page.cls!.clusterId);
  if (shifts.length === 0) return undefined;
  return {
    id: page.cls.clusterId,
    startMs: sinceStart(shifts[0].at),
    score: round(page.cls.score, 4),
    rating: page.cls.rating,
    shiftCount: shifts.length,
    largestShiftIds: shifts
      .slice()
      .sort((a, b) => b.score - a.score || a.at - b.at)
      .slice(0, PAGE_SUMMARY_LIMITS.largestShifts)
      .map((s) => s.id),
  };
}

function slowestInteractionSummary(
  page: PageInsights,
  sinceStart: (at: number) => number,
  threads: readonly ThreadSummary[],
): PageSummary['slowestInteraction'] {
  const slowest = slowestInteraction(page.interactions);
  if (!slowest) return undefined;
  const out: NonNullable<PageSummary['slowestInteraction']> = {
    id: slowest.id,
    type: clipName(slowest.type, PAGE_SUMMARY_LIMITS.nameChars),
    startMs: sinceStart(slowest.start),
    durationMs: round(slowest.durationMs, 3),
    rating: rate('inpMs', slowest.durationMs),
    inputDelayMs: round(slowest.inputDelayMs, 3),
    processingMs: round(slowest.processingMs, 3),
    presentationDelayMs: round(slowest.presentationDelayMs, 3),
  };
  const task = longTaskDuring(out.startMs, out.startMs + out.durationMs, threads);
  if (task) out.longTaskId = task;
  return out;
}

/** The listed long task overlapping [fromMs, toMs] the most (main thread first), by id. */
export function longTaskDuring(fromMs: number, toMs: number, threads: readonly ThreadSummary[]): string | undefined {
  let best: { id: string; overlap: number; main: boolean } | undefined;
  for (const thread of threads) {
    for (const task of thread.longTasks) {
      const overlap = Math.min(toMs, task.startMs + task.durMs) - Math.max(fromMs, task.startMs);
      if (overlap <= 0) continue;
      const better = !best || (thread.isMainThread && !best.main) || (thread.isMainThread === best.main && overlap > best.overlap);
      if (better) best = { id: task.id, overlap, main: thread.isMainThread };
    }
  }
  return best?.id;
}
