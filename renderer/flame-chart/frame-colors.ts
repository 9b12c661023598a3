// Colours in a flame chart say "same function" at a glance: each frame gets a
// palette slot from a hash of its name (stable across threads and reloads),
// computed once per frame table.
import type { FrameTable } from '../../shared-importer/src/model/frame-table.ts';

/** Palette size; themes supply this many colours (and as many dimmed ones). */
export const PALETTE_SIZE = 16;

const bucketsByTable = new WeakMap<FrameTable, Uint8Array>();

function hashName(name: string): number {
  // FNV-1a over UTF-16 code units.
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Palette slot of every frame in the table. */
export function frameColorBuckets(frames: FrameTable): Uint8Array {
  let buckets = bucketsByTable.get(frames);
  if (buckets && buckets.length === frames.length) return buckets;
  buckets = new Uint8Array(frames.length);
  for (let i = 0; i < frames.length; i++) buckets[i] = hashName(frames.names[i]) % PALETTE_SIZE;
  bucketsByTable.set(frames, buckets);
  return buckets;
}

/** Colours for one theme, read from CSS variables so the canvas follows light/dark mode. */
export interface FlameTheme {
  palette: string[];
  dimPalette: string[];
  text: string;
  dimText: string;
  background: string;
  axisText: string;
  gridLine: string;
  selection: string;
  hover: string;
  marker: string;
  font: string;
}

export function readFlameTheme(element: Element): FlameTheme {
  const style = getComputedStyle(element);
  const v = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  const palette: string[] = [];
  const dimPalette: string[] = [];
  for (let i = 0; i < PALETTE_SIZE; i++) {
    palette.push(v(`--flame-${i}`, `hsl(${(i * 360) / PALETTE_SIZE} 60% 70%)`));
    dimPalette.push(v(`--flame-dim-${i % 2}`, '#8884'));
  }
  return {
    palette,
    dimPalette,
    text: v('--flame-text', '#111'),
    dimText: v('--flame-dim-text', '#888'),
    background: v('--flame-bg', '#fff'),
    axisText: v('--text-muted', '#666'),
    gridLine: v('--grid-line', '#0001'),
    selection: v('--selection', '#1a73e8'),
    hover: v('--flame-hover', '#000'),
    marker: v('--marker', '#c2410c'),
    font: `11px ${v('--font-ui', 'system-ui, sans-serif')}`,
  };
}
