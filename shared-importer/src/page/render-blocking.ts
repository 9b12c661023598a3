// Requests that blocked the first paint of a navigation, as DevTools'
// RenderBlocking insight picks them: requests of the navigation's frame made
// during it, flagged render-blocking by Chrome, finished by the first paint
// (FP, else FCP); of the in-body parser-blocking ones only VeryHigh priority
// requests and High priority scripts. Longest first.
import { navigationAt, type NavigationRecord } from './navigations.ts';
import type { RequestRecord } from './network-requests.ts';

const NOT_BLOCKING = new Set(['non_blocking', 'dynamically_injected_non_blocking', 'potentially_blocking']);

export function renderBlockingRequests(nav: NavigationRecord, navigations: readonly NavigationRecord[], requests: readonly RequestRecord[]): RequestRecord[] {
  const firstPaint = nav.firstPaint ?? nav.fcp;
  if (firstPaint === undefined) return [];
  const blocking = requests.filter(
    (r) => r.frame === nav.frame && isBlocking(r) && r.finishTime <= firstPaint && navigationAt(navigations, r.frame, r.request.start) === nav,
  );
  return blocking.sort((a, b) => b.endTime - b.request.start - (a.endTime - a.request.start));
}

function isBlocking(r: RequestRecord): boolean {
  const status = r.request.renderBlocking;
  if (status === undefined || NOT_BLOCKING.has(status)) return false;
  if (status !== 'in_body_parser_blocking') return true;
  const priority = r.request.priority;
  return priority === 'VeryHigh' || (priority === 'High' && r.resourceType === 'Script');
}
