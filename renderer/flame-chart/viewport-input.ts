// How wheel and keys move a zoom window, shared by the flame chart and the
// page track above it, so both answer the same gestures the same way.
import { panBy, zoomAt, type Bounds, type Viewport } from './viewport.ts';

/** How far (CSS px) a pressed pointer moves before a click becomes a drag. */
export const DRAG_THRESHOLD_PX = 4;
const KEY_ZOOM = 0.8;
const KEY_PAN = 0.15;

export interface WheelInput {
  deltaX: number;
  deltaY: number;
  deltaMode: number;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  clientX: number;
}

/** Vertical wheel zooms at the pointer, horizontal (or Shift) pans, Ctrl/Cmd (a trackpad pinch) zooms finely. */
export function viewportAfterWheel(v: Viewport, bounds: Bounds, event: WheelInput, rect: { left: number; width: number; height: number }): Viewport {
  const anchor = Math.min(1, Math.max(0, (event.clientX - rect.left) / rect.width));
  const lineScale = event.deltaMode === 1 ? 16 : event.deltaMode === 2 ? rect.height : 1;
  const dx = event.deltaX * lineScale;
  const dy = event.deltaY * lineScale;
  // Trackpad pinch arrives as ctrl+wheel with small deltas.
  if (event.ctrlKey || event.metaKey) return zoomAt(v, bounds, Math.exp(dy * 0.01), anchor);
  if (Math.abs(dx) > Math.abs(dy) || event.shiftKey) return panBy(v, bounds, (event.shiftKey && dx === 0 ? dy : dx) / rect.width);
  return zoomAt(v, bounds, Math.exp(dy * 0.002), anchor);
}

/** W/S/+/-/↑/↓ zoom, A/D/←/→ pan; 'reset' for 0 and Escape; null for any other key. */
export function viewportAfterKey(v: Viewport, bounds: Bounds, key: string): Viewport | 'reset' | null {
  switch (key) {
    case 'w':
    case 'W':
    case '+':
    case '=':
    case 'ArrowUp':
      return zoomAt(v, bounds, KEY_ZOOM, 0.5);
    case 's':
    case 'S':
    case '-':
    case 'ArrowDown':
      return zoomAt(v, bounds, 1 / KEY_ZOOM, 0.5);
    case 'a':
    case 'A':
    case 'ArrowLeft':
      return panBy(v, bounds, -KEY_PAN);
    case 'd':
    case 'D':
    case 'ArrowRight':
      return panBy(v, bounds, KEY_PAN);
    case '0':
    case 'Escape':
      return 'reset';
    default:
      return null;
  }
}
