import type { FrameTable } from '../../shared-importer/src/model/frame-table.ts';

/** "file:line:column" for a frame, or null when the trace has no source location. */
export function sourceLocation(frames: FrameTable, frame: number): string | null {
  const file = frames.files[frame];
  if (!file) return null;
  const line = frames.lines[frame];
  const column = frames.columns[frame];
  return line === undefined ? file : column === undefined ? `${file}:${line}` : `${file}:${line}:${column}`;
}
