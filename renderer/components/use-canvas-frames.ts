// A canvas drawn on demand, as the flame chart and the page track are: its
// backing store follows its container, its theme colours are read once (and
// again after an OS theme switch), redraw requests within a frame collapse
// into one on the next animation frame, and the wheel (non-passive, so the
// page neither scrolls nor zooms) goes to the owner.
import { useCallback, useEffect, useRef, type RefObject } from 'react';
import { watchCanvasSurface, type CanvasSize } from './canvas-surface.ts';

interface CanvasFramesOptions<Theme> {
  canvasRef: RefObject<HTMLCanvasElement | null>;
  /** The element whose size the canvas takes. */
  containerRef: RefObject<Element | null>;
  readTheme(canvas: HTMLCanvasElement): Theme;
  draw(ctx: CanvasRenderingContext2D, size: CanvasSize, theme: Theme): void;
  /** After a resize, before the redraw. */
  onResize?(size: CanvasSize): void;
  onWheel?(event: WheelEvent, canvas: HTMLCanvasElement): void;
}

export function useCanvasFrames<Theme>(options: CanvasFramesOptions<Theme>): { size: RefObject<CanvasSize>; drawNow(): void; scheduleDraw(): void } {
  const size = useRef<CanvasSize>({ width: 0, height: 0 });
  const theme = useRef<Theme | null>(null);
  const request = useRef(0);
  // Handlers registered once read the latest closures through this ref.
  const latest = useRef(options);
  latest.current = options;

  const drawNow = useCallback(() => {
    request.current = 0;
    const canvas = latest.current.canvasRef.current;
    if (!canvas || size.current.width === 0) return;
    const ctx = canvas.getContext('2d', { alpha: false });
    if (!ctx) return;
    theme.current ??= latest.current.readTheme(canvas);
    latest.current.draw(ctx, size.current, theme.current);
  }, []);
  const scheduleDraw = useCallback(() => {
    if (request.current === 0) request.current = requestAnimationFrame(drawNow);
  }, [drawNow]);

  useEffect(() => {
    const canvas = latest.current.canvasRef.current!;
    const stopSurface = watchCanvasSurface({
      canvas,
      container: latest.current.containerRef.current!,
      onResize: (cssSize) => {
        size.current = cssSize;
        latest.current.onResize?.(cssSize);
        drawNow();
      },
      onThemeChange: () => {
        theme.current = null;
        scheduleDraw();
      },
    });
    const onWheel = (event: WheelEvent) => {
      event.preventDefault();
      latest.current.onWheel?.(event, canvas);
    };
    canvas.addEventListener('wheel', onWheel, { passive: false });
    return () => {
      stopSurface();
      canvas.removeEventListener('wheel', onWheel);
      if (request.current) cancelAnimationFrame(request.current);
      request.current = 0;
    };
  }, [drawNow, scheduleDraw]);

  return { size, drawNow, scheduleDraw };
}
