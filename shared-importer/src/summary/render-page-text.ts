// The "Page" block of the summary text: per navigation its URL and milestones
// with ratings, what delayed LCP (its four parts), the requests that blocked
// the first paint; then the network's slowest requests, the worst layout shift
// window and the slowest interaction with the long task behind it. It comes
// before the thread details, so a small budget keeps it; `items` bounds its lists.
import { formatBytes } from '../format-bytes.ts';
import type { PageNavigationSummary, PageRequestSummary, PageSummary } from './summary-types.ts';
import { decimal, number, quote } from './summary-text-format.ts';

type Format = (value: number) => string;

export function renderPage(out: string[], page: PageSummary, fmt: Format, items: number): void {
  out.push('', '## Page (web page load and responsiveness; milestones are ms after their navigation started)');
  const shown = page.navigations.slice(0, Math.max(1, items));
  for (const nav of shown) renderNavigation(out, nav, fmt, items);
  const moreNavigations = page.navigations.length - shown.length + page.omittedNavigationCount;
  if (moreNavigations > 0) out.push(`- … ${number(moreNavigations)} more navigations not shown`);

  const net = page.network;
  out.push(`Network: ${number(net.requests)} requests, ${number(net.renderBlocking)} render-blocking, ${formatBytes(net.transferBytes)} transferred.`);
  renderRequests(out, 'Slowest requests', net.slowest.slice(0, items), 0, fmt);
  if (page.worstShiftCluster) {
    const c = page.worstShiftCluster;
    out.push(
      `Layout shifts: CLS ${decimal(c.score)} (${c.rating}), worst window [${c.id}] at ${fmt(c.startMs)}: ${number(c.shiftCount)} shifts, largest ${c.largestShiftIds.map((id) => `[${id}]`).join(' ')}.`,
    );
  }
  if (page.slowestInteraction) {
    const i = page.slowestInteraction;
    const inp =
      page.inpMs !== null ? `INP ${fmt(page.inpMs)} (${page.inpRating}, [${page.inpInteractionId}]) over ${number(page.interactionCount)} interactions. ` : '';
    const task = i.longTaskId ? `; long task behind it [${i.longTaskId}]` : '';
    out.push(
      `Interactions: ${inp}Slowest [${i.id}] ${quote(i.type)} at ${fmt(i.startMs)}: ${fmt(i.durationMs)} = input delay ${fmt(i.inputDelayMs)} + processing ${fmt(i.processingMs)} + presentation delay ${fmt(i.presentationDelayMs)}${task}.`,
    );
  }
  if (page.missing.length > 0 && items > 0) out.push(`Not in the trace: ${page.missing.map((m) => m.replace(/\.$/, '')).join('; ')}.`);
}

function renderNavigation(out: string[], nav: PageNavigationSummary, fmt: Format, items: number): void {
  out.push(`### [${nav.id}] ${quote(nav.url)} at ${fmt(nav.startMs)}`);
  const { ratings } = nav;
  const metric = (name: string, value: number | null, rating?: string) => `${name} ${value === null ? 'unknown' : fmt(value)}${rating ? ` (${rating})` : ''}`;
  const metrics = [
    metric('FCP', nav.fcpMs, ratings.fcp),
    metric('LCP', nav.lcpMs, ratings.lcp),
    metric('DOMContentLoaded', nav.dclMs),
    metric('load', nav.loadMs),
  ];
  if (nav.cls !== null) metrics.push(`CLS ${decimal(nav.cls)} (${ratings.cls})`);
  if (nav.inpMs !== null) metrics.push(`${metric('INP', nav.inpMs, ratings.inp)} [${nav.inpInteractionId}]`);
  out.push(metrics.join(' · '));
  const lcp = nav.lcp;
  if (lcp) {
    const what = [
      lcp.element !== undefined ? `${lcp.element} element` : 'element',
      lcp.url !== undefined ? quote(lcp.url) : '',
      lcp.requestId ? `loaded by [${lcp.requestId}]` : '',
    ]
      .filter(Boolean)
      .join(' ');
    const b = lcp.breakdown;
    const parts = b
      ? `: time to first byte ${fmt(b.ttfbMs)} + resource load delay ${fmt(b.loadDelayMs)} + resource load duration ${fmt(b.loadDurationMs)} + element render delay ${fmt(b.renderDelayMs)}`
      : ' (no breakdown: the trace lacks the document response timing)';
    out.push(`LCP ${what}${parts}.`);
  }
  if (nav.renderBlockingCount === 0) out.push('Render-blocking requests before the first paint: none.');
  else {
    const shown = nav.renderBlocking.slice(0, Math.max(1, items));
    renderRequests(out, 'Render-blocking requests before the first paint (longest first)', shown, nav.renderBlockingCount - shown.length, fmt);
  }
}

/** `omitted`: how many more the list stands for (0 for a top-N list). */
function renderRequests(out: string[], title: string, shown: readonly PageRequestSummary[], omitted: number, fmt: Format): void {
  if (shown.length === 0) return;
  out.push(`${title}:`);
  for (const r of shown) out.push(`- ${requestLine(r, fmt)}`);
  if (omitted > 0) out.push(`- … ${number(omitted)} more not shown`);
}

function requestLine(r: PageRequestSummary, fmt: Format): string {
  const facts = [`at ${fmt(r.startMs)}`, `${fmt(r.durationMs)}`];
  if (r.ttfbMs !== undefined) facts.push(`first byte after ${fmt(r.ttfbMs)}`);
  if (r.status !== undefined) facts.push(`status ${r.status}`);
  if (r.mimeType) facts.push(r.mimeType);
  if (r.priority) facts.push(`priority ${r.priority}`);
  if (r.renderBlocking && r.renderBlocking !== 'non_blocking') facts.push(r.renderBlocking);
  if (r.transferBytes !== undefined) facts.push(formatBytes(r.transferBytes));
  return `[${r.id}] ${quote(r.url)} ${facts.join(', ')}`;
}
