// The shape of `public.traces.summary`: a TraceSummary (shared-importer/src/summary/summary-types.ts,
// where each field is explained) as JSON. The column is written by clients (the desktop uploads the
// summary it computed) and by process-ai-turn (when it summarises an uploaded trace itself), so the
// function validates it where it writes it and again where it reads it: a row a client wrote may
// hold anything. The schema is typed against TraceSummary, so the two cannot drift apart unnoticed.
import { z } from 'zod';
import { FORMAT_CATALOG, type TraceFormat } from '../../shared-importer/src/formats/catalog.ts';
import type { WeightUnit } from '../../shared-importer/src/model/profile.ts';
import { PAGE_SUMMARY_LIMITS } from '../../shared-importer/src/summary/page-summary-limits.ts';
import type { PageRequestSummary, PageSummary, TraceSummary } from '../../shared-importer/src/summary/summary-types.ts';
import { describeValidationError } from './chat-messages.ts';
import { utf8ByteLength } from './utf8-bytes.ts';

/** Largest summary JSON accepted (real summaries are tens of KB); the database enforces the same. */
export const MAX_SUMMARY_JSON_BYTES = 1024 * 1024;

const format = z.enum(FORMAT_CATALOG.map((entry) => entry.format) as [TraceFormat, ...TraceFormat[]]);
const weightUnit: z.ZodType<WeightUnit> = z.enum(['microseconds', 'samples', 'bytes']);
const count = z.number().int().nonnegative();
const value = z.number().finite();
const ms = z.number().finite();
const msOrNull = ms.nullable();

/** Where a function (a path's or stack's innermost one) is defined, when the trace says (a JS function's script). */
const source = { file: z.string().optional(), line: z.number().int().optional() };

const functionSummary = z.object({
  id: z.string(),
  name: z.string(),
  ...source,
  selfMs: msOrNull,
  selfValue: value,
  selfPercent: value,
  totalMs: msOrNull,
  totalValue: value,
  totalPercent: value,
});

const elided = { elidedFrameCount: count, elidedAfter: count };

const hotPath = z.object({
  id: z.string(),
  frames: z.array(z.string()),
  frameIds: z.array(z.string()),
  ...elided,
  ...source,
  totalMs: msOrNull,
  totalValue: value,
  selfMs: msOrNull,
  selfValue: value,
  percent: value,
});

const longTask = z.object({
  id: z.string(),
  threadId: z.string(),
  startMs: ms,
  durMs: ms,
  name: z.string(),
  stack: z.array(z.string()),
  stackIds: z.array(z.string()),
  ...elided,
  ...source,
  stackSelfMs: ms,
});

const threadSummary = z.object({
  id: z.string(),
  name: z.string(),
  pid: z.number().int().optional(),
  tid: z.number().int().optional(),
  isMainThread: z.boolean(),
  busyMs: msOrNull,
  busyValue: value,
  busyPercent: value,
  sampleCount: count,
  intervalCount: count,
  functionCount: count,
  selfFunctionCount: count,
  topFunctions: z.array(functionSummary),
  topFunctionsByTotal: z.array(functionSummary),
  hotPaths: z.array(hotPath),
  longTasks: z.array(longTask),
  longTaskCount: count,
  longTaskTotalMs: ms,
  gc: z.object({ totalMs: msOrNull, totalValue: value, count, longestMs: msOrNull }),
  layoutPaint: z.object({
    layoutMs: msOrNull,
    paintMs: msOrNull,
    styleMs: msOrNull,
    layoutValue: value,
    paintValue: value,
    styleValue: value,
    count,
  }),
  markers: z.array(z.object({ name: z.string(), category: z.string().optional(), startMs: ms, durMs: ms.optional() })),
  omittedMarkerCount: count,
});

// The page block: every list and string is bounded by what summarize-page.ts writes.
const rating = z.enum(['good', 'needs-improvement', 'poor']);
/** Page item ids ("nav1", "req12", "int3") and long task ids ("task:p1:t2:345"). */
const itemId = z.string().max(120);
const url = z.string().max(PAGE_SUMMARY_LIMITS.urlChars);
const shortName = z.string().max(PAGE_SUMMARY_LIMITS.nameChars);

const pageRequest: z.ZodType<PageRequestSummary> = z.object({
  id: itemId,
  url,
  startMs: ms,
  durationMs: ms,
  ttfbMs: ms.optional(),
  status: z.number().int().optional(),
  mimeType: shortName.optional(),
  priority: shortName.optional(),
  renderBlocking: shortName.optional(),
  transferBytes: count.optional(),
});

const pageNavigation = z.object({
  id: itemId,
  url,
  startMs: ms,
  fcpMs: msOrNull,
  lcpMs: msOrNull,
  dclMs: msOrNull,
  loadMs: msOrNull,
  cls: value.nullable(),
  inpMs: msOrNull,
  ratings: z.object({ fcp: rating.optional(), lcp: rating.optional(), cls: rating.optional(), inp: rating.optional() }),
  lcp: z
    .object({
      element: shortName.optional(),
      url: url.optional(),
      requestId: itemId.optional(),
      breakdown: z.object({ ttfbMs: ms, loadDelayMs: ms, loadDurationMs: ms, renderDelayMs: ms }).optional(),
    })
    .optional(),
  inpInteractionId: itemId.optional(),
  renderBlocking: z.array(pageRequest).max(PAGE_SUMMARY_LIMITS.renderBlocking),
  renderBlockingCount: count,
});

const pageSummary: z.ZodType<PageSummary> = z.object({
  navigations: z.array(pageNavigation).max(PAGE_SUMMARY_LIMITS.navigations),
  omittedNavigationCount: count,
  cls: value.nullable(),
  clsRating: rating.optional(),
  inpMs: msOrNull,
  inpRating: rating.optional(),
  inpInteractionId: itemId.optional(),
  network: z.object({
    requests: count,
    renderBlocking: count,
    transferBytes: count,
    slowest: z.array(pageRequest).max(PAGE_SUMMARY_LIMITS.slowestRequests),
  }),
  worstShiftCluster: z
    .object({
      id: itemId,
      startMs: ms,
      score: value,
      rating,
      shiftCount: count,
      largestShiftIds: z.array(itemId).max(PAGE_SUMMARY_LIMITS.largestShifts),
    })
    .optional(),
  slowestInteraction: z
    .object({
      id: itemId,
      type: shortName,
      startMs: ms,
      durationMs: ms,
      rating,
      inputDelayMs: ms,
      processingMs: ms,
      presentationDelayMs: ms,
      longTaskId: itemId.optional(),
    })
    .optional(),
  interactionCount: count,
  layoutShiftCount: count,
  missing: z.array(z.string().max(PAGE_SUMMARY_LIMITS.missingChars)).max(PAGE_SUMMARY_LIMITS.missing),
});

export const TraceSummarySchema: z.ZodType<TraceSummary> = z.object({
  format,
  fileName: z.string(),
  unit: weightUnit,
  valueUnit: z.enum(['ms', 'samples', 'bytes']),
  durationMs: msOrNull,
  durationValue: value,
  startMs: ms.optional(),
  hasTimeline: z.boolean(),
  threads: z.array(threadSummary),
  omittedThreadCount: count,
  warnings: z.array(z.string()),
  stats: z.object({ eventCount: count, frameCount: count, intervalCount: count, threadCount: count }),
  settings: z.object({ longTaskThresholdMs: ms }),
  page: pageSummary.optional(),
});

/** The summary, or why it is not one (a sentence for logs and the user). */
export function parseTraceSummary(json: unknown): { ok: true; summary: TraceSummary } | { ok: false; reason: string } {
  const size = utf8ByteLength(JSON.stringify(json) ?? '');
  if (size > MAX_SUMMARY_JSON_BYTES) return { ok: false, reason: `it is ${size} bytes of JSON (limit ${MAX_SUMMARY_JSON_BYTES})` };
  const result = TraceSummarySchema.safeParse(json);
  if (result.success) return { ok: true, summary: result.data };
  return { ok: false, reason: describeValidationError(result.error) };
}
