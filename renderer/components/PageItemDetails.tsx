// What one page item is, in words: a request's URL, method, status, priority,
// times, sizes, render-blocking and initiator; a milestone's value and rating;
// a shift's score; an interaction's parts. The page track's hover card and the
// summary panel's "selected" block both show it.
import type { MetricRating, NetworkRequest, PageInsights } from '../../shared-importer/src/page/page-types.ts';
import type { ReactNode } from 'react';
import type { WeightUnit } from '../../shared-importer/src/model/profile.ts';
import { formatBytes } from '../../shared-importer/src/format-bytes.ts';
import { formatMilliseconds, formatWeight } from '../format/units.ts';
import { navigationAt, pageItem, requestEnd, type PageItem } from '../page-track/page-items.ts';
import type { TrackMilestone } from '../page-track/page-track-layout.ts';
import { REQUEST_KIND_LABELS, requestKind } from '../page-track/request-kind.ts';

export type PageDetailsSubject = PageItem | { kind: 'milestone'; milestone: TrackMilestone };

const RATING_LABELS: Record<MetricRating, string> = { good: 'good', 'needs-improvement': 'needs improvement', poor: 'poor' };

/** A rating in words with its colour, never colour alone. */
export function Rating({ rating }: { rating: MetricRating }) {
  return <span className={`rating rating-${rating}`}>{RATING_LABELS[rating]}</span>;
}

interface Row {
  label: string;
  value: ReactNode;
}

export function PageItemDetails({ page, unit, subject, origin }: { page: PageInsights; unit: WeightUnit; subject: PageDetailsSubject; origin: number }) {
  const { title, rows } = describe(page, unit, subject, origin);
  return (
    <>
      <div className="flame-tooltip-name page-item-title" data-testid="page-item-title">
        {title}
      </div>
      <dl>
        {rows.map((row) => (
          <RowView key={row.label} row={row} />
        ))}
      </dl>
    </>
  );
}

function RowView({ row }: { row: Row }) {
  return (
    <>
      <dt>{row.label}</dt>
      <dd>{row.value}</dd>
    </>
  );
}

/** Times read from the item's navigation start, or from the trace's start (`origin`) before any navigation. */
function since(page: PageInsights, unit: WeightUnit, t: number, origin: number): string {
  const nav = navigationAt(page, t);
  return nav ? `${formatWeight(t - nav.start, unit)} after ${nav.id} start` : `${formatWeight(t - origin, unit)} into the trace`;
}

function describe(page: PageInsights, unit: WeightUnit, subject: PageDetailsSubject, origin: number): { title: string; rows: Row[] } {
  const span = (a: number, b: number) => formatWeight(b - a, unit);
  switch (subject.kind) {
    case 'milestone': {
      const m = subject.milestone;
      const nav = pageItem(page, m.navigationId);
      const url = nav?.kind === 'navigation' ? nav.navigation.url : '';
      const rows: Row[] = [{ label: 'Navigation', value: `${m.navigationId} ${url}` }];
      if (m.ms !== undefined) rows.push({ label: 'Value', value: formatMilliseconds(m.ms) });
      if (m.rating) rows.push({ label: 'Rating', value: <Rating rating={m.rating} /> });
      const lcp = nav?.kind === 'navigation' && m.name === 'LCP' ? nav.navigation.lcp : undefined;
      if (lcp?.element) rows.push({ label: 'Element', value: lcp.element });
      if (lcp?.url) rows.push({ label: 'Image', value: lcp.url });
      return { title: milestoneTitle(m.name), rows };
    }
    case 'navigation': {
      const n = subject.navigation;
      const rows: Row[] = [
        { label: 'Navigation', value: n.id },
        { label: 'Starts', value: `${formatWeight(n.start - origin, unit)} into the trace` },
      ];
      for (const [label, m] of [
        ['FCP', n.fcp],
        ['LCP', n.lcp],
        ['DCL', n.dcl],
        ['Load', n.load],
      ] as const) {
        if (m)
          rows.push({
            label,
            value: (
              <>
                {formatMilliseconds(m.ms)} {m.rating && <Rating rating={m.rating} />}
              </>
            ),
          });
      }
      return { title: n.url, rows };
    }
    case 'request':
      return { title: subject.request.url, rows: requestRows(page, unit, subject.request, origin, span) };
    case 'shift': {
      const s = subject.shift;
      return {
        title: `Layout shift ${s.id}`,
        rows: [
          { label: 'Score', value: s.score.toFixed(4) },
          { label: 'At', value: since(page, unit, s.at, origin) },
          { label: 'Cluster', value: s.clusterId },
          { label: 'Recent input', value: s.hadRecentInput ? 'yes (not counted in CLS)' : 'no' },
        ],
      };
    }
    case 'cluster':
      return {
        title: `Layout shift cluster ${subject.id}`,
        rows: [
          { label: 'Score', value: subject.score.toFixed(4) },
          { label: 'Shifts', value: String(subject.shifts.length) },
          { label: 'From', value: since(page, unit, subject.start, origin) },
          { label: 'Lasting', value: span(subject.start, subject.end) },
        ],
      };
    case 'interaction': {
      const it = subject.interaction;
      return {
        title: `Interaction ${it.id}: ${it.type}`,
        rows: [
          { label: 'Duration', value: formatMilliseconds(it.durationMs) },
          { label: 'Input delay', value: formatMilliseconds(it.inputDelayMs) },
          { label: 'Processing', value: formatMilliseconds(it.processingMs) },
          { label: 'Presentation', value: formatMilliseconds(it.presentationDelayMs) },
          { label: 'At', value: since(page, unit, it.start, origin) },
        ],
      };
    }
  }
}

function requestRows(page: PageInsights, unit: WeightUnit, r: NetworkRequest, origin: number, span: (a: number, b: number) => string): Row[] {
  const rows: Row[] = [
    {
      label: 'Request',
      value: `${r.id} · ${r.method}${r.status !== undefined ? ` · ${r.status}` : ''}${r.failed ? ' · failed' : ''}${r.fromCache ? ' · from cache' : ''}`,
    },
    { label: 'Type', value: `${REQUEST_KIND_LABELS[requestKind(r.mimeType)]}${r.mimeType ? ` (${r.mimeType})` : ''}` },
  ];
  if (r.priority) rows.push({ label: 'Priority', value: r.priority });
  rows.push({ label: 'Starts', value: since(page, unit, r.start, origin) });
  // A navigation request is started by the browser process: its response can
  // begin before the renderer logs the request, and a negative wait says nothing.
  const respondedAfterStart = r.responseStart !== undefined && r.responseStart >= r.start;
  if (r.responseStart !== undefined) {
    rows.push({ label: 'Waiting', value: respondedAfterStart ? span(r.start, r.responseStart) : 'response began before the request was logged' });
  }
  if (r.end !== undefined) {
    if (r.responseStart !== undefined) rows.push({ label: 'Download', value: span(respondedAfterStart ? r.responseStart : r.start, r.end) });
    rows.push({ label: 'Total', value: span(r.start, requestEnd(r)) });
  }
  if (r.encodedBytes !== undefined || r.decodedBytes !== undefined) {
    const parts = [
      r.encodedBytes !== undefined ? `${formatBytes(r.encodedBytes)} transferred` : '',
      r.decodedBytes !== undefined ? `${formatBytes(r.decodedBytes)} decoded` : '',
    ];
    rows.push({ label: 'Size', value: parts.filter(Boolean).join(', ') });
  }
  if (r.renderBlocking) rows.push({ label: 'Render-blocking', value: renderBlockingText(r.renderBlocking) });
  if (r.initiator) rows.push({ label: 'Initiator', value: r.initiator });
  if (r.protocol) rows.push({ label: 'Protocol', value: r.protocol });
  return rows;
}

/** Chrome's render-blocking status in words. */
export function renderBlockingText(status: string): string {
  switch (status) {
    case 'blocking':
      return 'yes';
    case 'in_body_parser_blocking':
      return 'yes (blocks the parser in the body)';
    case 'potentially_blocking':
      return 'potentially';
    case 'non_blocking':
    case 'dynamically_injected_non_blocking':
      return 'no';
    default:
      return status;
  }
}

function milestoneTitle(name: TrackMilestone['name']): string {
  switch (name) {
    case 'Nav':
      return 'Navigation start';
    case 'FCP':
      return 'First Contentful Paint (FCP)';
    case 'LCP':
      return 'Largest Contentful Paint (LCP)';
    case 'DCL':
      return 'DOMContentLoaded (DCL)';
    case 'Load':
      return 'Load';
  }
}
