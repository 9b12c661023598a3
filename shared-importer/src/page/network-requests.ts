// Network requests from Chrome's Resource* events, grouped by requestId as
// DevTools' NetworkRequestsHandler does: several ResourceSendRequest events of
// one id are its redirects (the last one gives the URL), data: URLs and
// non-network schemes are left out, the start is the first
// ResourceWillSendRequest (else ResourceSendRequest), the priority the last
// ResourceChangePriority, the render-blocking status the last
// PreloadRenderBlockingStatusChange.
import { isObject } from '../input/json-document.ts';
import type { NetworkRequest } from './page-types.ts';
import { NETWORK_EVENT_KINDS, PageEventKind, type PageEvent } from './page-event-collector.ts';
import { setIf } from './set-if.ts';

/** Schemes DevTools lists as requests. */
const REQUEST_SCHEMES = ['blob:', 'file:', 'filesystem:', 'http:', 'https:'];

/** A request with what the metrics need beside the shape the summary and chart read. */
export interface RequestRecord {
  request: NetworkRequest;
  /** Chrome's requestId (a document request's is its navigation's navigationId). */
  chromeId: string;
  frame?: string;
  resourceType?: string;
  /** Every URL the request went through, redirects first. */
  urls: string[];
  /** When the last byte arrived (ResourceFinish's finishTime, else its time, else the last send). */
  finishTime: number;
  /** Its end as DevTools draws it (ResourceFinish, else the last send): what "slow" is measured on. */
  endTime: number;
  /** When the response headers began to arrive, from the response's timing (absent in older traces). */
  firstByteAt?: number;
  isFile: boolean;
}

interface RequestEvents {
  sends: PageEvent[];
  willSends: PageEvent[];
  response?: PageEvent;
  finish?: PageEvent;
  lastData?: PageEvent;
  priorityChange?: PageEvent;
  blockingChange?: PageEvent;
  /** Served from the memory cache (ResourceMarkAsCached). */
  memoryCached?: boolean;
}

/** Requests in start order, ids "req1"… in that order. `events` must be in time order. */
export function buildNetworkRequests(events: readonly PageEvent[]): RequestRecord[] {
  const records: RequestRecord[] = [];
  for (const [chromeId, group] of groupByRequestId(events)) {
    const record = requestOf(chromeId, group);
    if (record) records.push(record);
  }
  records.sort((a, b) => a.request.start - b.request.start);
  records.forEach((r, i) => (r.request.id = `req${i + 1}`));
  return records;
}

function groupByRequestId(events: readonly PageEvent[]): Map<string, RequestEvents> {
  const groups = new Map<string, RequestEvents>();
  for (const e of events) {
    if (!NETWORK_EVENT_KINDS.has(e.kind)) continue;
    const id = e.data.requestId;
    if (typeof id !== 'string') continue;
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { sends: [], willSends: [] }));
    switch (e.kind) {
      case PageEventKind.WillSendRequest:
        g.willSends.push(e);
        break;
      case PageEventKind.SendRequest:
        g.sends.push(e);
        break;
      case PageEventKind.ReceiveResponse:
        g.response = e;
        break;
      case PageEventKind.ReceivedData:
        g.lastData = e;
        break;
      case PageEventKind.Finish:
        g.finish = e;
        break;
      case PageEventKind.ChangePriority:
        g.priorityChange = e;
        break;
      case PageEventKind.RenderBlockingStatusChange:
        g.blockingChange = e;
        break;
      case PageEventKind.MarkAsCached:
        g.memoryCached = true;
    }
  }
  return groups;
}

function requestOf(chromeId: string, g: RequestEvents): RequestRecord | undefined {
  if (g.sends.length === 0) return undefined;
  const first = g.sends[0].data;
  const last = g.sends[g.sends.length - 1];
  const url = text(last.data.url) ?? '';
  const firstUrl = text(first.url) ?? '';
  if (url.startsWith('data:') || !REQUEST_SCHEMES.some((scheme) => firstUrl.startsWith(scheme))) return undefined;
  const start = (g.willSends[0] ?? g.sends[0]).ts;
  const lastSend = (g.willSends[g.willSends.length - 1] ?? last).ts;
  const endTime = g.finish ? g.finish.ts : lastSend;
  const finishSeconds = g.finish?.data.finishTime;
  const response = g.response?.data;
  const finish = g.finish?.data;

  const request: NetworkRequest = { id: '', url, method: text(last.data.requestMethod) ?? 'GET', start };
  setIf(request, 'status', num(response?.statusCode));
  setIf(request, 'mimeType', text(response?.mimeType));
  setIf(request, 'priority', text(g.priorityChange?.data.priority) ?? text(last.data.priority));
  setIf(request, 'renderBlocking', text(g.blockingChange?.data.renderBlocking) ?? text(last.data.renderBlocking));
  setIf(request, 'protocol', text(response?.protocol));
  setIf(request, 'initiator', initiatorOf(last.data));
  if (g.memoryCached) request.fromCache = true;
  else if (typeof response?.fromCache === 'boolean') request.fromCache = response.fromCache;
  if (typeof finish?.didFail === 'boolean') request.failed = finish.didFail;
  const firstByteAt = g.response ? firstByteOf(g.response) : undefined;
  setIf(request, 'responseStart', firstByteAt ?? g.response?.ts);
  setIf(request, 'end', g.finish?.ts ?? g.lastData?.ts);
  setIf(request, 'encodedBytes', num(finish?.encodedDataLength));
  setIf(request, 'decodedBytes', num(finish?.decodedBodyLength));

  const record: RequestRecord = {
    request,
    chromeId,
    urls: g.sends.map((s) => text(s.data.url) ?? ''),
    finishTime: typeof finishSeconds === 'number' && finishSeconds > 0 ? finishSeconds * 1e6 : endTime,
    endTime,
    isFile: response?.protocol === 'file',
  };
  setIf(record, 'frame', text(last.data.frame));
  setIf(record, 'resourceType', text(last.data.resourceType));
  setIf(record, 'firstByteAt', firstByteAt);
  return record;
}

/**
 * When the first response byte arrived, in the trace's clock: the timing's
 * requestTime (seconds) plus receiveHeadersStart (else receiveHeadersEnd, ms),
 * as DevTools computes a document's time to first byte.
 */
function firstByteOf(response: PageEvent): number | undefined {
  const timing = response.data.timing;
  if (!isObject(timing) || typeof timing.requestTime !== 'number') return undefined;
  const headers = typeof timing.receiveHeadersStart === 'number' ? timing.receiveHeadersStart : timing.receiveHeadersEnd;
  if (typeof headers !== 'number') return undefined;
  return timing.requestTime * 1e6 + headers * 1e3;
}

function initiatorOf(data: Record<string, unknown>): string | undefined {
  const initiator = data.initiator;
  if (isObject(initiator) && typeof initiator.url === 'string' && initiator.url !== '') return initiator.url;
  if (typeof data.stackTop === 'string') return data.stackTop;
  return isObject(initiator) ? text(initiator.type) : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
