// The summary's default settings, in a module of their own: the edge functions name the long-task
// threshold in a tool's label at start-up, without loading the summariser.
export const SUMMARY_DEFAULTS = {
  longTaskThresholdMs: 50,
  topFunctionCount: 15,
  hotPathCount: 10,
  maxLongTasks: 25,
  maxMarkers: 50,
  maxThreads: 64,
} as const;
