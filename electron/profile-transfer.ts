// How a trace's encoded profile reaches the Electron renderer. The bytes
// (hundreds of MB for a multi-GB trace) would exceed Chromium's IPC message
// limit, so IPC carries only the event's other fields and a URL on our app://
// origin; the preload fetches the bytes from main over the protocol handler
// (streamed, no size limit) and hands the page the event with `profile`
// filled in, exactly as the contract says. That URL serves the trace's
// current profile: the first part, then the whole once it has followed. The
// same holds for the loaded trace inside a HostTraceState. No Electron imports.
import type { EventChannel, HostTraceState, TraceLoadedEvent } from './ipc-contract.ts';
import { APP_ORIGIN } from './main/window-security.ts';

export const PROFILE_PATH_PREFIX = '/__profile/';

/** An event that carries a trace's encoded profile. */
type WithProfile = { traceId: string; profile: Uint8Array };

/** Such an event as it crosses Electron IPC. */
export type OnWire<E extends WithProfile> = Omit<E, 'profile'> & { profileUrl: string };

export type TraceLoadedOnWire = OnWire<TraceLoadedEvent>;

/** The events whose profile goes over app:// instead of IPC. */
export function carriesProfile(channel: EventChannel): channel is 'trace:loaded' | 'trace:profile' {
  return channel === 'trace:loaded' || channel === 'trace:profile';
}

/** A HostTraceState as it crosses Electron IPC. */
export type HostTraceStateOnWire = Omit<HostTraceState, 'loaded'> & { loaded: TraceLoadedOnWire | null };

export function profileUrl(traceId: string): string {
  return `${APP_ORIGIN}${PROFILE_PATH_PREFIX}${encodeURIComponent(traceId)}`;
}

export function toWire<E extends WithProfile>(event: E): OnWire<E> {
  const { profile: _bytes, ...rest } = event;
  return { ...rest, profileUrl: profileUrl(event.traceId) };
}

/** The trace id a profile URL path names, or null. */
export function traceIdOfProfilePath(pathname: string): string | null {
  if (!pathname.startsWith(PROFILE_PATH_PREFIX)) return null;
  try {
    return decodeURIComponent(pathname.slice(PROFILE_PATH_PREFIX.length)) || null;
  } catch {
    return null;
  }
}

export async function fromWire<E extends WithProfile>(
  wire: OnWire<E>,
  fetchBytes: (url: string) => Promise<Response> = (url) => fetch(url),
): Promise<E> {
  const response = await fetchBytes(wire.profileUrl);
  if (!response.ok) throw new Error(`Could not fetch the profile of trace ${wire.traceId} (${response.status}).`);
  const { profileUrl: _url, ...rest } = wire;
  return { ...rest, profile: new Uint8Array(await response.arrayBuffer()) } as unknown as E;
}

export function stateToWire(state: HostTraceState): HostTraceStateOnWire {
  return { ...state, loaded: state.loaded && toWire(state.loaded) };
}

export async function stateFromWire(
  wire: HostTraceStateOnWire,
  fetchBytes?: (url: string) => Promise<Response>,
): Promise<HostTraceState> {
  return { ...wire, loaded: wire.loaded && (await fromWire<TraceLoadedEvent>(wire.loaded, fetchBytes)) };
}
