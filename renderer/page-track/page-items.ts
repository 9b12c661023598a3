// The items of a page recording that can be selected, cited and shown in the
// chart, by the summary id they carry ("nav1", "req12", "shift3", "cluster2",
// "int4"): what each is and the time range the chart zooms to for it.
import type { Interaction, LayoutShift, NetworkRequest, PageInsights, PageNavigation } from '../../shared-importer/src/page/page-types.ts';
import { shiftClusters, type LayoutShiftCluster } from '../../shared-importer/src/page/shift-clusters.ts';

export type PageItem =
  | { kind: 'navigation'; id: string; navigation: PageNavigation }
  | { kind: 'request'; id: string; request: NetworkRequest }
  | { kind: 'shift'; id: string; shift: LayoutShift }
  | ({ kind: 'cluster' } & LayoutShiftCluster)
  | { kind: 'interaction'; id: string; interaction: Interaction };

/** The ids a page item can have, as the summary writes them (a pattern the chat's citations embed). */
export const PAGE_ITEM_ID_PATTERN = '(?:nav|req|shift|cluster|int)\\d+';
export const PAGE_ITEM_ID = new RegExp(`^${PAGE_ITEM_ID_PATTERN}$`);

const indexes = new WeakMap<PageInsights, Map<string, PageItem>>();

/** The item an id names, or null; the index is built once per PageInsights. */
export function pageItem(page: PageInsights, id: string): PageItem | null {
  let index = indexes.get(page);
  if (!index) {
    index = indexPageItems(page);
    indexes.set(page, index);
  }
  return index.get(id) ?? null;
}

function indexPageItems(page: PageInsights): Map<string, PageItem> {
  const index = new Map<string, PageItem>();
  for (const navigation of page.navigations) index.set(navigation.id, { kind: 'navigation', id: navigation.id, navigation });
  for (const request of page.requests) index.set(request.id, { kind: 'request', id: request.id, request });
  for (const interaction of page.interactions) index.set(interaction.id, { kind: 'interaction', id: interaction.id, interaction });
  for (const shift of page.layoutShifts) index.set(shift.id, { kind: 'shift', id: shift.id, shift });
  for (const cluster of shiftClusters(page)) index.set(cluster.id, { kind: 'cluster', ...cluster });
  return index;
}

/** Where a request ends on the chart: its finish, else its response, else its start. */
export function requestEnd(request: NetworkRequest): number {
  return request.end ?? request.responseStart ?? request.start;
}

/** Chrome's statuses for a request that held up the first render. */
export function isRenderBlocking(request: NetworkRequest): boolean {
  return request.renderBlocking === 'blocking' || request.renderBlocking === 'in_body_parser_blocking';
}

/** The last milestone of a navigation, or its start: what "the page load" spans. */
export function navigationLoadEnd(navigation: PageNavigation): number {
  const ats = [navigation.fcp, navigation.lcp, navigation.dcl, navigation.load].map((m) => m?.at ?? navigation.start);
  return Math.max(navigation.start, ...ats);
}

/** The time range an item covers on the chart (an instant has start = end). */
export function pageItemRange(item: PageItem): { start: number; end: number } {
  switch (item.kind) {
    case 'navigation':
      return { start: item.navigation.start, end: navigationLoadEnd(item.navigation) };
    case 'request':
      return { start: item.request.start, end: requestEnd(item.request) };
    case 'shift':
      return { start: item.shift.at, end: item.shift.at };
    case 'cluster':
      return { start: item.start, end: item.end };
    case 'interaction':
      return { start: item.interaction.start, end: item.interaction.end };
  }
}

/** The navigation a time falls in (the last one started at or before t), or null before the first. */
export function navigationAt(page: PageInsights, t: number): PageNavigation | null {
  for (let i = page.navigations.length - 1; i >= 0; i--) if (page.navigations[i].start <= t) return page.navigations[i];
  return null;
}

/**
 * The request after (step 1) or before (step -1) the one selected, in start
 * order; from no request selected, the first or the last. Null past the ends.
 */
export function neighbourRequestId(page: PageInsights, selectedId: string | null, step: 1 | -1): string | null {
  const requests = page.requests;
  if (requests.length === 0) return null;
  const item = selectedId ? pageItem(page, selectedId) : null;
  if (item?.kind !== 'request') return (step === 1 ? requests[0] : requests[requests.length - 1]).id;
  return requests[requests.indexOf(item.request) + step]?.id ?? null;
}
