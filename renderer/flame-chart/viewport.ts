// Zoom and pan arithmetic for a flame chart's visible window, kept pure so it
// is tested without a browser. x is in layout units (microseconds, samples...).

export interface Viewport {
  /** Visible x range. */
  x0: number;
  x1: number;
  /** Vertical scroll in CSS pixels from the first row. */
  scrollY: number;
}

export interface Bounds {
  min: number;
  max: number;
}

/** Narrowest window allowed, as a fraction of the whole span (deep zoom without float trouble). */
const MIN_SPAN_FRACTION = 1e-9;

export function fullViewport(bounds: Bounds): Viewport {
  return { x0: bounds.min, x1: bounds.max, scrollY: 0 };
}

function minSpan(bounds: Bounds): number {
  return Math.max((bounds.max - bounds.min) * MIN_SPAN_FRACTION, 1e-6);
}

/** Keeps the window inside the bounds without changing its width (unless it is wider than the bounds). */
export function clampViewport(v: Viewport, bounds: Bounds, maxScrollY = Infinity): Viewport {
  const full = bounds.max - bounds.min;
  let span = Math.min(Math.max(v.x1 - v.x0, minSpan(bounds)), full > 0 ? full : minSpan(bounds));
  if (!(span > 0)) span = minSpan(bounds);
  let x0 = v.x0;
  if (x0 < bounds.min) x0 = bounds.min;
  if (x0 + span > bounds.max) x0 = Math.max(bounds.min, bounds.max - span);
  const scrollY = Math.max(0, Math.min(v.scrollY, Math.max(0, maxScrollY)));
  return { x0, x1: x0 + span, scrollY };
}

/**
 * Zooms by `factor` (<1 zooms in) keeping the x under the cursor still;
 * `anchor` is the cursor's position across the view, 0..1.
 */
export function zoomAt(v: Viewport, bounds: Bounds, factor: number, anchor: number): Viewport {
  const span = v.x1 - v.x0;
  const full = bounds.max - bounds.min;
  const nextSpan = Math.min(Math.max(span * factor, minSpan(bounds)), full);
  const pivot = v.x0 + span * anchor;
  return clampViewport({ x0: pivot - nextSpan * anchor, x1: pivot - nextSpan * anchor + nextSpan, scrollY: v.scrollY }, bounds);
}

/** Moves the window by a fraction of its width (positive = later). */
export function panBy(v: Viewport, bounds: Bounds, fraction: number): Viewport {
  const dx = (v.x1 - v.x0) * fraction;
  return clampViewport({ x0: v.x0 + dx, x1: v.x1 + dx, scrollY: v.scrollY }, bounds);
}

/** Shows [x0, x1] with a little margin on each side. */
export function focusRange(bounds: Bounds, x0: number, x1: number, scrollY = 0): Viewport {
  const width = Math.max(x1 - x0, minSpan(bounds));
  const margin = width * 0.05;
  return clampViewport({ x0: x0 - margin, x1: x1 + margin, scrollY }, bounds);
}

/** Centers the window on x, keeping its width. */
export function centerOn(v: Viewport, bounds: Bounds, x: number): Viewport {
  const span = v.x1 - v.x0;
  return clampViewport({ x0: x - span / 2, x1: x + span / 2, scrollY: v.scrollY }, bounds);
}
