// The part of a profile the first frame needs: the thread the app opens on
// (the main thread, as the thread picker and the summary rank them), with the
// whole frame table and the profile's own span, so nothing moves when the
// other threads follow. A real Chrome recording's main thread is a small part
// of its calls (the JS samples and worker threads are most of it), and every
// byte sent before the first frame is time the user waits.
import type { Profile } from '../../shared-importer/src/model/profile.ts';
import { rankThreads } from '../../shared-importer/src/summary/thread-ranking.ts';

/** The profile cut to the thread drawn first, or null when that is all of it (one thread, or nothing to draw). */
export function firstFrameProfile(profile: Profile): Profile | null {
  const first = rankThreads(profile)[0]?.timeline;
  if (!first || profile.threads.length === 1) return null;
  return { ...profile, threads: [first] };
}
