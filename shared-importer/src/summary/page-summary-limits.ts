// The bounds of the summary's page block, in a module of its own (no imports)
// so the edge functions' summary schema can share them without loading the
// summariser at startup.

/** How many of each list the summary keeps (the text shows fewer at small budgets). */
export const PAGE_SUMMARY_LIMITS = {
  navigations: 5,
  renderBlocking: 5,
  slowestRequests: 5,
  largestShifts: 3,
  missing: 10,
  missingChars: 400,
  /** URLs are cut here: query strings of analytics beacons run to kilobytes. */
  urlChars: 200,
  /** Element names, MIME types, event types. */
  nameChars: 60,
} as const;
