// Canvas 2D drawing of a FlameLayout. Per frame it visits only what can be
// seen: for each visible row, binary search finds the first slot in view, and a
// run of slots narrower than a pixel collapses into one block found by a second
// binary search, so the cost follows pixels on screen, not events in the trace.
// Rectangles are batched by colour (one path fill per colour).
import { PALETTE_SIZE, type FlameTheme } from './frame-colors.ts';
import { niceStep } from '../format/units.ts';
import { firstSlotEndingAfter, firstSlotStartingAtOrAfter, rowOfSlot, type FlameLayout } from './flame-layout.ts';
import type { Viewport } from './viewport.ts';

export interface FlameDrawInput {
  layout: FlameLayout;
  viewport: Viewport;
  /** Canvas size in CSS pixels. */
  width: number;
  height: number;
  dpr: number;
  rowHeight: number;
  /** Height of the axis strip above the rows (0 for none). */
  axisHeight: number;
  /** Rows grow upwards from the bottom (the callers graph). */
  inverted: boolean;
  /** Palette slot per frame. */
  colorBucket: Uint8Array;
  names: readonly string[];
  /** 1 for frames matching the search; null when not searching. */
  matches: Uint8Array | null;
  selectedFrame: number;
  selectedSlot: number;
  hoveredSlot: number;
  /** Labels the axis ticks (given x minus axisOrigin); null hides the axis. */
  formatTick: ((x: number) => string) | null;
  /** x shown as 0 on the axis: the trace start for time order, so times match the summary's. */
  axisOrigin: number;
  /** User timings and other markers, drawn in the axis strip (time order only). */
  markers: readonly { start: number; end: number }[] | null;
}

export interface FlameDrawStats {
  rects: number;
  mergedRuns: number;
  labels: number;
  ms: number;
}

/** Smallest width (device pixels) drawn as its own rectangle; narrower runs merge. */
const MIN_RECT_DEVICE_PX = 1;
/** Narrowest rectangle (CSS pixels) that gets a text label. */
const MIN_LABEL_PX = 28;
const LABEL_PAD_PX = 4;

/** Growable list of rectangles for one colour; reused between frames. */
class RectBatch {
  data = new Float64Array(1024);
  length = 0;
  push(x: number, y: number, w: number, h: number): void {
    if (this.length + 4 > this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    const d = this.data;
    const n = this.length;
    d[n] = x;
    d[n + 1] = y;
    d[n + 2] = w;
    d[n + 3] = h;
    this.length = n + 4;
  }
}

export class FlameRenderer {
  private readonly batches: RectBatch[] = Array.from({ length: PALETTE_SIZE * 2 }, () => new RectBatch());
  private readonly labelSlots: number[] = [];
  private readonly labelGeometry: number[] = [];
  private textWidths = new Map<string, number>();
  private textFont = '';

  draw(ctx: CanvasRenderingContext2D, input: FlameDrawInput, theme: FlameTheme): FlameDrawStats {
    const t0 = performance.now();
    const { layout, viewport, dpr, inverted, colorBucket, matches } = input;
    const W = Math.round(input.width * dpr);
    const H = Math.round(input.height * dpr);
    const rowH = input.rowHeight * dpr;
    const axisH = input.axisHeight * dpr;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = theme.background;
    ctx.fillRect(0, 0, W, H);

    const span = viewport.x1 - viewport.x0;
    const stats: FlameDrawStats = { rects: 0, mergedRuns: 0, labels: 0, ms: 0 };
    if (!(span > 0) || W === 0 || H === 0) {
      stats.ms = performance.now() - t0;
      return stats;
    }
    const scale = W / span;
    const vx0 = viewport.x0;
    const vx1 = viewport.x1;
    const scrollY = viewport.scrollY * dpr;
    const rectH = Math.max(1, Math.round(rowH) - Math.max(1, Math.round(dpr)));
    const labelMin = MIN_LABEL_PX * dpr;
    for (const b of this.batches) b.length = 0;
    this.labelSlots.length = 0;
    this.labelGeometry.length = 0;

    // Rows whose band intersects the drawing area (below the axis).
    const bandTop = inverted ? 0 : axisH;
    const bandBottom = inverted ? H - axisH : H;
    const rowTop = (d: number) => Math.round(inverted ? bandBottom - (d + 1) * rowH + scrollY : bandTop + d * rowH - scrollY);
    let firstRow: number;
    let lastRow: number;
    if (inverted) {
      firstRow = Math.max(0, Math.floor((scrollY - 0) / rowH));
      lastRow = Math.min(layout.rows - 1, Math.floor((bandBottom - bandTop + scrollY) / rowH));
    } else {
      firstRow = Math.max(0, Math.floor(scrollY / rowH));
      lastRow = Math.min(layout.rows - 1, Math.floor((scrollY + bandBottom - bandTop) / rowH));
    }

    const x0 = layout.x0;
    const x1 = layout.x1;
    const frame = layout.frame;
    for (let d = firstRow; d <= lastRow; d++) {
      const y = rowTop(d);
      const rowEnd = layout.rowStart[d + 1];
      // Sub-pixel runs that touch are drawn as one block: a row of thousands of
      // tiny calls costs one rectangle, not one per pixel. A block whose runs all
      // start with the same function keeps its colour (a loop interrupted by GC
      // samples); a mixed one is drawn neutral, since no single function owns it
      // (hover still names the call under the pointer).
      let pendingBatch: RectBatch | null = null;
      let pendingLeft = 0;
      let pendingRight = 0;
      let pendingFrame = -1;
      let pendingSlot = -1;
      let pendingMixed = false;
      const aggregate = this.batches[PALETTE_SIZE + (d & 1)];
      const flushPending = () => {
        if (pendingBatch) {
          const target = pendingMixed ? aggregate : pendingBatch;
          const width = Math.max(MIN_RECT_DEVICE_PX, pendingRight - pendingLeft);
          target.push(pendingLeft, y, width, rectH);
          if (!pendingMixed && width >= labelMin) {
            this.labelSlots.push(pendingSlot);
            this.labelGeometry.push(pendingLeft, y, width);
          }
          stats.mergedRuns++;
          pendingBatch = null;
        }
      };
      let i = firstSlotEndingAfter(layout, d, vx0);
      while (i < rowEnd) {
        const a = x0[i];
        if (a >= vx1) break;
        const px0 = (a - vx0) * scale;
        const px1 = (x1[i] - vx0) * scale;
        const f = frame[i];
        const dim = matches !== null && matches[f] === 0;
        const batch = this.batches[colorBucket[f] + (dim ? PALETTE_SIZE : 0)];
        if (px1 - px0 >= MIN_RECT_DEVICE_PX) {
          flushPending();
          // Whole device pixels: no anti-aliased edges, which software rasterisation pays dearly for.
          const left = px0 < 0 ? 0 : Math.round(px0);
          const right = px1 > W ? W : Math.max(left + 1, Math.round(px1));
          // A one-pixel gap separates neighbours once there is room for it.
          const w = right - left > 3 ? right - left - 1 : right - left;
          batch.push(left, y, w, rectH);
          stats.rects++;
          if (right - left >= labelMin) {
            this.labelSlots.push(i);
            this.labelGeometry.push(left, y, right - left);
          }
          i++;
          continue;
        }
        // Slots starting within this pixel collapse into one block.
        const first = i;
        const limit = vx0 + (px0 + MIN_RECT_DEVICE_PX) / scale;
        const j = firstSlotStartingAtOrAfter(layout, d, limit, i + 1);
        const last = j - 1;
        let blockEnd: number;
        if (last > i && (x1[last] - x0[last]) * scale >= MIN_RECT_DEVICE_PX) {
          blockEnd = (x0[last] - vx0) * scale;
          i = last;
        } else {
          blockEnd = (x1[last] - vx0) * scale;
          i = j;
        }
        const left = px0 < 0 ? 0 : Math.round(px0);
        const right = Math.max(left + MIN_RECT_DEVICE_PX, Math.round(Math.min(blockEnd, W)));
        if (pendingBatch && left <= pendingRight + MIN_RECT_DEVICE_PX) {
          if (right > pendingRight) pendingRight = right;
          if (f !== pendingFrame) pendingMixed = true;
        } else {
          flushPending();
          pendingBatch = batch;
          pendingLeft = left;
          pendingRight = right;
          pendingFrame = f;
          pendingSlot = first;
          pendingMixed = false;
        }
      }
      flushPending();
    }

    for (let c = 0; c < this.batches.length; c++) {
      const b = this.batches[c];
      if (b.length === 0) continue;
      ctx.fillStyle = c < PALETTE_SIZE ? theme.palette[c] : theme.dimPalette[c - PALETTE_SIZE];
      const d = b.data;
      // fillRect per block, not one big path: pixel-aligned rectangles take the rasteriser's fast path.
      for (let k = 0; k < b.length; k += 4) ctx.fillRect(d[k], d[k + 1], d[k + 2], d[k + 3]);
    }

    stats.labels = this.drawLabels(ctx, input, theme, rectH);
    this.drawOutlines(ctx, input, theme, scale, rowTop, firstRow, lastRow, rectH, W);
    if (input.formatTick && axisH > 0) this.drawAxis(ctx, input, theme, scale, W, H, axisH);
    if (input.markers && input.markers.length > 0 && axisH > 0) this.drawMarkers(ctx, input, theme, scale, W, H, axisH);
    stats.ms = performance.now() - t0;
    return stats;
  }

  private measure(ctx: CanvasRenderingContext2D, text: string): number {
    let w = this.textWidths.get(text);
    if (w === undefined) {
      if (this.textWidths.size > 50_000) this.textWidths.clear();
      w = ctx.measureText(text).width;
      this.textWidths.set(text, w);
    }
    return w;
  }

  private drawLabels(ctx: CanvasRenderingContext2D, input: FlameDrawInput, theme: FlameTheme, rectH: number): number {
    const { dpr, layout, names, matches } = input;
    const font = theme.font.replace(/(\d+(?:\.\d+)?)px/, (_, px) => `${Number(px) * dpr}px`);
    if (font !== this.textFont) {
      this.textFont = font;
      this.textWidths.clear();
    }
    ctx.font = font;
    ctx.textBaseline = 'middle';
    const pad = LABEL_PAD_PX * dpr;
    const ellipsis = '…';
    const ellipsisW = this.measure(ctx, ellipsis);
    let drawn = 0;
    let currentFill = '';
    for (let k = 0; k < this.labelSlots.length; k++) {
      const slot = this.labelSlots[k];
      const left = this.labelGeometry[k * 3];
      const y = this.labelGeometry[k * 3 + 1];
      const w = this.labelGeometry[k * 3 + 2];
      const f = layout.frame[slot];
      const name = names[f] ?? '';
      const room = w - 2 * pad;
      if (room <= ellipsisW) continue;
      let text = name;
      const full = this.measure(ctx, name);
      if (full > room) {
        // Cut in proportion to the name's average glyph width (one cached measurement per
        // name, none per prefix: prefixes change with every zoom step), with a little slack.
        const chars = Math.floor(((room - ellipsisW) * name.length * 0.92) / full);
        if (chars <= 0) continue;
        text = name.slice(0, chars) + ellipsis;
      }
      const fill = matches !== null && matches[f] === 0 ? theme.dimText : theme.text;
      if (fill !== currentFill) {
        ctx.fillStyle = fill;
        currentFill = fill;
      }
      ctx.fillText(text, left + pad, y + rectH / 2 + dpr * 0.5);
      drawn++;
    }
    return drawn;
  }

  private drawOutlines(
    ctx: CanvasRenderingContext2D,
    input: FlameDrawInput,
    theme: FlameTheme,
    scale: number,
    rowTop: (d: number) => number,
    firstRow: number,
    lastRow: number,
    rectH: number,
    W: number,
  ): void {
    const { layout, viewport, dpr, selectedFrame, selectedSlot, hoveredSlot } = input;
    const outline = (slot: number, d: number, color: string, lineWidth: number) => {
      const left = Math.max(-lineWidth, (layout.x0[slot] - viewport.x0) * scale);
      const right = Math.min(W + lineWidth, (layout.x1[slot] - viewport.x0) * scale);
      if (right < 0 || left > W) return;
      ctx.strokeStyle = color;
      ctx.lineWidth = lineWidth;
      ctx.strokeRect(left + lineWidth / 2, rowTop(d) + lineWidth / 2, Math.max(1, right - left - lineWidth), rectH - lineWidth);
    };
    if (selectedFrame >= 0) {
      // Every visible call of the selected function, so its other calls stand out too.
      for (let d = firstRow; d <= lastRow; d++) {
        const end = layout.rowStart[d + 1];
        for (let i = firstSlotEndingAfter(layout, d, viewport.x0); i < end && layout.x0[i] < viewport.x1; i++) {
          if (layout.frame[i] !== selectedFrame) continue;
          if ((layout.x1[i] - layout.x0[i]) * scale < 2) continue;
          outline(i, d, theme.selection, Math.max(1, Math.round(dpr)));
        }
      }
    }
    if (selectedSlot >= 0 && selectedSlot < layout.count) outline(selectedSlot, rowOfSlot(layout, selectedSlot), theme.selection, 2 * dpr);
    if (hoveredSlot >= 0 && hoveredSlot < layout.count) outline(hoveredSlot, rowOfSlot(layout, hoveredSlot), theme.hover, dpr);
  }

  private drawAxis(ctx: CanvasRenderingContext2D, input: FlameDrawInput, theme: FlameTheme, scale: number, W: number, H: number, axisH: number): void {
    const { viewport, dpr, inverted, formatTick } = input;
    const top = inverted ? H - axisH : 0;
    ctx.fillStyle = theme.background;
    ctx.fillRect(0, top, W, axisH);
    const step = niceStep((100 * dpr) / scale);
    ctx.fillStyle = theme.axisText;
    ctx.textBaseline = 'middle';
    ctx.strokeStyle = theme.gridLine;
    ctx.lineWidth = 1;
    ctx.beginPath();
    const origin = input.axisOrigin;
    const first = Math.ceil((viewport.x0 - origin) / step) * step + origin;
    for (let x = first; x <= viewport.x1; x += step) {
      const px = Math.round((x - viewport.x0) * scale) + 0.5;
      ctx.moveTo(px, top);
      ctx.lineTo(px, H);
      ctx.fillText(formatTick!(x - origin), px + 3 * dpr, top + axisH / 2);
    }
    ctx.moveTo(0, inverted ? top + 0.5 : axisH - 0.5);
    ctx.lineTo(W, inverted ? top + 0.5 : axisH - 0.5);
    ctx.stroke();
  }

  /** Range markers as a bar along the axis' lower edge, instant ones as small triangles pointing at the chart. */
  private drawMarkers(ctx: CanvasRenderingContext2D, input: FlameDrawInput, theme: FlameTheme, scale: number, W: number, H: number, axisH: number): void {
    const { viewport, dpr, inverted } = input;
    const edge = inverted ? H - axisH : axisH;
    const size = 5 * dpr;
    ctx.fillStyle = theme.marker;
    ctx.beginPath();
    for (const m of input.markers!) {
      if (m.end < viewport.x0 || m.start > viewport.x1) continue;
      const a = (m.start - viewport.x0) * scale;
      if (m.end > m.start) {
        const b = (m.end - viewport.x0) * scale;
        const left = Math.max(0, a);
        ctx.rect(left, inverted ? edge : edge - 3 * dpr, Math.max(dpr, Math.min(W, b) - left), 3 * dpr);
      } else {
        const tip = inverted ? edge + size : edge - 1;
        const base = inverted ? edge + 1 : edge - size;
        ctx.moveTo(a - size / 2, base);
        ctx.lineTo(a + size / 2, base);
        ctx.lineTo(a, tip);
        ctx.closePath();
      }
    }
    ctx.fill();
  }
}
