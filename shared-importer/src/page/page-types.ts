// What a recording of a web page says about the page: its navigations with
// their load milestones (FCP, LCP, DCL, load), network requests, layout shifts
// and interactions. Read from Chrome traces while they stream; other formats
// have none. The summary, the flame chart's page track and the chat all read
// this one shape.
//
// Times are in the profile's own clock and unit (microseconds for Chrome
// traces), like ThreadTimeline's start and end, so the chart draws them on
// the axis it already has; the summary turns them into ms relative to each
// navigation's start.

/** Web Vitals' bands (web.dev/articles/vitals): FCP 1.8/3 s, LCP 2.5/4 s, CLS 0.1/0.25, INP 200/500 ms. */
export type MetricRating = 'good' | 'needs-improvement' | 'poor';

export interface PageInsights {
  navigations: PageNavigation[];
  /** Every request of the recording in start order, also those before the first navigation. */
  requests: NetworkRequest[];
  /** Every layout shift in time order. */
  layoutShifts: LayoutShift[];
  /** Every interaction (EventTiming) in time order. */
  interactions: Interaction[];
  /** What the trace lacks for a metric, in words for the user: "no navigationStart event: FCP and LCP are unknown". */
  missing: string[];
  /** Largest session window of the whole recording (also before the first navigation, as in a timespan recording). */
  cls?: { score: number; rating: MetricRating; clusterId: string };
  /** INP over the whole recording (interactions need no navigation). */
  inp?: { durationMs: number; rating: MetricRating; interactionId: string };
}

export interface PageNavigation {
  /** Summary id: "nav1", "nav2"… in time order. */
  id: string;
  url: string;
  /** Chrome's frame id of the main frame navigated. */
  frameId: string;
  /** navigationStart. */
  start: number;
  /** The next navigation's start, or the end of the recording. */
  end: number;
  fcp?: PageMilestone;
  /** The final LCP candidate (invalidated candidates dropped). */
  lcp?: LcpMilestone;
  /** DOMContentLoaded (MarkDOMContent). */
  dcl?: PageMilestone;
  /** load (MarkLoad). */
  load?: PageMilestone;
  /** Largest session window of layout shifts (1 s gap, 5 s cap), shifts after recent input excluded. */
  cls?: { score: number; rating: MetricRating; shiftIds: string[] };
  /** The interaction that sets INP (the slowest one, or the 98th percentile past 50). */
  inp?: { durationMs: number; rating: MetricRating; interactionId: string };
  /** Ids of requests that blocked rendering before FCP. */
  renderBlockingRequestIds: string[];
}

export interface PageMilestone {
  /** When it happened, in the profile's clock. */
  at: number;
  /** Since the navigation's start. */
  ms: number;
  rating?: MetricRating;
}

export interface LcpMilestone extends PageMilestone {
  /** The element's node name or description where the trace has it ("IMG", "P"). */
  element?: string;
  /** The image's URL for an image LCP. */
  url?: string;
  /** Id of the request that loaded the LCP image. */
  requestId?: string;
  /** DevTools' four parts; they sum to `ms`. load delay and duration are 0 for a text LCP. */
  breakdown?: { ttfbMs: number; loadDelayMs: number; loadDurationMs: number; renderDelayMs: number };
}

export interface NetworkRequest {
  /** Summary id: "req1", "req2"… in start order. */
  id: string;
  url: string;
  method: string;
  /** HTTP status; absent when no response was recorded. */
  status?: number;
  mimeType?: string;
  /** Chrome's priority: VeryHigh, High, Medium, Low, VeryLow. */
  priority?: string;
  /** As Chrome reports it: 'blocking', 'in_body_parser_blocking', 'non_blocking', 'dynamically_injected_non_blocking', 'potentially_blocking'. */
  renderBlocking?: string;
  protocol?: string;
  /** Who started it: a script or parser URL, or the type ("parser", "script", "other"). */
  initiator?: string;
  fromCache?: boolean;
  failed?: boolean;
  /** ResourceSendRequest. */
  start: number;
  /** Response headers received (time to first byte ends here). */
  responseStart?: number;
  /** ResourceFinish (or the last data received). */
  end?: number;
  encodedBytes?: number;
  decodedBytes?: number;
  /** The navigation it belongs to, when it started during one. */
  navigationId?: string;
}

export interface LayoutShift {
  /** Summary id: "shift1"… */
  id: string;
  at: number;
  /** The weighted score (what CLS adds up). */
  score: number;
  hadRecentInput: boolean;
  /** The session window it belongs to: "cluster1"…; '' for a shift after recent input (excluded from CLS, in no window). */
  clusterId: string;
}

export interface Interaction {
  /** Summary id: "int1"… */
  id: string;
  /** The event type: pointerdown, click, keydown… */
  type: string;
  start: number;
  end: number;
  durationMs: number;
  inputDelayMs: number;
  processingMs: number;
  presentationDelayMs: number;
}
