// Web Vitals' good / needs-improvement / poor bands (web.dev/articles/vitals),
// the same thresholds DevTools scores with (a value on the boundary is the
// better band).
import type { MetricRating } from './page-types.ts';

const BANDS = {
  fcpMs: [1800, 3000],
  lcpMs: [2500, 4000],
  cls: [0.1, 0.25],
  inpMs: [200, 500],
} as const;

export function rate(metric: keyof typeof BANDS, value: number): MetricRating {
  const [good, poor] = BANDS[metric];
  return value <= good ? 'good' : value <= poor ? 'needs-improvement' : 'poor';
}
