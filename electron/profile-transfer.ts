// How a trace's encoded profile reaches the Electron renderer. The bytes
// (hundreds of MB for a multi-GB trace) would exceed Chromium's IPC message
// limit, so IPC carries only the event's other fields and a URL on our app://
// origin; the preload fetches the bytes from main over the protocol handler
// (streamed, no size limit) and hands the page the event with `profile`
// filled in, exactly as the contract says. That URL serves the trace's
// current profile: the first part, then the whole once it has followed. The
// same holds for the loaded trace inside a HostTraceState. The wire types are
// in the contract (MainEventsOnIpc, RequestResultsOnIpc); here, per channel,
// the conversions to and from them. No Electron imports.
import type {
  EventChannel,
  HostTraceState,
  HostTraceStateOnIpc,
  IpcRequestHandlers,
  MainEvents,
  MainEventsOnIpc,
  ProfileOnIpc,
  RequestChannel,
  RequestHandlers,
  RequestResults,
  RequestResultsOnIpc,
  TraceLoadedEvent,
  WithProfile,
} from './ipc-contract.ts';
import { APP_ORIGIN } from './main/window-security.ts';

export const PROFILE_PATH_PREFIX = '/__profile/';

type FetchBytes = (url: string) => Promise<Response>;

export function profileUrl(traceId: string): string {
  return `${APP_ORIGIN}${PROFILE_PATH_PREFIX}${encodeURIComponent(traceId)}`;
}

export function toWire<E extends WithProfile>(event: E): ProfileOnIpc<E> {
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

/** The event with its profile's bytes back in place (for a concrete event type, that is the event type itself). */
export async function fromWire<E extends WithProfile>(
  wire: ProfileOnIpc<E>,
  fetchBytes: FetchBytes = (url) => fetch(url),
): Promise<Omit<ProfileOnIpc<E>, 'profileUrl'> & { profile: Uint8Array }> {
  const response = await fetchBytes(wire.profileUrl);
  if (!response.ok) throw new Error(`Could not fetch the profile of trace ${wire.traceId} (${response.status}).`);
  const { profileUrl: _url, ...rest } = wire;
  return { ...rest, profile: new Uint8Array(await response.arrayBuffer()) };
}

export function stateToWire(state: HostTraceState): HostTraceStateOnIpc {
  return { ...state, loaded: state.loaded && toWire(state.loaded) };
}

export async function stateFromWire(wire: HostTraceStateOnIpc, fetchBytes?: FetchBytes): Promise<HostTraceState> {
  return { ...wire, loaded: wire.loaded && (await fromWire<TraceLoadedEvent>(wire.loaded, fetchBytes)) };
}

// ---- per channel

/** The services' handlers answering in the IPC form: metadata over IPC, a profile's bytes over app://. */
export function handlersOnIpc(handlers: RequestHandlers): IpcRequestHandlers {
  return { ...handlers, 'trace:get-state': async () => stateToWire(await handlers['trace:get-state'](undefined)) };
}

const same = <T>(value: T): T => value;
const sameAsync = async <T>(value: T): Promise<T> => value;

const eventToIpc: { [C in EventChannel]: (payload: MainEvents[C]) => MainEventsOnIpc[C] } = {
  'import:progress': same,
  'trace:loaded': toWire,
  'trace:profile': toWire,
  'trace:summary': same,
  'import:failed': same,
  'recent:changed': same,
  'menu:command': same,
  'settings:changed': same,
  'account:changed': same,
  'sync:progress': same,
  'chat:connection': same,
  'chat:event': same,
  'update:state': same,
};

const eventFromIpc: { [C in EventChannel]: (payload: MainEventsOnIpc[C]) => Promise<MainEvents[C]> } = {
  'import:progress': sameAsync,
  'trace:loaded': (wire) => fromWire(wire),
  'trace:profile': (wire) => fromWire(wire),
  'trace:summary': sameAsync,
  'import:failed': sameAsync,
  'recent:changed': sameAsync,
  'menu:command': sameAsync,
  'settings:changed': sameAsync,
  'account:changed': sameAsync,
  'sync:progress': sameAsync,
  'chat:connection': sameAsync,
  'chat:event': sameAsync,
  'update:state': sameAsync,
};

/** A main → renderer event as Electron IPC carries it. */
export function eventOnIpc<C extends EventChannel>(channel: C, payload: MainEvents[C]): MainEventsOnIpc[C] {
  const convert: (payload: MainEvents[C]) => MainEventsOnIpc[C] = eventToIpc[channel];
  return convert(payload);
}

/** The event as the contract has it, from its IPC form (fetching a profile's bytes). */
export function eventFromIpcWire<C extends EventChannel>(channel: C, payload: MainEventsOnIpc[C]): Promise<MainEvents[C]> {
  const convert: (payload: MainEventsOnIpc[C]) => Promise<MainEvents[C]> = eventFromIpc[channel];
  return convert(payload);
}

const resultFromIpc: { [C in RequestChannel]: (result: RequestResultsOnIpc[C]) => Promise<RequestResults[C]> } = {
  'trace:open-dialog': sameAsync,
  'trace:open-path': sameAsync,
  'trace:cancel-import': sameAsync,
  'trace:get-state': (wire) => stateFromWire(wire),
  'trace:shown': sameAsync,
  'recent:list': sameAsync,
  'recent:clear': sameAsync,
  'app:info': sameAsync,
  'shell:open-external': sameAsync,
  'settings:get': sameAsync,
  'settings:save': sameAsync,
  'account:get': sameAsync,
  'account:sign-up': sameAsync,
  'account:sign-in': sameAsync,
  'account:send-code': sameAsync,
  'account:verify-code': sameAsync,
  'account:sign-out': sameAsync,
  'sync:retry': sameAsync,
  'sync:cancel': sameAsync,
  'chat:open': sameAsync,
  'chat:close': sameAsync,
  'chat:send': sameAsync,
  'chat:stop': sameAsync,
  'chat:retry': sameAsync,
  'chat:new-conversation': sameAsync,
  'update:get-state': sameAsync,
  'update:restart': sameAsync,
};

/** A request's result as the contract has it, from its IPC form. */
export function resultFromIpcWire<C extends RequestChannel>(channel: C, result: RequestResultsOnIpc[C]): Promise<RequestResults[C]> {
  const convert: (result: RequestResultsOnIpc[C]) => Promise<RequestResults[C]> = resultFromIpc[channel];
  return convert(result);
}
