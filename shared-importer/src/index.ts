// Public API of shared-importer. Pure TypeScript: no Node, Deno or Electron
// imports, so the same code runs in the main-process worker, edge functions,
// the browser and tests. Hosts pass bytes (and optionally gunzip) in.
export { importProfileFromChunks, importProfilesFromArrayBuffer } from './import-profile.ts';
export type { Gunzip, ImportOptions, ImportProgress } from './input/import-options.ts';
export { TraceImportError, type TraceImportErrorCode } from './errors.ts';
export { ACCEPTED_FORMATS } from './formats/catalog.ts';
export type { Profile, TraceFormat, WeightUnit } from './model/profile.ts';
export { FrameTable, type FrameInfo } from './model/frame-table.ts';
export type { Marker, ThreadTimeline } from './model/thread-timeline.ts';
export { buildMergedCallTree, functionStats, intervalSelfTimes, parentIndices, type FunctionStats, type MergedCallTree } from './model/call-tree.ts';
export type {
  FunctionSummary,
  GcSummary,
  HotPath,
  LayoutPaintSummary,
  LongTask,
  MarkerSummary,
  SummaryStats,
  SummaryValueUnit,
  ThreadSummary,
  TraceSummary,
  TraceSummaryWithText,
} from './summary/summary-types.ts';
export { summarizeProfile, SUMMARY_DEFAULTS, type SummarizeOptions } from './summary/summarize-profile.ts';
export { DEFAULT_TOKEN_BUDGET, renderSummaryText, type RenderedSummary } from './summary/render-summary-text.ts';
export { countTokens, loadTokenizer } from './summary/token-count.ts';
