// markers(threadId?, query?): user timings and other markers, in start order,
// with their thread, times from the trace start and durations.
import type { Profile } from '../model/profile.ts';
import type { Marker, ThreadTimeline } from '../model/thread-timeline.ts';
import { resolveThread } from './tool-input.ts';
import { quoted, timeText, valueText } from './tool-text.ts';

export interface MarkersArgs {
  threadId?: string;
  query?: string;
}

const MAX_MARKERS = 150;

export function markers(profile: Profile, args: MarkersArgs): string {
  const threads = args.threadId !== undefined ? [resolveThread(profile, args.threadId)] : profile.threads;
  const query = args.query?.trim().toLowerCase() ?? '';
  const found: { thread: ThreadTimeline; marker: Marker }[] = [];
  for (const thread of threads) {
    for (const marker of thread.markers) {
      const text = `${marker.name}\u0000${marker.category ?? ''}`.toLowerCase();
      if (query === '' || text.includes(query)) found.push({ thread, marker });
    }
  }
  const scope = `${args.threadId !== undefined ? ` on thread ${args.threadId}` : ''}${query ? ` matching ${quoted(args.query!)}` : ''}`;
  if (found.length === 0) return `No markers${scope}.`;
  found.sort((x, y) => x.marker.start - y.marker.start || x.marker.end - y.marker.end);
  const shown = found.slice(0, MAX_MARKERS);
  const lines = shown.map(({ thread, marker }) => {
    const category = marker.category !== undefined ? ` (${quoted(marker.category)})` : '';
    const duration = marker.end > marker.start ? ` for ${valueText(profile, marker.end - marker.start)}` : '';
    return `- ${quoted(marker.name)}${category} at ${timeText(profile, marker.start)}${duration} [thread ${thread.id}]`;
  });
  if (found.length > shown.length) lines.push(`- … ${found.length - shown.length} more later markers: give a query or a thread`);
  return [`${found.length} marker${found.length === 1 ? '' : 's'}${scope}, in start order (times from trace start):`, ...lines].join('\n');
}
