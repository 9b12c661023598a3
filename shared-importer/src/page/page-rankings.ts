// Which requests and interactions a page's summary and the app's Page section
// single out: defined once, so the panel lists what the AI was told.
import type { Interaction, NetworkRequest } from './page-types.ts';

/** A finished request's span from start to end. */
export function requestDuration(r: NetworkRequest): number {
  return r.end !== undefined ? Math.max(0, r.end - r.start) : 0;
}

/** The `count` longest finished requests, longest first (the earlier first on a tie). */
export function slowestRequests(requests: readonly NetworkRequest[], count: number): NetworkRequest[] {
  return requests
    .filter((r) => r.end !== undefined)
    .sort((a, b) => requestDuration(b) - requestDuration(a) || a.start - b.start)
    .slice(0, count);
}

/** The longest interaction (the first of equals), or undefined when there is none. */
export function slowestInteraction(interactions: readonly Interaction[]): Interaction | undefined {
  let slowest = interactions[0];
  for (const it of interactions) if (it.durationMs > slowest.durationMs) slowest = it;
  return slowest;
}
