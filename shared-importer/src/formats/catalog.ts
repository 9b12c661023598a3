// The formats we read as the user sees them: a name for each, and the file
// extensions the open dialog offers. Data only, so the renderer and the main
// process list them without loading the importers (that would add 185 kB to
// the renderer's bundle). registry.ts holds the importers, in detection
// order; its test checks that the two name the same formats, and an importer
// whose format is missing here does not typecheck.

interface CatalogEntry {
  format: string;
  /** How the list of accepted formats (the unknown-format error, the app's first screen) names it. */
  label: string;
  /** File name extensions it is usually saved with, for the open dialog (detection never looks at them). */
  extensions: readonly string[];
}

/** In the order the user reads them. */
export const FORMAT_CATALOG = [
  { format: 'chrome-trace-event', label: 'Chrome Trace Event Format (.json, JSON object or array; Performance panel traces)', extensions: ['json'] },
  { format: 'chrome-cpuprofile', label: 'V8 CPU profile (.cpuprofile)', extensions: ['cpuprofile'] },
  { format: 'speedscope', label: 'speedscope JSON (.speedscope.json)', extensions: ['json'] },
  { format: 'firefox-gecko', label: 'Firefox / Gecko profile (.json)', extensions: ['json'] },
  { format: 'systrace', label: 'Android systrace (.html report) and ftrace / atrace text', extensions: ['html', 'txt'] },
  { format: 'linux-perf-script', label: 'Linux perf script output (perf script > out.txt)', extensions: ['txt', 'perf'] },
  { format: 'collapsed-stacks', label: 'Collapsed / folded stacks (Brendan Gregg format)', extensions: ['txt', 'folded', 'collapsed'] },
  { format: 'pprof', label: 'pprof (protobuf, gzipped or not)', extensions: ['prof', 'pb'] },
] as const satisfies readonly CatalogEntry[];

/** Formats we import, named as the summary and UI show them. */
export type TraceFormat = (typeof FORMAT_CATALOG)[number]['format'];

/** Human-readable list, used in the "unknown format" error and the empty state. */
export const ACCEPTED_FORMATS: readonly string[] = FORMAT_CATALOG.map((f) => f.label);

/** Every format's extensions, and the archives any of them may come in. */
export const TRACE_FILE_EXTENSIONS: readonly string[] = [...new Set([...FORMAT_CATALOG.flatMap((f) => f.extensions), 'gz', 'zip'])];
