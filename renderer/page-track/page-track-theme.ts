// The page track's colours, read from CSS variables like the flame chart's,
// so both follow the light and dark themes.
import type { MetricRating } from '../../shared-importer/src/page/page-types.ts';
import { readFlameTheme, type FlameTheme } from '../flame-chart/frame-colors.ts';
import { REQUEST_KINDS, type RequestKind } from './request-kind.ts';

export interface PageTrackTheme {
  flame: FlameTheme;
  band: string;
  requestKind: Record<RequestKind, string>;
  rating: Record<MetricRating, string>;
  milestone: string;
  shift: string;
  interaction: string;
  blocking: string;
}

export function readPageTrackTheme(element: Element): PageTrackTheme {
  const style = getComputedStyle(element);
  const v = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  const requestKind = Object.fromEntries(REQUEST_KINDS.map((kind) => [kind, v(`--request-${kind}`, '#8aa')])) as Record<RequestKind, string>;
  return {
    flame: readFlameTheme(element),
    band: v('--bg-panel', '#f6f7f9'),
    requestKind,
    rating: { good: v('--rating-good', '#0a7d3b'), 'needs-improvement': v('--rating-ni', '#b26a00'), poor: v('--rating-poor', '#c5221f') },
    milestone: v('--page-milestone', '#667085'),
    shift: v('--page-shift', '#7c3aed'),
    interaction: v('--page-interaction', '#0e7490'),
    blocking: v('--page-blocking', '#c5221f'),
  };
}
