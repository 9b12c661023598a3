// After the stream: the page events collected while reading become the
// profile's PageInsights (navigations with their milestones, LCP breakdown,
// render-blocking requests, CLS and INP; requests, shifts, interactions), or
// undefined when the trace recorded no page.
import { buildInteractions, inpInteraction, type InteractionRecord } from './interactions.ts';
import { buildLayoutShifts, type ShiftCluster } from './layout-shifts.ts';
import { lcpBreakdown, lcpImagesByNode, lcpRequestOf, nodeKey } from './lcp-breakdown.ts';
import { rate } from './metric-rating.ts';
import { findNavigations, type NavigationRecord } from './navigations.ts';
import { buildNetworkRequests, type RequestRecord } from './network-requests.ts';
import type { PageEvent } from './page-event-collector.ts';
import type { LcpMilestone, PageInsights, PageMilestone, PageNavigation } from './page-types.ts';
import { renderBlockingRequests } from './render-blocking.ts';
import { setIf } from './set-if.ts';

/** `recordingEnd`: the end of the recording in the same clock (the last navigation ends there). */
export function buildPageInsights(events: readonly PageEvent[], recordingEnd: number): PageInsights | undefined {
  if (events.length === 0) return undefined;
  const ordered = [...events].sort((a, b) => a.ts - b.ts); // stable: file order among equal times
  const { all } = findNavigations(ordered);
  const requests = buildNetworkRequests(ordered);
  const { shifts, clusters, unweighted } = buildLayoutShifts(
    ordered,
    all.map((n) => n.start),
  );
  const interactions = buildInteractions(ordered);
  const reported = all.filter((n) => !n.isBlank);
  if (reported.length === 0 && requests.length === 0 && shifts.length === 0 && interactions.length === 0) return undefined;

  const end = Math.max(recordingEnd, ordered[ordered.length - 1].ts);
  const context: NavigationContext = { all, requests, clusters, interactions, images: lcpImagesByNode(ordered) };
  const navigations = reported.map((nav, i) => navigationOf(nav, i, reported[i + 1]?.start ?? end, context));
  for (const r of requests) {
    const nav = navigations.findLast((n) => n.start <= r.request.start && r.request.start < n.end);
    if (nav) r.request.navigationId = nav.id;
  }
  const page: PageInsights = {
    navigations,
    requests: requests.map((r) => r.request),
    layoutShifts: shifts,
    interactions: interactions.map((r) => r.interaction),
    missing: missingParts(navigations, reported, shifts.length, unweighted, interactions.length),
  };
  const worst = worstCluster(clusters);
  if (worst) page.cls = { score: worst.score, rating: rate('cls', worst.score), clusterId: worst.id };
  setIf(page, 'inp', inpOf(interactions));
  return page;
}

interface NavigationContext {
  all: readonly NavigationRecord[];
  requests: readonly RequestRecord[];
  clusters: readonly ShiftCluster[];
  interactions: readonly InteractionRecord[];
  images: ReturnType<typeof lcpImagesByNode>;
}

function navigationOf(nav: NavigationRecord, index: number, end: number, context: NavigationContext): PageNavigation {
  const documentRequest = context.requests.find((r) => r.chromeId === nav.chromeId);
  const out: PageNavigation = {
    id: `nav${index + 1}`,
    // The document's final URL after redirects, as DevTools shows it.
    url: documentRequest?.request.url || nav.url,
    frameId: nav.frame,
    start: nav.start,
    end,
    renderBlockingRequestIds: renderBlockingRequests(nav, context.all, context.requests).map((r) => r.request.id),
  };
  setIf(out, 'fcp', milestone(nav, nav.fcp, 'fcpMs'));
  setIf(out, 'lcp', lcpOf(nav, documentRequest, context));
  setIf(out, 'dcl', milestone(nav, nav.dcl));
  setIf(out, 'load', milestone(nav, nav.load));
  const navIndex = context.all.indexOf(nav);
  const worst = worstCluster(context.clusters.filter((c) => c.navigationIndex === navIndex));
  out.cls = worst ? { score: worst.score, rating: rate('cls', worst.score), shiftIds: worst.shiftIds } : { score: 0, rating: 'good', shiftIds: [] };
  setIf(out, 'inp', inpOf(context.interactions.filter((r) => r.interaction.start >= nav.start && r.interaction.start < end)));
  return out;
}

function milestone(nav: NavigationRecord, at: number | undefined, rated?: 'fcpMs' | 'lcpMs'): PageMilestone | undefined {
  if (at === undefined) return undefined;
  const ms = (at - nav.start) / 1000;
  return rated ? { at, ms, rating: rate(rated, ms) } : { at, ms };
}

function lcpOf(nav: NavigationRecord, documentRequest: RequestRecord | undefined, context: NavigationContext): LcpMilestone | undefined {
  const candidate = nav.lcp;
  if (!candidate) return undefined;
  const lcp: LcpMilestone = milestone(nav, candidate.at, 'lcpMs')!;
  setIf(lcp, 'element', candidate.nodeName ?? candidate.type);
  const image = candidate.nodeId !== undefined ? context.images.get(nodeKey(candidate.pid, candidate.nodeId)) : undefined;
  const imageRequest = image?.url ? lcpRequestOf(nav, image, context.requests) : undefined;
  if (image?.url) lcp.url = image.url;
  setIf(lcp, 'requestId', imageRequest?.request.id);
  setIf(lcp, 'breakdown', lcpBreakdown(nav, candidate.at, documentRequest, imageRequest));
  return lcp;
}

/** The largest session window among `clusters`: what CLS reports. */
function worstCluster(clusters: readonly ShiftCluster[]): ShiftCluster | undefined {
  let worst: ShiftCluster | undefined;
  for (const c of clusters) if (!worst || c.score > worst.score) worst = c;
  return worst;
}

function inpOf(interactions: readonly InteractionRecord[]): { durationMs: number; rating: ReturnType<typeof rate>; interactionId: string } | undefined {
  const inp = inpInteraction(interactions);
  if (!inp) return undefined;
  const { durationMs, id } = inp.interaction;
  return { durationMs, rating: rate('inpMs', durationMs), interactionId: id };
}

/** What the trace lacks, in words for the user. */
function missingParts(
  navigations: readonly PageNavigation[],
  records: readonly NavigationRecord[],
  shiftCount: number,
  unweightedShifts: number,
  interactionCount: number,
): string[] {
  const missing: string[] = [];
  if (navigations.length === 0) {
    missing.push(
      'No main-frame navigationStart event: FCP, LCP, DOMContentLoaded and load are unknown (a timespan recording, or tracing began after the navigation).',
    );
  }
  navigations.forEach((nav, i) => {
    const lacks: string[] = [];
    if (!nav.fcp) lacks.push('no firstContentfulPaint event (FCP unknown)');
    if (!nav.lcp) lacks.push('no largestContentfulPaint::Candidate event (LCP unknown; Chrome records it since version 77)');
    else if (!nav.lcp.breakdown) lacks.push('no response timing for the document request (LCP breakdown unknown)');
    if (!nav.dcl) lacks.push('no MarkDOMContent event (DOMContentLoaded unknown)');
    if (!nav.load) lacks.push('no MarkLoad event (load unknown)');
    if (!records[i].url) lacks.push('no document URL');
    if (lacks.length > 0) missing.push(`${nav.id}: ${lacks.join('; ')}.`);
  });
  if (shiftCount === 0) missing.push('No LayoutShift events: CLS is 0 if the recording had the "loading" category, unknown otherwise.');
  if (unweightedShifts > 0) {
    missing.push(`${unweightedShifts} LayoutShift events have no weighted score (Chrome before 90): CLS counts them as 0, as DevTools does.`);
  }
  if (interactionCount === 0) missing.push('No interactions (EventTiming) were recorded: INP is unknown.');
  return missing;
}
