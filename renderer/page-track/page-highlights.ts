// What the summary panel's Page section lists for one navigation: the
// requests that blocked rendering, the slowest requests, the worst layout
// shift cluster and the slowest interaction, picked from PageInsights.
import type { Interaction, LayoutShift, NetworkRequest, PageInsights, PageNavigation } from '../../shared-importer/src/page/page-types.ts';
import { pageItem, requestEnd } from './page-items.ts';

/** How many of the slowest requests a navigation lists. */
export const SLOWEST_REQUEST_COUNT = 5;

export interface NavigationHighlights {
  renderBlocking: NetworkRequest[];
  slowestRequests: NetworkRequest[];
  /** The cluster CLS comes from, with its shifts and total score. */
  worstCluster: { id: string; score: number; shifts: LayoutShift[] } | null;
  slowestInteraction: Interaction | null;
}

export function navigationHighlights(page: PageInsights, nav: PageNavigation): NavigationHighlights {
  const requests = page.requests.filter((r) => r.navigationId === nav.id);
  const duration = (r: NetworkRequest) => requestEnd(r) - r.start;
  const slowestRequests = requests
    .filter((r) => r.end !== undefined)
    .sort((a, b) => duration(b) - duration(a) || a.start - b.start)
    .slice(0, SLOWEST_REQUEST_COUNT);
  const renderBlocking = nav.renderBlockingRequestIds.flatMap((id) => {
    const item = pageItem(page, id);
    return item?.kind === 'request' ? [item.request] : [];
  });
  const inNavigation = (t: number) => t >= nav.start && t < nav.end;
  let slowestInteraction: Interaction | null = null;
  for (const it of page.interactions) if (inNavigation(it.start) && (!slowestInteraction || it.durationMs > slowestInteraction.durationMs)) slowestInteraction = it;
  return { renderBlocking, slowestRequests, worstCluster: worstCluster(page, nav), slowestInteraction };
}

function worstCluster(page: PageInsights, nav: PageNavigation): NavigationHighlights['worstCluster'] {
  const first = nav.cls?.shiftIds[0];
  const shift = first ? pageItem(page, first) : null;
  if (shift?.kind !== 'shift') return null;
  const cluster = pageItem(page, shift.shift.clusterId);
  if (cluster?.kind !== 'cluster') return null;
  return { id: cluster.id, score: nav.cls!.score, shifts: cluster.shifts };
}

/** A URL short enough for a list: its file name (or host), the query dropped. */
export function shortUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const name = parsed.pathname.split('/').filter(Boolean).pop();
    return name ? decodeURIComponent(name) : parsed.host || url;
  } catch {
    return url;
  }
}
