// The LCP breakdown as DevTools' LCPBreakdown insight computes it: time to
// first byte (navigation start to the document's first response byte), then
// for an image LCP the resource load delay (to the image request's start), the
// load duration (to its last byte) and the render delay (to the LCP paint);
// for a text LCP everything after the first byte is render delay. The image is
// the LargestImagePaint candidate of the LCP's node, its request the first one
// for its URL between the navigation and that paint.
import type { LcpMilestone } from './page-types.ts';
import type { NavigationRecord } from './navigations.ts';
import type { RequestRecord } from './network-requests.ts';
import { PageEventKind, type PageEvent } from './page-event-collector.ts';

export interface LcpImage {
  url: string;
  paintedAt: number;
}

/** The latest LargestImagePaint candidate per process and DOM node: the image an LCP names by nodeId. */
export function lcpImagesByNode(events: readonly PageEvent[]): Map<string, LcpImage> {
  const images = new Map<string, LcpImage>();
  for (const e of events) {
    if (e.kind !== PageEventKind.LargestImagePaint) continue;
    const { DOMNodeId, imageUrl } = e.data;
    if (typeof DOMNodeId !== 'number') continue;
    images.set(nodeKey(e.pid, DOMNodeId), { url: typeof imageUrl === 'string' ? imageUrl : '', paintedAt: e.ts });
  }
  return images;
}

export function nodeKey(pid: number, nodeId: number): string {
  return `${pid}:${nodeId}`;
}

/** The image request of an LCP image, or undefined. `requests` in start order. */
export function lcpRequestOf(nav: NavigationRecord, image: LcpImage, requests: readonly RequestRecord[]): RequestRecord | undefined {
  for (const r of requests) {
    if (r.request.start < nav.start) continue;
    if (r.request.start >= image.paintedAt) break;
    if (r.urls.includes(image.url)) return r;
  }
  return undefined;
}

/**
 * The four parts in ms, or undefined when the document request or its first
 * byte time is unknown (older traces have no response timing).
 */
export function lcpBreakdown(
  nav: NavigationRecord,
  lcpAt: number,
  documentRequest: RequestRecord | undefined,
  imageRequest: RequestRecord | undefined,
): LcpMilestone['breakdown'] {
  if (!documentRequest) return undefined;
  const firstByte = documentRequest.isFile ? documentRequest.request.start : documentRequest.firstByteAt;
  if (firstByte === undefined) return undefined;
  const ttfbMs = (firstByte - nav.start) / 1000;
  if (!imageRequest) return { ttfbMs, loadDelayMs: 0, loadDurationMs: 0, renderDelayMs: (lcpAt - firstByte) / 1000 };
  const requestStart = imageRequest.request.start;
  return {
    ttfbMs,
    loadDelayMs: (requestStart - firstByte) / 1000,
    loadDurationMs: (imageRequest.finishTime - requestStart) / 1000,
    renderDelayMs: (lcpAt - imageRequest.finishTime) / 1000,
  };
}
