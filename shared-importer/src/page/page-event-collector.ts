// The streaming half of page insights: while the Chrome collector reads the
// trace, the few events that describe a web page (navigations, paint
// milestones, Resource* network events, layout shifts, EventTiming) are kept
// here as small records. Each is recognised by its interned name id through
// one array lookup, so every other event pays nothing more; only these events'
// args are parsed, and their bulky parts (response headers, stack traces,
// impacted nodes) are dropped at once. build-page-insights.ts computes the
// metrics after the stream.
import { isObject } from '../input/json-document.ts';

/** The page events read, by what they tell. 0 is "not a page event". */
export const PageEventKind = {
  None: 0,
  NavigationStart: 1,
  FirstPaint: 2,
  FirstContentfulPaint: 3,
  LcpCandidate: 4,
  LcpInvalidate: 5,
  LargestImagePaint: 6,
  DomContentLoaded: 7,
  Load: 8,
  TracingStartedInBrowser: 9,
  TracingStartedInPage: 10,
  WillSendRequest: 11,
  SendRequest: 12,
  ReceiveResponse: 13,
  ReceivedData: 14,
  Finish: 15,
  ChangePriority: 16,
  MarkAsCached: 17,
  RenderBlockingStatusChange: 18,
  LayoutShift: 19,
  EventTiming: 20,
} as const;
export type PageEventKind = (typeof PageEventKind)[keyof typeof PageEventKind];

/** Chrome's event names for each kind. */
const PAGE_EVENT_NAMES: readonly (readonly [name: string, kind: PageEventKind])[] = [
  ['navigationStart', PageEventKind.NavigationStart],
  ['firstPaint', PageEventKind.FirstPaint],
  ['firstContentfulPaint', PageEventKind.FirstContentfulPaint],
  ['largestContentfulPaint::Candidate', PageEventKind.LcpCandidate],
  ['largestContentfulPaint::Invalidate', PageEventKind.LcpInvalidate],
  ['LargestImagePaint::Candidate', PageEventKind.LargestImagePaint],
  ['MarkDOMContent', PageEventKind.DomContentLoaded],
  ['MarkLoad', PageEventKind.Load],
  ['TracingStartedInBrowser', PageEventKind.TracingStartedInBrowser],
  ['TracingStartedInPage', PageEventKind.TracingStartedInPage],
  ['ResourceWillSendRequest', PageEventKind.WillSendRequest],
  ['ResourceSendRequest', PageEventKind.SendRequest],
  ['ResourceReceiveResponse', PageEventKind.ReceiveResponse],
  ['ResourceReceivedData', PageEventKind.ReceivedData],
  ['ResourceFinish', PageEventKind.Finish],
  ['ResourceChangePriority', PageEventKind.ChangePriority],
  ['ResourceMarkAsCached', PageEventKind.MarkAsCached],
  ['PreloadRenderBlockingStatusChange', PageEventKind.RenderBlockingStatusChange],
  ['LayoutShift', PageEventKind.LayoutShift],
  ['EventTiming', PageEventKind.EventTiming],
];

/**
 * The network events (Resource*) a request is built from; the page insights
 * show them in full (the waterfall), so they are not also drawn as bare markers.
 */
export const NETWORK_EVENT_KINDS: ReadonlySet<PageEventKind> = new Set<PageEventKind>([
  PageEventKind.WillSendRequest,
  PageEventKind.SendRequest,
  PageEventKind.ReceiveResponse,
  PageEventKind.ReceivedData,
  PageEventKind.Finish,
  PageEventKind.ChangePriority,
  PageEventKind.MarkAsCached,
  PageEventKind.RenderBlockingStatusChange,
]);

/** Args values too large to keep and not needed for any metric. */
const BULKY_KEYS = ['headers', 'stackTrace', 'impacted_nodes', 'region_rects', 'cpuProfile'];

/** One page event as read: its time, phase and the useful part of its args. */
export interface PageEvent {
  kind: PageEventKind;
  ts: number;
  /** Char code of ph ('b'/'e' matter for EventTiming). */
  ph: number;
  pid: number;
  /** The event's "id" (EventTiming pairs begin and end by it). */
  id?: string;
  /** args.frame, or args.data.frame. */
  frame?: string;
  /** args.data without its bulky values; {} when absent. */
  data: Record<string, unknown>;
}

/** What the scanner offers about the current event (TraceEventScanner satisfies it). */
export interface ScannedEvent {
  ph: number;
  ts: number;
  pid: number;
  idString(): string | undefined;
  parseArgs(): unknown;
}

export class PageEventCollector {
  readonly events: PageEvent[] = [];
  /** Events whose args could not be parsed. */
  badArgs = 0;
  /** Kind by name id; ids past its end are not page events. */
  private readonly kinds: Uint8Array;

  /** `internName` gives a name's id in the scanner's interner. */
  constructor(internName: (name: string) => number) {
    const ids = PAGE_EVENT_NAMES.map(([name, kind]) => [internName(name), kind] as const);
    this.kinds = new Uint8Array(Math.max(...ids.map(([id]) => id)) + 1);
    for (const [id, kind] of ids) this.kinds[id] = kind;
  }

  /** The page event kind of name id `name` (None for most): the one lookup every event pays. */
  kindOf(name: number): PageEventKind {
    return (name >= 0 && name < this.kinds.length ? this.kinds[name] : PageEventKind.None) as PageEventKind;
  }

  /** Whether events of this kind are shown through the page data rather than as markers. */
  static replacesMarker(kind: PageEventKind): boolean {
    return NETWORK_EVENT_KINDS.has(kind);
  }

  add(kind: PageEventKind, s: ScannedEvent): void {
    if (!(s.ts >= 0)) return;
    let args: unknown;
    try {
      args = s.parseArgs();
    } catch {
      this.badArgs++;
      return;
    }
    const argsObject = isObject(args) ? args : {};
    const data = isObject(argsObject.data) ? { ...argsObject.data } : {};
    for (const key of BULKY_KEYS) delete data[key];
    // Network requests keep only the top of their stack: the script that started them.
    if (kind === PageEventKind.SendRequest && isObject(argsObject.data)) data.stackTop = topStackUrl(argsObject.data.stackTrace);
    const frame = typeof argsObject.frame === 'string' ? argsObject.frame : typeof data.frame === 'string' ? data.frame : undefined;
    const event: PageEvent = { kind, ts: s.ts, ph: s.ph, pid: s.pid, data };
    if (frame !== undefined) event.frame = frame;
    if (kind === PageEventKind.EventTiming) event.id = s.idString();
    // TracingStartedInPage names the page's main frame in args.data.page.
    if (kind === PageEventKind.TracingStartedInPage && typeof data.page === 'string') event.frame = data.page;
    this.events.push(event);
  }
}

function topStackUrl(stack: unknown): string | undefined {
  if (!Array.isArray(stack) || stack.length === 0 || !isObject(stack[0])) return undefined;
  return typeof stack[0].url === 'string' && stack[0].url !== '' ? stack[0].url : undefined;
}
