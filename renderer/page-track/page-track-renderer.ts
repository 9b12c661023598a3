// Canvas 2D drawing of the page track on the chart's time axis. Per frame it
// visits only what is in view: the rows on screen, and in each row the
// requests from the first one ending after the window's left edge (binary
// search) to the first starting past its right edge. A request narrower than
// a pixel that lands on a pixel already drawn in its row is skipped, so the
// cost follows pixels, not requests. Bars are batched by colour.
import { REQUEST_KINDS, requestKind, type RequestKind } from './request-kind.ts';
import { isRenderBlocking, requestEnd } from './page-items.ts';
import {
  EVENT_BAND_PX,
  MILESTONE_BAND_PX,
  REQUEST_ROW_PX,
  firstRequestEndingAfter,
  requestRowTop,
  type PageTrackLayout,
  type TrackView,
} from './page-track-layout.ts';
import type { PageTrackTheme } from './page-track-theme.ts';

export interface PageTrackDrawInput {
  layout: PageTrackLayout;
  view: TrackView;
  /** Canvas height in CSS px. */
  height: number;
  dpr: number;
  /** Ids of the selected item's parts (a cluster selects its shifts) and of the hovered one. */
  selectedIds: ReadonlySet<string>;
  hoveredId: string | null;
}

export interface PageTrackDrawStats {
  bars: number;
  ms: number;
}

const WAITING_ALPHA = 0.4;

export class PageTrackRenderer {
  /** Per kind: x, y, w, h of waiting parts then of download parts, reused between frames. */
  private readonly waiting = new Map<RequestKind, number[]>(REQUEST_KINDS.map((k) => [k, []]));
  private readonly download = new Map<RequestKind, number[]>(REQUEST_KINDS.map((k) => [k, []]));
  private readonly blocking: number[] = [];

  draw(ctx: CanvasRenderingContext2D, input: PageTrackDrawInput, theme: PageTrackTheme): PageTrackDrawStats {
    const t0 = performance.now();
    const { view, dpr } = input;
    const W = Math.round(view.width * dpr);
    const H = Math.round(input.height * dpr);
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = theme.flame.background;
    ctx.fillRect(0, 0, W, H);
    const stats: PageTrackDrawStats = { bars: 0, ms: 0 };
    if (!(view.x1 > view.x0) || W === 0 || H === 0) {
      stats.ms = performance.now() - t0;
      return stats;
    }
    const scale = W / (view.x1 - view.x0);
    const toPx = (x: number) => (x - view.x0) * scale;
    const bandsBottom = (MILESTONE_BAND_PX + EVENT_BAND_PX) * dpr;

    ctx.save();
    ctx.beginPath();
    ctx.rect(0, bandsBottom, W, H - bandsBottom);
    ctx.clip();
    stats.bars = this.drawRequests(ctx, input, theme, toPx, W, H);
    ctx.restore();

    ctx.fillStyle = theme.band;
    ctx.fillRect(0, 0, W, bandsBottom);
    this.drawMilestoneLines(ctx, input, theme, toPx, W, H);
    this.drawEvents(ctx, input, theme, toPx, W);
    this.drawMilestoneLabels(ctx, input, theme, toPx, W);
    ctx.fillStyle = theme.flame.gridLine;
    ctx.fillRect(0, bandsBottom - dpr, W, dpr);
    this.drawScrollIndicator(ctx, input, theme, W, H, bandsBottom);
    stats.ms = performance.now() - t0;
    return stats;
  }

  private drawRequests(
    ctx: CanvasRenderingContext2D,
    input: PageTrackDrawInput,
    theme: PageTrackTheme,
    toPx: (x: number) => number,
    W: number,
    H: number,
  ): number {
    const { layout, view, dpr, selectedIds, hoveredId } = input;
    const requests = layout.page.requests;
    for (const list of this.waiting.values()) list.length = 0;
    for (const list of this.download.values()) list.length = 0;
    this.blocking.length = 0;
    const outlines: { x: number; y: number; w: number; h: number; color: string; line: number }[] = [];
    const barH = Math.max(1, Math.round((REQUEST_ROW_PX - 2) * dpr));
    const firstRow = Math.max(0, Math.floor(view.scrollY / REQUEST_ROW_PX));
    const lastRow = Math.min(layout.rows.length - 1, Math.floor((view.scrollY + input.height) / REQUEST_ROW_PX));
    let bars = 0;
    for (let row = firstRow; row <= lastRow; row++) {
      const y = Math.round(requestRowTop(row, view.scrollY) * dpr) + Math.round(dpr);
      if (y >= H) break;
      const members = layout.rows[row];
      let drawnRight = -Infinity;
      for (let k = firstRequestEndingAfter(layout, row, view.x0); k < members.length; k++) {
        const r = requests[members[k]];
        if (r.start >= view.x1) break;
        const left = Math.max(0, Math.round(toPx(r.start)));
        const right = Math.min(W, Math.max(left + 1, Math.round(toPx(requestEnd(r)))));
        const selected = selectedIds.has(r.id);
        if (right <= drawnRight && !selected && r.id !== hoveredId) continue;
        drawnRight = right;
        // A one-pixel gap separates neighbours once there is room for it.
        const w = right - left > 3 ? right - left - 1 : right - left;
        const kind = requestKind(r.mimeType);
        const split = r.responseStart === undefined ? left : Math.min(left + w, Math.max(left, Math.round(toPx(r.responseStart))));
        if (split > left) this.waiting.get(kind)!.push(left, y, split - left, barH);
        if (left + w > split) this.download.get(kind)!.push(split, y, left + w - split, barH);
        if (isRenderBlocking(r)) this.blocking.push(left, y, w, Math.max(1, Math.round(2 * dpr)));
        if (selected) outlines.push({ x: left, y, w, h: barH, color: theme.flame.selection, line: 2 * dpr });
        else if (r.id === hoveredId) outlines.push({ x: left, y, w, h: barH, color: theme.flame.hover, line: dpr });
        bars++;
      }
    }
    ctx.globalAlpha = WAITING_ALPHA;
    for (const [kind, list] of this.waiting) fillRects(ctx, list, theme.requestKind[kind]);
    ctx.globalAlpha = 1;
    for (const [kind, list] of this.download) fillRects(ctx, list, theme.requestKind[kind]);
    fillRects(ctx, this.blocking, theme.blocking);
    for (const o of outlines) strokeBox(ctx, o.x, o.y, o.w, o.h, o.color, o.line);
    return bars;
  }

  /** Each milestone as a line down the whole track, so one sees which requests came before it. */
  private drawMilestoneLines(
    ctx: CanvasRenderingContext2D,
    input: PageTrackDrawInput,
    theme: PageTrackTheme,
    toPx: (x: number) => number,
    W: number,
    H: number,
  ): void {
    const { dpr, layout, view, selectedIds } = input;
    for (const m of layout.milestones) {
      if (m.at < view.x0 || m.at > view.x1) continue;
      const x = Math.round(toPx(m.at));
      if (x < 0 || x > W) continue;
      ctx.fillStyle = m.rating ? theme.rating[m.rating] : theme.milestone;
      const wide = selectedIds.has(m.navigationId) && m.name === 'Nav';
      ctx.fillRect(x, 0, Math.max(1, Math.round((wide ? 2 : 1) * dpr)), H);
    }
  }

  /**
   * Labels left to right. Milestones on the same pixel share one label, each
   * name in its own rating colour ("FCP LCP"); a label that would overlap the
   * previous one is left out (hover still names it).
   */
  private drawMilestoneLabels(ctx: CanvasRenderingContext2D, input: PageTrackDrawInput, theme: PageTrackTheme, toPx: (x: number) => number, W: number): void {
    const { dpr, layout, view } = input;
    ctx.font = theme.flame.font.replace(/(\d+(?:\.\d+)?)px/, (_, px) => `${Number(px) * dpr}px`);
    ctx.textBaseline = 'middle';
    const pad = 3 * dpr;
    const visible = layout.milestones.filter((m) => m.at >= view.x0 && m.at <= view.x1);
    let freeFrom = -Infinity;
    for (let i = 0; i < visible.length;) {
      const x = Math.round(toPx(visible[i].at));
      let j = i + 1;
      while (j < visible.length && Math.round(toPx(visible[j].at)) - x <= dpr) j++;
      const group = visible.slice(i, j);
      i = j;
      const widths = group.map((m) => ctx.measureText(m.name).width);
      const total = widths.reduce((a, b) => a + b, 0) + pad * (group.length - 1);
      const left = x + pad;
      if (left < freeFrom || left + total > W) continue;
      let cursor = left;
      group.forEach((m, k) => {
        ctx.fillStyle = m.rating ? theme.rating[m.rating] : theme.flame.axisText;
        ctx.fillText(m.name, cursor, (MILESTONE_BAND_PX / 2) * dpr);
        cursor += widths[k] + pad;
      });
      freeFrom = left + total + pad;
    }
  }

  /** Shifts as diamonds in the upper half of the band, interactions as bars in its lower half. */
  private drawEvents(ctx: CanvasRenderingContext2D, input: PageTrackDrawInput, theme: PageTrackTheme, toPx: (x: number) => number, W: number): void {
    const { dpr, layout, view, selectedIds, hoveredId } = input;
    const top = MILESTONE_BAND_PX * dpr;
    const half = (EVENT_BAND_PX / 2) * dpr;
    const r = 3.5 * dpr;
    const outlines: [number, number, number, number, string, number][] = [];
    ctx.fillStyle = theme.shift;
    ctx.beginPath();
    for (const s of layout.page.layoutShifts) {
      if (s.at < view.x0 || s.at > view.x1) continue;
      const x = toPx(s.at);
      const cy = top + half / 2;
      ctx.moveTo(x, cy - r);
      ctx.lineTo(x + r, cy);
      ctx.lineTo(x, cy + r);
      ctx.lineTo(x - r, cy);
      ctx.closePath();
      if (selectedIds.has(s.id)) outlines.push([x - r - dpr, cy - r - dpr, 2 * r + 2 * dpr, 2 * r + 2 * dpr, theme.flame.selection, 2 * dpr]);
      else if (s.id === hoveredId) outlines.push([x - r - dpr, cy - r - dpr, 2 * r + 2 * dpr, 2 * r + 2 * dpr, theme.flame.hover, dpr]);
    }
    ctx.fill();
    ctx.fillStyle = theme.interaction;
    const barH = Math.round(half - 2 * dpr);
    const y = Math.round(top + half);
    for (const it of layout.page.interactions) {
      if (it.end < view.x0 || it.start > view.x1) continue;
      const left = Math.max(0, Math.round(toPx(it.start)));
      const right = Math.min(W, Math.max(left + 2 * dpr, Math.round(toPx(it.end))));
      ctx.fillRect(left, y, right - left, barH);
      if (selectedIds.has(it.id)) outlines.push([left, y, right - left, barH, theme.flame.selection, 2 * dpr]);
      else if (it.id === hoveredId) outlines.push([left, y, right - left, barH, theme.flame.hover, dpr]);
    }
    for (const [x, oy, w, h, color, line] of outlines) strokeBox(ctx, x, oy, w, h, color, line);
  }

  /** A thumb at the right edge when the waterfall has more rows than fit. */
  private drawScrollIndicator(
    ctx: CanvasRenderingContext2D,
    input: PageTrackDrawInput,
    theme: PageTrackTheme,
    W: number,
    H: number,
    bandsBottom: number,
  ): void {
    const { layout, view, dpr } = input;
    const rowsHeight = layout.contentHeight - MILESTONE_BAND_PX - EVENT_BAND_PX;
    const visible = input.height - MILESTONE_BAND_PX - EVENT_BAND_PX;
    if (rowsHeight <= visible || visible <= 0) return;
    const track = H - bandsBottom;
    const thumb = Math.max(8 * dpr, (track * visible) / rowsHeight);
    const top = bandsBottom + ((track - thumb) * view.scrollY) / (rowsHeight - visible);
    ctx.fillStyle = theme.flame.axisText;
    ctx.globalAlpha = 0.5;
    ctx.fillRect(W - 4 * dpr, top, 3 * dpr, thumb);
    ctx.globalAlpha = 1;
  }
}

function fillRects(ctx: CanvasRenderingContext2D, list: readonly number[], color: string): void {
  if (list.length === 0) return;
  ctx.fillStyle = color;
  for (let k = 0; k < list.length; k += 4) ctx.fillRect(list[k], list[k + 1], list[k + 2], list[k + 3]);
}

function strokeBox(ctx: CanvasRenderingContext2D, x: number, y: number, w: number, h: number, color: string, line: number): void {
  ctx.strokeStyle = color;
  ctx.lineWidth = line;
  ctx.strokeRect(x + line / 2, y + line / 2, Math.max(1, w - line), Math.max(1, h - line));
}
