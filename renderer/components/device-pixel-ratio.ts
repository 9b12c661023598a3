/**
 * Calls `onChange` when devicePixelRatio changes (window moved to another
 * screen, browser zoom): canvases must then be resized to stay sharp.
 * ResizeObserver does not fire for that, since the CSS size is unchanged.
 */
export function watchDevicePixelRatio(onChange: () => void): () => void {
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
