// The page track above the time order flame chart: the navigations'
// milestones, layout shifts and interactions, and the network waterfall, on
// the chart's own zoom window (the view store's viewport of `chartId`), so
// zooming or panning either moves both. Drawn on a canvas by
// PageTrackRenderer; hover names what is under the pointer, click selects it
// (the summary panel shows the selection), double-click zooms to it. The
// waterfall scrolls by dragging; the track is height-capped and collapsible.
import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent as ReactMouseEvent, type PointerEvent as ReactPointerEvent } from 'react';
import type { Profile } from '../../shared-importer/src/model/profile.ts';
import type { PageInsights } from '../../shared-importer/src/page/page-types.ts';
import { recordPageTrackDraw } from '../debug/frame-stats.ts';
import type { FlameLayout } from '../flame-chart/flame-layout.ts';
import { centerOn, clampViewport, fullViewport, type Viewport } from '../flame-chart/viewport.ts';
import { DRAG_THRESHOLD_PX, viewportAfterKey, viewportAfterWheel } from '../flame-chart/viewport-input.ts';
import { formatCount } from '../format/units.ts';
import { neighbourRequestId, pageItem, pageItemRange } from '../page-track/page-items.ts';
import {
  buildPageTrackLayout,
  hitTest,
  maxTrackScroll,
  scrollToShowRow,
  type PageTrackLayout,
  type TrackHit,
  type TrackView,
} from '../page-track/page-track-layout.ts';
import { PageTrackRenderer } from '../page-track/page-track-renderer.ts';
import { readPageTrackTheme, type PageTrackTheme } from '../page-track/page-track-theme.ts';
import { REQUEST_KIND_LABELS, REQUEST_KINDS } from '../page-track/request-kind.ts';
import { showPageItem } from '../state/navigation.ts';
import { useViewStore } from '../state/view-store.ts';
import type { CanvasSize } from './canvas-surface.ts';
import { useCanvasFrames } from './use-canvas-frames.ts';
import { PageItemDetails, type PageDetailsSubject } from './PageItemDetails.tsx';

const TOOLTIP_OFFSET_PX = 14;
const TOOLTIP_WIDTH_PX = 420;
/** Room a request's card needs below the pointer before it moves up. */
const TOOLTIP_MAX_HEIGHT_PX = 300;

interface PageTrackProps {
  chartId: string;
  /** The time order layout under the track: its bounds are the zoom limits. */
  chartLayout: FlameLayout;
  profile: Profile;
  page: PageInsights;
}

/** Ids an item's selection outlines: a cluster's shifts, or the item itself. */
function selectedIdsOf(page: PageInsights, id: string | null): Set<string> {
  if (!id) return new Set();
  const item = pageItem(page, id);
  return new Set(item?.kind === 'cluster' ? item.shifts.map((s) => s.id) : [id]);
}

function subjectOf(page: PageInsights, hit: TrackHit): PageDetailsSubject | null {
  return hit.band === 'milestone' ? { kind: 'milestone', milestone: hit.milestone } : pageItem(page, hit.id);
}

/** The item a click on a hit selects: a milestone selects its navigation. */
function idOfHit(hit: TrackHit): string {
  return hit.band === 'milestone' ? hit.milestone.navigationId : hit.id;
}

export function PageTrack({ chartId, chartLayout, profile, page }: PageTrackProps) {
  const open = useViewStore((s) => s.pageTrackOpen);
  const layout = useMemo(() => buildPageTrackLayout(page), [page]);
  return (
    <section className="page-track" aria-label="Page: load milestones, layout shifts, interactions and network requests" data-testid="page-track">
      <header className="page-track-head">
        <button
          type="button"
          className="page-track-toggle"
          aria-expanded={open}
          onClick={() => useViewStore.getState().pageTrackToggled()}
          data-testid="page-track-toggle"
        >
          <span aria-hidden="true">{open ? '▾' : '▸'}</span> Page
        </button>
        <span className="muted page-track-count">
          {formatCount(page.navigations.length)} {page.navigations.length === 1 ? 'navigation' : 'navigations'} · {formatCount(page.requests.length)}{' '}
          {page.requests.length === 1 ? 'request' : 'requests'}
        </span>
        {open && page.requests.length > 0 && (
          <ul className="page-track-legend" aria-label="Request colours">
            <li>
              <span className="swatch page-blocking" aria-hidden="true" />
              render-blocking
            </li>
            {REQUEST_KINDS.map((kind) => (
              <li key={kind}>
                <span className={`swatch request-${kind}`} aria-hidden="true" />
                {REQUEST_KIND_LABELS[kind]}
              </li>
            ))}
          </ul>
        )}
      </header>
      {open && <PageTrackCanvas chartId={chartId} chartLayout={chartLayout} profile={profile} layout={layout} />}
    </section>
  );
}

function PageTrackCanvas({ chartId, chartLayout, profile, layout }: { chartId: string; chartLayout: FlameLayout; profile: Profile; layout: PageTrackLayout }) {
  const page = layout.page;
  const bodyRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const scrollY = useRef(0);
  const renderer = useRef(new PageTrackRenderer());
  const drag = useRef<{ x: number; y: number; start: Viewport; scrollY: number; moved: boolean } | null>(null);
  const [hovered, setHovered] = useState<{ hit: TrackHit; clientX: number; clientY: number } | null>(null);
  const hoveredId = useRef<string | null>(null);
  const bounds = { min: chartLayout.min, max: chartLayout.max };

  const viewport = (): Viewport => useViewStore.getState().viewports[chartId] ?? fullViewport(bounds);
  // The chart's own vertical scroll rides along in the shared viewport; only x changes here.
  const setViewport = (v: Viewport) => useViewStore.getState().viewportChanged(chartId, clampViewport(v, bounds));
  const trackView = (): TrackView => {
    const v = viewport();
    return { x0: v.x0, x1: v.x1, width: size.current.width, scrollY: scrollY.current };
  };

  const draw = (ctx: CanvasRenderingContext2D, canvasSize: CanvasSize, theme: PageTrackTheme) => {
    const stats = renderer.current.draw(
      ctx,
      {
        layout,
        view: trackView(),
        height: canvasSize.height,
        dpr: window.devicePixelRatio || 1,
        selectedIds: selectedIdsOf(page, useViewStore.getState().selectedPageItem),
        hoveredId: hoveredId.current,
      },
      theme,
    );
    recordPageTrackDraw(stats.ms);
  };
  /** Scrolls the waterfall so a selected request's row is in view. */
  const revealSelection = (id: string | null): void => {
    const item = id ? pageItem(page, id) : null;
    if (item?.kind !== 'request') return;
    const row = layout.rowOfRequest[page.requests.indexOf(item.request)];
    scrollY.current = scrollToShowRow(layout, row, scrollY.current, size.current.height);
  };
  const { size, drawNow, scheduleDraw } = useCanvasFrames({
    canvasRef,
    containerRef: bodyRef,
    readTheme: readPageTrackTheme,
    draw,
    onResize: () => revealSelection(useViewStore.getState().selectedPageItem),
    onWheel: (event: WheelEvent, canvas: HTMLCanvasElement): void => setViewport(viewportAfterWheel(viewport(), bounds, event, canvas.getBoundingClientRect())),
  });
  const latest = useRef({ revealSelection });
  latest.current = { revealSelection };

  useEffect(
    () =>
      useViewStore.subscribe((s, prev) => {
        if (s.selectedPageItem !== prev.selectedPageItem) latest.current.revealSelection(s.selectedPageItem);
        if (s.viewports[chartId] !== prev.viewports[chartId] || s.selectedPageItem !== prev.selectedPageItem) scheduleDraw();
      }),
    [chartId, scheduleDraw],
  );
  useEffect(drawNow, [layout, chartLayout, drawNow]);

  const hitAt = (clientX: number, clientY: number): TrackHit | null => {
    const rect = canvasRef.current!.getBoundingClientRect();
    return hitTest(layout, trackView(), clientX - rect.left, clientY - rect.top);
  };
  const hover = (next: { hit: TrackHit; clientX: number; clientY: number } | null) => {
    const id = next && next.hit.band !== 'milestone' ? next.hit.id : null;
    if (id !== hoveredId.current) {
      hoveredId.current = id;
      scheduleDraw();
    }
    setHovered(next);
  };

  const onPointerDown = (event: ReactPointerEvent<HTMLCanvasElement>) => {
    if (event.button !== 0) return;
    event.currentTarget.setPointerCapture(event.pointerId);
    drag.current = { x: event.clientX, y: event.clientY, start: viewport(), scrollY: scrollY.current, moved: false };
  };
  const onPointerMove = (event: ReactPointerEvent<HTMLCanvasElement>) => {
    const d = drag.current;
    if (d) {
      const dx = event.clientX - d.x;
      const dy = event.clientY - d.y;
      if (!d.moved && Math.hypot(dx, dy) < DRAG_THRESHOLD_PX) return;
      d.moved = true;
      const shift = (-dx / size.current.width) * (d.start.x1 - d.start.x0);
      scrollY.current = Math.max(0, Math.min(d.scrollY - dy, maxTrackScroll(layout, size.current.height)));
      setViewport({ ...d.start, x0: d.start.x0 + shift, x1: d.start.x1 + shift, scrollY: viewport().scrollY });
      scheduleDraw();
      hover(null);
      return;
    }
    const hit = hitAt(event.clientX, event.clientY);
    hover(hit ? { hit, clientX: event.clientX, clientY: event.clientY } : null);
  };
  const onPointerUp = (event: ReactPointerEvent<HTMLCanvasElement>) => {
    const d = drag.current;
    drag.current = null;
    if (!d || d.moved) return;
    const hit = hitAt(event.clientX, event.clientY);
    useViewStore.getState().pageItemSelected(hit ? idOfHit(hit) : null);
  };
  const onDoubleClick = (event: ReactMouseEvent<HTMLCanvasElement>) => {
    const hit = hitAt(event.clientX, event.clientY);
    if (hit) showPageItem(profile, idOfHit(hit), useViewStore.getState().threadId);
  };
  /** Shift+←/→ walk the requests in start order, the chart following the one selected. */
  const stepRequest = (step: 1 | -1) => {
    const store = useViewStore.getState();
    const id = neighbourRequestId(page, store.selectedPageItem, step);
    if (!id) return;
    store.pageItemSelected(id);
    const item = pageItem(page, id)!;
    const { start, end } = pageItemRange(item);
    const v = viewport();
    if (end < v.x0 || start > v.x1) setViewport(centerOn(v, bounds, (start + end) / 2));
  };
  const onKeyDown = (event: KeyboardEvent<HTMLCanvasElement>) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const store = useViewStore.getState();
    if (event.shiftKey) {
      if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
      stepRequest(event.key === 'ArrowRight' ? 1 : -1);
    } else if (event.key === 'PageDown' || event.key === 'PageUp') {
      const step = (event.key === 'PageDown' ? 1 : -1) * Math.max(1, size.current.height / 2);
      scrollY.current = Math.max(0, Math.min(scrollY.current + step, maxTrackScroll(layout, size.current.height)));
      scheduleDraw();
    } else if (event.key === 'Enter') {
      if (store.selectedPageItem) showPageItem(profile, store.selectedPageItem, store.threadId);
    } else {
      const next = viewportAfterKey(viewport(), bounds, event.key);
      if (next === null) return;
      if (next === 'reset') store.viewportReset(chartId);
      else setViewport(next);
    }
    event.preventDefault();
  };

  const subject = hovered ? subjectOf(page, hovered.hit) : null;
  return (
    <div className="page-track-body" ref={bodyRef} style={{ height: layout.contentHeight }}>
      <canvas
        ref={canvasRef}
        tabIndex={0}
        role="img"
        aria-label={`Page track: ${page.navigations.length} navigations, ${page.requests.length} network requests, ${page.layoutShifts.length} layout shifts, ${page.interactions.length} interactions. W and S zoom, A and D pan, Page Up and Page Down scroll the requests, Shift+arrow keys select the next or previous request, Enter zooms to the selection; the selected item is described in the summary's Page section.`}
        data-testid="page-track-canvas"
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={() => (drag.current = null)}
        onPointerLeave={() => hover(null)}
        onDoubleClick={onDoubleClick}
        onKeyDown={onKeyDown}
      />
      {hovered && subject && (
        <div
          className="flame-tooltip page-tooltip"
          role="tooltip"
          data-testid="page-tooltip"
          style={{
            left: Math.max(4, Math.min(hovered.clientX + TOOLTIP_OFFSET_PX, window.innerWidth - TOOLTIP_WIDTH_PX - 8)),
            top: Math.max(4, Math.min(hovered.clientY + TOOLTIP_OFFSET_PX, window.innerHeight - TOOLTIP_MAX_HEIGHT_PX)),
          }}
        >
          <PageItemDetails page={page} unit={profile.unit} subject={subject} origin={profile.startTime} />
        </div>
      )}
    </div>
  );
}
