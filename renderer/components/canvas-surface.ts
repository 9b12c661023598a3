export interface CanvasSize {
  /** CSS pixels. */
  width: number;
  height: number;
}

export interface CanvasSurfaceOptions {
  canvas: HTMLCanvasElement;
  /** The element whose size the canvas follows. */
  container: Element;
  /** A fixed CSS height; by default the container's height. */
  height?: number;
  /** After the backing store was resized: redraw now. */
  onResize(size: CanvasSize): void;
  /** The OS switched between light and dark: colours must be read again. */
  onThemeChange(): void;
}

/**
 * Keeps a canvas's backing store at its CSS size times devicePixelRatio, so
 * drawings stay sharp, and tells the owner when to redraw: on container
 * resizes, devicePixelRatio changes and OS theme changes. Returns a stop function.
 */
export function watchCanvasSurface(options: CanvasSurfaceOptions): () => void {
  const { canvas, container } = options;
  const resize = () => {
    const rect = container.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    const size = { width: Math.floor(rect.width), height: options.height ?? Math.floor(rect.height) };
    canvas.width = Math.round(size.width * dpr);
    canvas.height = Math.round(size.height * dpr);
    canvas.style.width = `${size.width}px`;
    canvas.style.height = `${size.height}px`;
    options.onResize(size);
  };
  const observer = new ResizeObserver(resize);
  observer.observe(container);
  const stopWatchingDpr = watchDevicePixelRatio(resize);
  const scheme = window.matchMedia('(prefers-color-scheme: dark)');
  const themeChanged = () => options.onThemeChange();
  scheme.addEventListener('change', themeChanged);
  return () => {
    observer.disconnect();
    stopWatchingDpr();
    scheme.removeEventListener('change', themeChanged);
  };
}

/**
 * Calls `onChange` when devicePixelRatio changes (window moved to another
 * screen, browser zoom). ResizeObserver does not fire for that, since the CSS
 * size is unchanged.
 */
function watchDevicePixelRatio(onChange: () => void): () => void {
  let query: MediaQueryList | null = null;
  const listen = () => {
    query?.removeEventListener('change', changed);
    query = window.matchMedia(`(resolution: ${window.devicePixelRatio}dppx)`);
    query.addEventListener('change', changed);
  };
  const changed = () => {
    listen();
    onChange();
  };
  listen();
  return () => query?.removeEventListener('change', changed);
}
