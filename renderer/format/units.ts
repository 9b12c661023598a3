// Human-readable weights for the profile's unit. Time-based profiles are in
// microseconds (normalised at import).
import { formatBytes } from '../../shared-importer/src/format-bytes.ts';
import { formatCount } from '../../shared-importer/src/format-count.ts';
import type { WeightUnit } from '../../shared-importer/src/model/profile.ts';

export { formatCount };

function trim(n: number): string {
  const abs = Math.abs(n);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  return n.toFixed(digits).replace(/\.0+$|(\.\d*?)0+$/, '$1');
}

export function formatWeight(value: number, unit: WeightUnit): string {
  if (unit === 'microseconds') return formatMicroseconds(value);
  if (unit === 'bytes') return formatBytes(value);
  return `${formatCount(value)} ${value === 1 ? 'sample' : 'samples'}`;
}

export function formatMicroseconds(us: number): string {
  const abs = Math.abs(us);
  if (abs >= 1e6) return `${trim(us / 1e6)} s`;
  if (abs >= 1e3) return `${trim(us / 1e3)} ms`;
  if (abs >= 1 || abs === 0) return `${trim(us)} µs`;
  return `${trim(us * 1e3)} ns`;
}

export function formatMilliseconds(ms: number): string {
  // A zero reads in the unit it was given ("0 ms"), not the smallest one.
  return ms === 0 ? '0 ms' : formatMicroseconds(ms * 1e3);
}

export function formatPercent(part: number, whole: number): string {
  if (!(whole > 0)) return '0%';
  const p = (part / whole) * 100;
  return `${p >= 10 || p === 0 ? p.toFixed(0) : p.toFixed(1)}%`;
}

/** A "nice" axis step (1, 2 or 5 times a power of ten) no narrower than `minStep`. */
export function niceStep(minStep: number): number {
  if (!(minStep > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(minStep));
  for (const m of [1, 2, 5, 10]) if (power * m >= minStep) return power * m;
  return power * 10;
}

/** A summary `*Value` in its `valueUnit`. */
export function formatSummaryValue(value: number, valueUnit: 'ms' | 'samples' | 'bytes'): string {
  if (valueUnit === 'ms') return formatMilliseconds(value);
  if (valueUnit === 'bytes') return formatBytes(value);
  return `${formatCount(value)} ${value === 1 ? 'sample' : 'samples'}`;
}
