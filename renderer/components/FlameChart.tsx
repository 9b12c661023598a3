// One interactive flame chart: a canvas drawn by FlameRenderer, with zoom and
// pan (wheel, trackpad, drag, keys), hover tooltip and click-to-select. The
// zoom window lives in the view store; this component redraws on the next
// animation frame whenever it or the selection/search changes, without a React
// render per wheel event.
import { useEffect, useRef, useState, type KeyboardEvent, type MouseEvent as ReactMouseEvent, type PointerEvent as ReactPointerEvent } from 'react';
import type { Profile } from '../../shared-importer/src/model/profile.ts';
import type { Marker } from '../../shared-importer/src/model/thread-timeline.ts';
import { recordDraw } from '../debug/frame-stats.ts';
import { frameColorBuckets, readFlameTheme, type FlameTheme } from '../flame-chart/frame-colors.ts';
import { neighbourSlot, rowOfSlot, slotAt, type FlameLayout, type SlotStep } from '../flame-chart/flame-layout.ts';
import { FlameRenderer } from '../flame-chart/flame-renderer.ts';
import { centerOn, clampViewport, focusRange, fullViewport, zoomAt, type Viewport } from '../flame-chart/viewport.ts';
import { DRAG_THRESHOLD_PX, viewportAfterKey, viewportAfterWheel } from '../flame-chart/viewport-input.ts';
import { formatWeight } from '../format/units.ts';
import { searchMatches } from '../profile-views/search-matches.ts';
import { chartActivated, registerChart } from '../state/chart-registry.ts';
import { useViewStore } from '../state/view-store.ts';
import type { CanvasSize } from './canvas-surface.ts';
import { useCanvasFrames } from './use-canvas-frames.ts';
import { FlameTooltip } from './FlameTooltip.tsx';

const ROW_HEIGHT = 18;
const AXIS_HEIGHT = 20;

interface FlameChartProps {
  chartId: string;
  layout: FlameLayout;
  profile: Profile;
  label: string;
  inverted?: boolean;
  /** x labelled 0 on the axis; default the layout's left edge. */
  axisOrigin?: number;
  /** Markers (user timings...) shown on the axis; hovering one names it. */
  markers?: readonly Marker[];
  testId?: string;
}

export function FlameChart({ chartId, layout, profile, label, inverted = false, axisOrigin, markers, testId }: FlameChartProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const renderer = useRef(new FlameRenderer());
  const drag = useRef<{ x: number; y: number; start: Viewport; moved: boolean; pointerId: number } | null>(null);
  const bounds = { min: layout.min, max: layout.max };
  const [hoveredMarker, setHoveredMarker] = useState<{ marker: Marker; clientX: number; clientY: number } | null>(null);

  const viewport = (): Viewport => useViewStore.getState().viewports[chartId] ?? fullViewport(bounds);
  const maxScrollY = (): number => Math.max(0, layout.rows * ROW_HEIGHT + AXIS_HEIGHT - size.current.height + ROW_HEIGHT);
  const setViewport = (v: Viewport): void => useViewStore.getState().viewportChanged(chartId, clampViewport(v, bounds, maxScrollY()));

  const draw = (ctx: CanvasRenderingContext2D, size: CanvasSize, theme: FlameTheme) => {
    const state = useViewStore.getState();
    const { matches } = searchMatches(profile.frames, state.search);
    const unit = profile.unit;
    const stats = renderer.current.draw(
      ctx,
      {
        layout,
        viewport: viewport(),
        width: size.width,
        height: size.height,
        dpr: window.devicePixelRatio || 1,
        rowHeight: ROW_HEIGHT,
        axisHeight: AXIS_HEIGHT,
        inverted,
        colorBucket: frameColorBuckets(profile.frames),
        names: profile.frames.names,
        matches,
        selectedFrame: state.selectedFrame,
        selectedSlot: state.selectedSlot?.chartId === chartId ? state.selectedSlot.slot : -1,
        hoveredSlot: state.hovered?.chartId === chartId ? state.hovered.slot : -1,
        formatTick: (x) => formatWeight(x, unit),
        axisOrigin: axisOrigin ?? layout.min,
        markers: markers ?? null,
      },
      theme,
    );
    recordDraw(chartId, stats.ms, stats.rects, stats.mergedRuns, stats.labels);
  };
  const { size, drawNow, scheduleDraw } = useCanvasFrames({
    canvasRef,
    containerRef,
    readTheme: readFlameTheme,
    draw,
    onWheel: (event: WheelEvent, canvas: HTMLCanvasElement): void => setViewport(viewportAfterWheel(viewport(), bounds, event, canvas.getBoundingClientRect())),
  });
  // Handlers registered once read the latest closures through this ref.
  const latest = useRef({ viewport, setViewport, bounds });
  latest.current = { viewport, setViewport, bounds };

  useEffect(() => {
    const canvas = canvasRef.current!;
    const unsubscribe = useViewStore.subscribe((s, prev) => {
      if (
        s.viewports[chartId] !== prev.viewports[chartId] ||
        s.selectedFrame !== prev.selectedFrame ||
        s.selectedSlot !== prev.selectedSlot ||
        s.search !== prev.search ||
        (s.hovered !== prev.hovered && (s.hovered?.chartId === chartId || prev.hovered?.chartId === chartId))
      ) {
        scheduleDraw();
      }
    });
    const unregister = registerChart(chartId, {
      zoom: (factor) => latest.current.setViewport(zoomAt(latest.current.viewport(), latest.current.bounds, factor, 0.5)),
      reset: () => useViewStore.getState().viewportReset(chartId),
      focus: () => canvas.focus(),
    });
    return () => {
      unsubscribe();
      unregister();
    };
  }, [chartId, scheduleDraw]);

  // A new layout (thread or view switch) redraws at once.
  useEffect(drawNow, [layout, profile, drawNow]);

  const slotUnder = (clientX: number, clientY: number): number => {
    const canvas = canvasRef.current!;
    const rect = canvas.getBoundingClientRect();
    const v = viewport();
    const x = v.x0 + ((clientX - rect.left) / rect.width) * (v.x1 - v.x0);
    const y = clientY - rect.top;
    const row = inverted ? Math.floor((rect.height - AXIS_HEIGHT - y + v.scrollY) / ROW_HEIGHT) : Math.floor((y - AXIS_HEIGHT + v.scrollY) / ROW_HEIGHT);
    if ((!inverted && y < AXIS_HEIGHT) || (inverted && y > rect.height - AXIS_HEIGHT)) return -1;
    return slotAt(layout, row, x);
  };

  /** The marker drawn under the pointer in the axis strip, if any. */
  const markerUnder = (clientX: number, clientY: number): Marker | null => {
    if (!markers?.length) return null;
    const rect = canvasRef.current!.getBoundingClientRect();
    const y = clientY - rect.top;
    if (inverted ? y < rect.height - AXIS_HEIGHT : y > AXIS_HEIGHT) return null;
    const v = viewport();
    const perPx = (v.x1 - v.x0) / rect.width;
    const x = v.x0 + (clientX - rect.left) * perPx;
    let best: Marker | null = null;
    let bestDistance = 4 * perPx;
    for (const m of markers) {
      const distance = x < m.start ? m.start - x : x > m.end ? x - m.end : 0;
      if (distance <= bestDistance) {
        best = m;
        bestDistance = distance;
      }
    }
    return best;
  };

  const onPointerDown = (event: ReactPointerEvent<HTMLCanvasElement>) => {
    if (event.button !== 0) return;
    event.currentTarget.setPointerCapture(event.pointerId);
    drag.current = { x: event.clientX, y: event.clientY, start: viewport(), moved: false, pointerId: event.pointerId };
  };
  const onPointerMove = (event: ReactPointerEvent<HTMLCanvasElement>) => {
    const d = drag.current;
    if (d) {
      const dx = event.clientX - d.x;
      const dy = event.clientY - d.y;
      if (!d.moved && Math.hypot(dx, dy) < DRAG_THRESHOLD_PX) return;
      d.moved = true;
      const span = d.start.x1 - d.start.x0;
      const shift = (-dx / size.current.width) * span;
      setViewport({ x0: d.start.x0 + shift, x1: d.start.x1 + shift, scrollY: d.start.scrollY + (inverted ? dy : -dy) });
      useViewStore.getState().hoverChanged(null);
      return;
    }
    const marker = markerUnder(event.clientX, event.clientY);
    setHoveredMarker(marker ? { marker, clientX: event.clientX, clientY: event.clientY } : null);
    const slot = marker ? -1 : slotUnder(event.clientX, event.clientY);
    useViewStore.getState().hoverChanged(slot >= 0 ? { chartId, slot, clientX: event.clientX, clientY: event.clientY } : null);
  };
  const onPointerUp = (event: ReactPointerEvent<HTMLCanvasElement>) => {
    const d = drag.current;
    drag.current = null;
    if (!d || d.moved) return;
    const slot = slotUnder(event.clientX, event.clientY);
    const store = useViewStore.getState();
    if (slot >= 0) store.slotSelected(layout.frame[slot], { chartId, slot });
    else store.selectionCleared();
  };
  const onDoubleClick = (event: ReactMouseEvent<HTMLCanvasElement>) => {
    const slot = slotUnder(event.clientX, event.clientY);
    if (slot >= 0) setViewport(focusRange(bounds, layout.x0[slot], layout.x1[slot], viewport().scrollY));
  };
  /** Moves the selection with the keyboard and scrolls the chart so the new block is in view. */
  const stepSelection = (step: SlotStep) => {
    const store = useViewStore.getState();
    const current = store.selectedSlot?.chartId === chartId ? store.selectedSlot.slot : -1;
    const next = neighbourSlot(layout, current, step);
    if (next < 0) return;
    store.slotSelected(layout.frame[next], { chartId, slot: next });
    let v = viewport();
    const a = layout.x0[next];
    const b = layout.x1[next];
    if (b <= v.x0 || a >= v.x1) v = centerOn(v, bounds, (a + b) / 2);
    const rowTop = rowOfSlot(layout, next) * ROW_HEIGHT;
    const visible = size.current.height - AXIS_HEIGHT;
    if (rowTop < v.scrollY) v = { ...v, scrollY: rowTop };
    else if (rowTop + ROW_HEIGHT > v.scrollY + visible) v = { ...v, scrollY: rowTop + ROW_HEIGHT - visible };
    setViewport(v);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLCanvasElement>) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const v = viewport();
    const store = useViewStore.getState();
    if (event.shiftKey && event.key.startsWith('Arrow')) {
      // Shift+arrows walk the blocks: up/down to caller/callee as drawn, left/right along the row.
      const steps: Record<string, SlotStep> = {
        ArrowLeft: 'previous',
        ArrowRight: 'next',
        ArrowUp: inverted ? 'child' : 'parent',
        ArrowDown: inverted ? 'parent' : 'child',
      };
      stepSelection(steps[event.key]);
      event.preventDefault();
      return;
    }
    if (event.key === 'Enter') {
      // Zoom to the selected block.
      const sel = store.selectedSlot;
      if (sel?.chartId === chartId) setViewport(focusRange(bounds, layout.x0[sel.slot], layout.x1[sel.slot], v.scrollY));
    } else {
      const next = viewportAfterKey(v, bounds, event.key);
      if (next === null) return;
      if (next === 'reset') store.viewportReset(chartId);
      else setViewport(next);
    }
    event.preventDefault();
  };

  return (
    <div className="flame-chart" ref={containerRef} data-testid={testId}>
      <canvas
        ref={canvasRef}
        tabIndex={0}
        role="img"
        aria-label={`${label}. W and S zoom, A and D pan, 0 resets; click or Shift+arrow keys select a block, Enter zooms to it.`}
        data-testid={testId ? `${testId}-canvas` : undefined}
        data-chart-id={chartId}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={() => (drag.current = null)}
        onPointerLeave={() => {
          setHoveredMarker(null);
          if (!drag.current) useViewStore.getState().hoverChanged(null);
        }}
        onDoubleClick={onDoubleClick}
        onKeyDown={onKeyDown}
        onFocus={() => chartActivated(chartId)}
      />
      <FlameTooltip chartId={chartId} layout={layout} profile={profile} />
      {hoveredMarker && (
        <div
          className="flame-tooltip marker-tooltip"
          role="tooltip"
          data-testid="marker-tooltip"
          style={{ left: Math.min(hoveredMarker.clientX + 14, window.innerWidth - 428), top: hoveredMarker.clientY + 14 }}
        >
          <div className="flame-tooltip-name">{hoveredMarker.marker.name}</div>
          <div className="muted marker-kind">
            {hoveredMarker.marker.category ? `${hoveredMarker.marker.category} · ` : ''}
            at {formatWeight(hoveredMarker.marker.start - (axisOrigin ?? layout.min), profile.unit)}
            {hoveredMarker.marker.end > hoveredMarker.marker.start
              ? `, lasting ${formatWeight(hoveredMarker.marker.end - hoveredMarker.marker.start, profile.unit)}`
              : ''}
          </div>
        </div>
      )}
    </div>
  );
}
