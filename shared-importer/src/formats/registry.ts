import { chromeCpuProfileImporter } from './chrome-cpuprofile.ts';
import { chromeTraceEventImporter } from './chrome-trace-event.ts';
import { collapsedStacksImporter } from './collapsed-stacks.ts';
import { firefoxGeckoImporter } from './firefox-gecko.ts';
import type { FormatImporter, SniffedHead } from './format-importer.ts';
import { linuxPerfScriptImporter } from './linux-perf-script.ts';
import { pprofImporter } from './pprof.ts';
import { speedscopeImporter } from './speedscope.ts';
import { systraceImporter } from './systrace.ts';

interface RegisteredFormat {
  /** The importer's `format`, named here once more so the TraceFormat union can be derived from this list. */
  format: string;
  /** How the list of accepted formats (the unknown-format error, the app's first screen) names it. */
  label: string;
  importer: FormatImporter;
}

/**
 * Every format we accept, in detection order: the most specific checks first,
 * the loosest (text formats) last. A new format is its file and one line here.
 */
export const FORMATS = [
  { format: 'speedscope', label: 'speedscope JSON (.speedscope.json)', importer: speedscopeImporter },
  { format: 'chrome-trace-event', label: 'Chrome Trace Event Format (.json, JSON object or array; Performance panel traces)', importer: chromeTraceEventImporter },
  { format: 'chrome-cpuprofile', label: 'V8 CPU profile (.cpuprofile)', importer: chromeCpuProfileImporter },
  { format: 'firefox-gecko', label: 'Firefox / Gecko profile (.json)', importer: firefoxGeckoImporter },
  { format: 'pprof', label: 'pprof (protobuf, gzipped or not)', importer: pprofImporter },
  { format: 'systrace', label: 'Android systrace (.html report) and ftrace / atrace text', importer: systraceImporter },
  { format: 'linux-perf-script', label: 'Linux perf script output (perf script > out.txt)', importer: linuxPerfScriptImporter },
  { format: 'collapsed-stacks', label: 'Collapsed / folded stacks (Brendan Gregg format)', importer: collapsedStacksImporter },
] as const satisfies readonly RegisteredFormat[];

/** Formats we import, named as the summary and UI show them. */
export type TraceFormat = (typeof FORMATS)[number]['format'];

export const FORMAT_IMPORTERS: readonly FormatImporter[] = FORMATS.map((f) => f.importer);

/** Human-readable list, used in the "unknown format" error and the empty state. */
export const ACCEPTED_FORMATS: readonly string[] = FORMATS.map((f) => f.label);

export function detectFormat(head: SniffedHead): FormatImporter | undefined {
  return FORMAT_IMPORTERS.find((importer) => importer.detect(head));
}
