// Which functions match the search box: case-insensitive substring of the name
// or the file. One byte per frame so the renderer's per-block check is an
// array read; the last result is kept since every chart asks for it.
import type { FrameTable } from '../../shared-importer/src/model/frame-table.ts';

let last: { frames: FrameTable; query: string; matches: Uint8Array | null; count: number } | null = null;

export function searchMatches(frames: FrameTable, query: string): { matches: Uint8Array | null; count: number } {
  const q = query.trim().toLowerCase();
  if (last && last.frames === frames && last.query === q) return last;
  let matches: Uint8Array | null = null;
  let count = 0;
  if (q) {
    matches = new Uint8Array(frames.length);
    for (let i = 0; i < frames.length; i++) {
      const file = frames.files[i];
      if (frames.names[i].toLowerCase().includes(q) || (file !== undefined && file.toLowerCase().includes(q))) {
        matches[i] = 1;
        count++;
      }
    }
  }
  last = { frames, query: q, matches, count };
  return last;
}
