// Overview of a chart's whole span with its zoom window drawn on top. Dragging
// the window pans the chart; clicking elsewhere centres it there; the wheel zooms.
import { useEffect, useRef, type PointerEvent as ReactPointerEvent } from 'react';
import type { Profile } from '../../shared-importer/src/model/profile.ts';
import { frameColorBuckets, readFlameTheme } from '../flame-chart/frame-colors.ts';
import type { FlameLayout } from '../flame-chart/flame-layout.ts';
import { FlameRenderer } from '../flame-chart/flame-renderer.ts';
import { centerOn, clampViewport, fullViewport, zoomAt, type Viewport } from '../flame-chart/viewport.ts';
import { useViewStore } from '../state/view-store.ts';
import { watchCanvasSurface } from './canvas-surface.ts';

const HEIGHT = 56;
const TOP_PAD = 4;

export function FlameMinimap({ chartId, layout, profile }: { chartId: string; layout: FlameLayout; profile: Profile }) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const overview = useRef<HTMLCanvasElement | null>(null);
  const width = useRef(0);
  const drag = useRef<{ x: number; start: Viewport } | null>(null);
  const bounds = { min: layout.min, max: layout.max };
  const viewport = () => useViewStore.getState().viewports[chartId] ?? fullViewport(bounds);

  // The overview itself only changes with the layout, size or theme: render it once into an offscreen canvas.
  const renderOverview = () => {
    const canvas = canvasRef.current;
    if (!canvas || width.current === 0) return;
    const dpr = window.devicePixelRatio || 1;
    const off = document.createElement('canvas');
    off.width = Math.round(width.current * dpr);
    off.height = Math.round(HEIGHT * dpr);
    const ctx = off.getContext('2d', { alpha: false });
    if (!ctx) return;
    new FlameRenderer().draw(
      ctx,
      {
        layout,
        viewport: fullViewport(bounds),
        width: width.current,
        height: HEIGHT,
        dpr,
        rowHeight: Math.max(1, Math.min(8, (HEIGHT - TOP_PAD) / Math.max(1, layout.rows))),
        // Leaves room above row 0 for the window's outline.
        axisHeight: TOP_PAD,
        inverted: false,
        colorBucket: frameColorBuckets(profile.frames),
        names: profile.frames.names,
        matches: null,
        selectedFrame: -1,
        selectedSlot: -1,
        hoveredSlot: -1,
        formatTick: null,
        axisOrigin: 0,
        markers: null,
      },
      { ...readFlameTheme(canvas), font: '0px sans-serif' },
    );
    overview.current = off;
  };

  const draw = () => {
    const canvas = canvasRef.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx || !overview.current) return;
    const dpr = window.devicePixelRatio || 1;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.drawImage(overview.current, 0, 0);
    const v = viewport();
    const span = bounds.max - bounds.min || 1;
    const a = ((v.x0 - bounds.min) / span) * canvas.width;
    const b = ((v.x1 - bounds.min) / span) * canvas.width;
    const style = getComputedStyle(canvas);
    ctx.fillStyle = style.getPropertyValue('--minimap-shade').trim() || '#0006';
    ctx.fillRect(0, 0, a, canvas.height);
    ctx.fillRect(b, 0, canvas.width - b, canvas.height);
    ctx.strokeStyle = style.getPropertyValue('--selection').trim() || '#1a73e8';
    ctx.lineWidth = 2 * dpr;
    ctx.strokeRect(a + dpr, dpr, Math.max(2 * dpr, b - a - 2 * dpr), canvas.height - 2 * dpr);
  };
  // The listeners below are added once per chart; they read this render's functions and bounds through the ref.
  const latest = useRef({ draw, renderOverview, bounds, viewport });
  latest.current = { draw, renderOverview, bounds, viewport };
  // The overview draws the whole span once more: it comes a frame after the chart's own, which it must not delay.
  const overviewRequest = useRef(0);
  const refreshOverview = () => {
    if (overviewRequest.current) return;
    overviewRequest.current = requestAnimationFrame(() => {
      overviewRequest.current = 0;
      latest.current.renderOverview();
      latest.current.draw();
    });
  };

  useEffect(() => {
    const canvas = canvasRef.current!;
    const stopSurface = watchCanvasSurface({
      canvas,
      container: canvas.parentElement!,
      height: HEIGHT,
      onResize: (size) => {
        width.current = size.width;
        refreshOverview();
      },
      onThemeChange: refreshOverview,
    });
    let request = 0;
    const unsubscribe = useViewStore.subscribe((s, prev) => {
      if (s.viewports[chartId] !== prev.viewports[chartId] && request === 0) {
        request = requestAnimationFrame(() => {
          request = 0;
          latest.current.draw();
        });
      }
    });
    const onWheel = (event: WheelEvent) => {
      event.preventDefault();
      const rect = canvas.getBoundingClientRect();
      const anchor = (event.clientX - rect.left) / rect.width;
      const { bounds, viewport } = latest.current;
      const v = viewport();
      // Zoom around the window's own position so the window stays under the pointer.
      const span = bounds.max - bounds.min || 1;
      const inside = (bounds.min + anchor * span - v.x0) / (v.x1 - v.x0);
      const next = zoomAt(v, bounds, Math.exp(event.deltaY * 0.002), Math.min(1, Math.max(0, inside)));
      useViewStore.getState().viewportChanged(chartId, next);
    };
    canvas.addEventListener('wheel', onWheel, { passive: false });
    return () => {
      stopSurface();
      unsubscribe();
      canvas.removeEventListener('wheel', onWheel);
      if (request) cancelAnimationFrame(request);
      cancelAnimationFrame(overviewRequest.current);
      overviewRequest.current = 0;
    };
  }, [chartId]);

  useEffect(refreshOverview, [layout, profile]);

  const xAt = (clientX: number) => {
    const rect = canvasRef.current!.getBoundingClientRect();
    return bounds.min + ((clientX - rect.left) / rect.width) * (bounds.max - bounds.min);
  };
  const onPointerDown = (event: ReactPointerEvent<HTMLCanvasElement>) => {
    if (event.button !== 0) return;
    event.currentTarget.setPointerCapture(event.pointerId);
    let v = viewport();
    const x = xAt(event.clientX);
    if (x < v.x0 || x > v.x1) {
      v = centerOn(v, bounds, x);
      useViewStore.getState().viewportChanged(chartId, v);
    }
    drag.current = { x, start: v };
  };
  const onPointerMove = (event: ReactPointerEvent<HTMLCanvasElement>) => {
    const d = drag.current;
    if (!d) return;
    const shift = xAt(event.clientX) - d.x;
    useViewStore.getState().viewportChanged(chartId, clampViewport({ ...d.start, x0: d.start.x0 + shift, x1: d.start.x1 + shift }, bounds));
  };

  return (
    <div className="flame-minimap">
      <canvas
        ref={canvasRef}
        data-testid="minimap"
        aria-label="Overview of the whole profile; drag the highlighted window to pan"
        role="img"
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={() => (drag.current = null)}
        onPointerCancel={() => (drag.current = null)}
      />
    </div>
  );
}
