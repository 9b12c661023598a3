// Which navigations count and which milestones belong to each, as Chrome
// DevTools' trace engine decides (MetaHandler, PageLoadMetricsHandler): a
// navigationStart of the main frame (isLoadingMainFrame, or the frame that
// TracingStarted* names in older traces) with a URL; FCP, FP and LCP go to
// the navigation their navigationId names (older traces: the frame's latest
// navigation), DCL and load to their frame's latest navigation; the last event
// of each kind wins, and the LCP is the candidate with the highest
// candidateIndex (dropped when an Invalidate follows it).
import { PageEventKind, type PageEvent } from './page-event-collector.ts';

/** The final LCP candidate, as read. */
export interface LcpCandidate {
  at: number;
  pid: number;
  candidateIndex: number;
  /** 'text' or 'image'. */
  type?: string;
  nodeId?: number;
  nodeName?: string;
}

export interface NavigationRecord {
  /** Chrome's navigationId (synthesised from the time in traces without one). */
  chromeId: string;
  frame: string;
  pid: number;
  start: number;
  /** documentLoaderURL; the build may replace it with the document request's final URL. */
  url: string;
  /** about:blank and the like: kept to bound other navigations, not reported. */
  isBlank: boolean;
  firstPaint?: number;
  fcp?: number;
  lcp?: LcpCandidate;
  dcl?: number;
  load?: number;
}

export interface Navigations {
  /** Main-frame navigations in time order, blank ones included. */
  all: NavigationRecord[];
  mainFrames: Set<string>;
}

/** `events` must be in time order. */
export function findNavigations(events: readonly PageEvent[]): Navigations {
  const mainFrames = mainFramesOf(events);
  const all: NavigationRecord[] = [];
  const byChromeId = new Map<string, NavigationRecord>();
  for (const e of events) {
    if (e.kind !== PageEventKind.NavigationStart || e.frame === undefined) continue;
    const url = e.data.documentLoaderURL;
    if (url === '') continue; // DevTools ignores navigations without a URL
    if (!isMainFrameNavigation(e, mainFrames)) continue;
    const chromeId = typeof e.data.navigationId === 'string' ? e.data.navigationId : `ts${e.ts}`;
    if (byChromeId.has(chromeId)) continue;
    const text = typeof url === 'string' ? url : '';
    const record: NavigationRecord = { chromeId, frame: e.frame, pid: e.pid, start: e.ts, url: text, isBlank: text === 'about:blank' };
    byChromeId.set(chromeId, record);
    all.push(record);
  }
  for (const e of events) assignMilestone(e, all, byChromeId);
  return { all, mainFrames };
}

/** The latest navigation of `frame` that started at or before `ts` (DevTools' getNavigationForTraceEvent). */
export function navigationAt<T extends { frame: string; start: number }>(navigations: readonly T[], frame: string | undefined, ts: number): T | undefined {
  for (let i = navigations.length - 1; i >= 0; i--) {
    const n = navigations[i];
    if (n.frame === frame && n.start <= ts) return n;
  }
  return undefined;
}

/**
 * The main frame as TracingStartedInBrowser (the frame flagged as the
 * outermost primary main frame, else a parentless frame with a URL) or
 * TracingStartedInPage (older traces) names it.
 */
function mainFramesOf(events: readonly PageEvent[]): Set<string> {
  const frames = new Set<string>();
  for (const e of events) {
    if (e.kind === PageEventKind.TracingStartedInPage && e.frame !== undefined) frames.add(e.frame);
    if (e.kind !== PageEventKind.TracingStartedInBrowser || !Array.isArray(e.data.frames)) continue;
    for (const f of e.data.frames as Record<string, unknown>[]) {
      if (typeof f?.frame !== 'string') continue;
      const flagged = 'isOutermostMainFrame' in f;
      const isMain = flagged ? f.isOutermostMainFrame === true && f.isInPrimaryMainFrame !== false : !f.parent && !!f.url;
      if (isMain) frames.add(f.frame);
    }
  }
  return frames;
}

function isMainFrameNavigation(e: PageEvent, mainFrames: Set<string>): boolean {
  if (e.data.isOutermostMainFrame === false) return false;
  if (typeof e.data.isLoadingMainFrame === 'boolean') return e.data.isLoadingMainFrame;
  return mainFrames.has(e.frame!);
}

function assignMilestone(e: PageEvent, navigations: readonly NavigationRecord[], byChromeId: Map<string, NavigationRecord>): void {
  switch (e.kind) {
    case PageEventKind.FirstPaint:
    case PageEventKind.FirstContentfulPaint:
    case PageEventKind.LcpCandidate:
    case PageEventKind.LcpInvalidate: {
      const id = e.data.navigationId;
      const nav = typeof id === 'string' ? byChromeId.get(id) : navigationAt(navigations, e.frame, e.ts);
      if (!nav) return;
      if (e.kind === PageEventKind.FirstPaint) nav.firstPaint = e.ts;
      else if (e.kind === PageEventKind.FirstContentfulPaint) nav.fcp = e.ts;
      else if (e.kind === PageEventKind.LcpCandidate) takeLcpCandidate(nav, e);
      else delete nav.lcp;
      return;
    }
    case PageEventKind.DomContentLoaded:
    case PageEventKind.Load: {
      const frame = typeof e.data.frame === 'string' ? e.data.frame : e.frame;
      const nav = navigationAt(navigations, frame, e.ts);
      if (!nav) return;
      if (e.kind === PageEventKind.DomContentLoaded) nav.dcl = e.ts;
      else nav.load = e.ts;
    }
  }
}

function takeLcpCandidate(nav: NavigationRecord, e: PageEvent): void {
  const index = e.data.candidateIndex;
  if (typeof index !== 'number' || index <= 0) return;
  if (nav.lcp && nav.lcp.candidateIndex >= index) return;
  const lcp: LcpCandidate = { at: e.ts, pid: e.pid, candidateIndex: index };
  if (typeof e.data.type === 'string') lcp.type = e.data.type;
  if (typeof e.data.nodeId === 'number') lcp.nodeId = e.data.nodeId;
  if (typeof e.data.nodeName === 'string') lcp.nodeName = e.data.nodeName;
  nav.lcp = lcp;
}
