// What the summary panel's Page section lists for one navigation: the
// requests that blocked rendering, the slowest requests, the worst layout
// shift cluster and the slowest interaction, picked from PageInsights.
import type { Interaction, LayoutShift, NetworkRequest, PageInsights, PageNavigation } from '../../shared-importer/src/page/page-types.ts';
import { slowestInteraction, slowestRequests } from '../../shared-importer/src/page/page-rankings.ts';
import { pageItem } from './page-items.ts';

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
  const renderBlocking = nav.renderBlockingRequestIds.flatMap((id) => {
    const item = pageItem(page, id);
    return item?.kind === 'request' ? [item.request] : [];
  });
  return {
    renderBlocking,
    slowestRequests: slowestRequests(
      page.requests.filter((r) => r.navigationId === nav.id),
      SLOWEST_REQUEST_COUNT,
    ),
    worstCluster: clusterOfCls(page, nav),
    slowestInteraction: slowestInteraction(page.interactions.filter((it) => it.start >= nav.start && it.start < nav.end)) ?? null,
  };
}

/** The same for a recording without a navigation (a timespan): over everything it holds. */
export function recordingHighlights(page: PageInsights): NavigationHighlights {
  return {
    renderBlocking: [],
    slowestRequests: slowestRequests(page.requests, SLOWEST_REQUEST_COUNT),
    worstCluster: recordingCluster(page),
    slowestInteraction: slowestInteraction(page.interactions) ?? null,
  };
}

/** The cluster the recording's CLS comes from (the importer leaves shifts after recent input out of it). */
function recordingCluster(page: PageInsights): NavigationHighlights['worstCluster'] {
  const cluster = page.cls && pageItem(page, page.cls.clusterId);
  if (cluster?.kind !== 'cluster') return null;
  return { id: cluster.id, score: page.cls!.score, shifts: cluster.shifts };
}

function clusterOfCls(page: PageInsights, nav: PageNavigation): NavigationHighlights['worstCluster'] {
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
