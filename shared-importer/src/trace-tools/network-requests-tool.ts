// network_requests(query?, startMs?, endMs?, renderBlockingOnly?): a recorded
// page's requests in start order with the summary's ids: URL, timing, status,
// type, priority, render-blocking status, size, initiator and navigation.
// Every match is listed; a list past the token cap is cut with the note that
// says how to narrow it.
import { formatBytes } from '../format-bytes.ts';
import type { Profile } from '../model/profile.ts';
import { requestDuration } from '../page/page-rankings.ts';
import type { NetworkRequest, PageInsights } from '../page/page-types.ts';
import { requirePage, resolveWindow, type TimeWindow } from './tool-input.ts';
import { decimal, quoted, timeText } from './tool-text.ts';

export interface NetworkRequestsArgs {
  query?: string;
  startMs?: number;
  endMs?: number;
  renderBlockingOnly?: boolean;
}

const URL_CHARS = 200;

export function networkRequests(profile: Profile, args: NetworkRequestsArgs): string {
  const page = requirePage(profile);
  if (page.requests.length === 0) return 'This recording of a page has no network requests.';
  const window = resolveWindow(profile, args.startMs, args.endMs);
  const query = args.query?.trim().toLowerCase() ?? '';
  const blockedPaint = firstPaintBlockers(page);
  const found = page.requests.filter(
    (r) => (query === '' || matches(r, query)) && (!window || inFlightDuring(r, window)) && (!args.renderBlockingOnly || blockedPaint.has(r.id)),
  );
  const scope = scopeText(profile, args, query, window);
  if (found.length === 0) return `No requests${scope} (of ${page.requests.length} in the recording).`;
  let transferred = 0;
  for (const r of found) transferred += r.encodedBytes ?? 0;
  return [
    `${found.length} of ${page.requests.length} requests${scope}, ${formatBytes(transferred)} transferred, in start order ("at" ms from the trace start):`,
    ...found.map((r) => requestLine(profile, r, blockedPaint.get(r.id))),
  ].join('\n');
}

/** Request id -> the navigation whose first paint it held up (DevTools' render-blocking insight). */
function firstPaintBlockers(page: PageInsights): Map<string, string> {
  const blockers = new Map<string, string>();
  for (const nav of page.navigations) for (const id of nav.renderBlockingRequestIds) blockers.set(id, nav.id);
  return blockers;
}

function matches(r: NetworkRequest, query: string): boolean {
  return r.url.toLowerCase().includes(query) || (r.mimeType?.toLowerCase().includes(query) ?? false);
}

/** Started before the window ends and not finished before it starts; an unfinished request is in flight to the end. */
function inFlightDuring(r: NetworkRequest, window: TimeWindow): boolean {
  return r.start < window.end && (r.end === undefined || r.end >= window.start);
}

function scopeText(profile: Profile, args: NetworkRequestsArgs, query: string, window: TimeWindow | null): string {
  const parts: string[] = [];
  if (query) parts.push(` matching ${quoted(args.query!)}`);
  if (window) parts.push(` in flight ${timeText(profile, window.start)}–${timeText(profile, window.end)}`);
  if (args.renderBlockingOnly) parts.push(' that blocked a first paint');
  return parts.join(',');
}

function requestLine(profile: Profile, r: NetworkRequest, blockedNavigation: string | undefined): string {
  const facts = [`at ${timeText(profile, r.start)}`, r.end !== undefined ? `${decimal(requestDuration(r) / 1000)} ms` : 'unfinished'];
  if (r.responseStart !== undefined) facts.push(`first byte after ${decimal((r.responseStart - r.start) / 1000)} ms`);
  if (r.failed) facts.push('failed');
  if (r.status !== undefined) facts.push(`status ${r.status}`);
  if (r.mimeType) facts.push(quoted(r.mimeType, 60));
  if (r.priority) facts.push(`priority ${r.priority}`);
  if (r.renderBlocking && r.renderBlocking !== 'non_blocking') facts.push(r.renderBlocking);
  if (blockedNavigation) facts.push(`blocked the first paint of [${blockedNavigation}]`);
  if (r.fromCache) facts.push('from cache');
  if (r.encodedBytes !== undefined) facts.push(`${formatBytes(r.encodedBytes)} transferred`);
  if (r.decodedBytes !== undefined) facts.push(`${formatBytes(r.decodedBytes)} decoded`);
  if (r.protocol) facts.push(r.protocol);
  if (r.initiator) facts.push(`initiator ${quoted(r.initiator, URL_CHARS)}`);
  if (r.navigationId) facts.push(`[${r.navigationId}]`);
  return `- [${r.id}] ${r.method} ${quoted(r.url, URL_CHARS)}: ${facts.join(', ')}`;
}
