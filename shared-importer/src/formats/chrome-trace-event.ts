// Chrome Trace Event Format (chrome://tracing, Perfetto JSON export, DevTools
// Performance panel "Save profile", Node --trace-events, Hermes...).
//
// Two named steps, as speedscope's importers lean on its profile builders:
// the stream goes into a collector (chrome-trace-event-collector.ts: events
// filed per thread as they are read, nothing built), then a builder
// (chrome-trace-event-builder.ts: per-thread timelines with their CPU samples
// merged in, thread order, warnings).
import { TraceEventCollector } from './chrome-trace-event-collector.ts';
import { buildChromeProfile } from './chrome-trace-event-builder.ts';
import type { FormatImporter, SniffedHead } from './format-importer.ts';

export const chromeTraceEventImporter: FormatImporter = {
  format: 'chrome-trace-event',
  detect(head: SniffedHead): boolean {
    const text = head.text.replace(/^\uFEFF/, '').trimStart();
    if (text.startsWith('[')) {
      // An event array: the first item is an object with trace-event keys (or the array is empty so far).
      const rest = text.slice(1).trimStart();
      return rest === '' || rest.startsWith(']') || (rest.startsWith('{') && /"(ph|ts|pid|tid|name)"\s*:/.test(rest.slice(0, 4096)));
    }
    if (!text.startsWith('{')) return false;
    if (/"traceEvents"\s*:/.test(text)) return true;
    // DevTools "enhanced" traces put a large "metadata" object first.
    return /^\{\s*"metadata"\s*:\s*\{/.test(text) && /"source"\s*:\s*"DevTools"|"dataOrigin"\s*:/.test(text);
  },
  async import(input, context) {
    const trace = await new TraceEventCollector().collect(input, context);
    return buildChromeProfile(trace, context);
  },
};
