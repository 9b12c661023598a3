import { chromeCpuProfileImporter } from './chrome-cpuprofile.ts';
import { chromeTraceEventImporter } from './chrome-trace-event.ts';
import { collapsedStacksImporter } from './collapsed-stacks.ts';
import { firefoxGeckoImporter } from './firefox-gecko.ts';
import type { FormatImporter, SniffedHead } from './format-importer.ts';
import { linuxPerfScriptImporter } from './linux-perf-script.ts';
import { pprofImporter } from './pprof.ts';
import { speedscopeImporter } from './speedscope.ts';
import { systraceImporter } from './systrace.ts';

/**
 * Every format we accept, in detection order: the most specific checks first,
 * the loosest (text formats) last. Each is named in catalog.ts too.
 */
export const FORMAT_IMPORTERS: readonly FormatImporter[] = [
  speedscopeImporter,
  chromeTraceEventImporter,
  chromeCpuProfileImporter,
  firefoxGeckoImporter,
  pprofImporter,
  systraceImporter,
  linuxPerfScriptImporter,
  collapsedStacksImporter,
];

export function detectFormat(head: SniffedHead): FormatImporter | undefined {
  return FORMAT_IMPORTERS.find((importer) => importer.detect(head));
}
