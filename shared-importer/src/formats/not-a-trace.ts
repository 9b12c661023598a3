// The refusal for an input that is not a trace we read: what the content
// looks like (so the user knows what they dropped, or which tool to export it
// with), then the formats we accept. The description comes from the sniffed
// head alone; formats we know of but do not read are named.
import { TraceImportError } from '../errors.ts';
import type { SniffedHead } from './format-importer.ts';
import { ACCEPTED_FORMATS } from './catalog.ts';

/** `whatItIs` is a noun phrase: "an HTML page without trace data". */
export function notATraceError(fileName: string, whatItIs: string): TraceImportError {
  return new TraceImportError(
    'unknown-format',
    `Could not recognise "${fileName}" as a trace: it looks like ${whatItIs}. Accepted formats: ${ACCEPTED_FORMATS.join('; ')}.`,
  );
}

/**
 * What a zip archive with no trace we read holds, for notATraceError: its file
 * count and the first few files, each with what it looks like when known.
 */
export function zipWithoutTrace(files: readonly { name: string; what?: string }[], fileCount: number): string {
  if (fileCount === 0) return 'a zip archive with no files in it';
  const shown = files.slice(0, ZIP_ENTRIES_SHOWN).map((f) => (f.what ? `"${f.name}", ${f.what}` : `"${f.name}"`));
  const more = fileCount > shown.length ? `; and ${fileCount - shown.length} more` : '';
  const listed = `${fileCount === 1 ? 'one file' : `${fileCount} files`}: ${shown.join('; ')}${more}`;
  if (INSTRUMENTS_BUNDLE.test(files[0]?.name ?? '')) return `an Instruments .trace document, zipped, which we do not read (${listed})`;
  return `a zip archive holding no trace we read (${listed})`;
}

const ZIP_ENTRIES_SHOWN = 3;
const INSTRUMENTS_BUNDLE = /^[^/]+\.trace\//;

/** A noun phrase for what the head of an unrecognised input looks like. */
export function describeContent(head: SniffedHead): string {
  const magic = BINARY_MAGIC.find(([bytes]) => bytes.every((b, i) => head.bytes[i] === b));
  if (magic) return magic[1];
  const text = head.text.replace(/^\uFEFF/, '');
  if (looksBinary(text)) return `binary data (first bytes ${hex(head.bytes.subarray(0, 8))})`;
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) return describeJson(trimmed);
  const known = KNOWN_TEXT.find(([pattern]) => pattern.test(text));
  if (known) return known[1];
  if (/^<\?xml/i.test(trimmed)) return 'an XML document';
  if (/^<(!doctype\s+html|html)[\s>]/i.test(trimmed)) return 'an HTML page';
  const firstLine = trimmed.split(/\r\n|\n|\r/, 1)[0];
  return `plain text that matches none of the text formats we read (it starts ${JSON.stringify(clip(firstLine, 60))})`;
}

const BINARY_MAGIC: readonly [number[], string][] = [
  [[0x46, 0x4c, 0x52, 0x00], 'a Java Flight Recorder recording (.jfr), which we do not read'],
  [[0x50, 0x4b, 0x03, 0x04], 'a zip archive'],
  [[0x62, 0x70, 0x6c, 0x69, 0x73, 0x74], 'an Apple binary property list'],
  [[0x7f, 0x45, 0x4c, 0x46], 'an executable (ELF) file'],
  [[0x50, 0x45, 0x52, 0x46, 0x49, 0x4c, 0x45], 'a perf.data file (run "perf script" on it and open the output)'],
];

/** Text formats profilers write that we do not read (yet), by a line they always start with or hold. */
const KNOWN_TEXT: readonly [RegExp, string][] = [
  [
    /^(v8-version|shared-library|code-creation|profiler|tick),/m,
    'a V8 --prof log (v8.log), which we do not read (record with --cpu-prof for a .cpuprofile instead)',
  ],
  [/^# callgrind format|^events: .*\n(.*\n)*?fn=/m, 'a Callgrind profile, which we do not read'],
  [/^\S.* log opened \(PC\)\s*$/m, 'a Papyrus (Creation Engine) script profiling log, which we do not read'],
  [/^@ \S+ \[\d+ samples\]/m, 'a pmcstat callgraph (FreeBSD hwpmc), which we do not read'],
  [/^(Weight|Running Time)\tSelf|^Bytes Used\tCount/m, 'an Instruments call tree copied as text, which we do not read'],
  [/^\s*COST CENTRE\s+MODULE/m, 'a GHC (Haskell) .prof text profile, which we do not read'],
];

/** JSON shapes of formats we do not read, recognised by their top-level keys. */
const KNOWN_JSON: readonly [(keys: ReadonlySet<string>, first: string) => boolean, string][] = [
  [(k) => k.has('mappings') && (k.has('sources') || k.has('sections')), 'a JavaScript source map, not a trace'],
  [(k) => k.has('mode') && k.has('frames') && k.has('interval'), 'a Ruby stackprof profile, which we do not read'],
  [(_, first) => first === 'head', 'a V8 heap (allocation sampling) profile (.heapprofile), which we do not read'],
  [(k) => k.has('program') && k.has('cost_centres'), 'a GHC (Haskell) JSON profile, which we do not read'],
  [(k) => k.has('recording') && k.has('version'), 'a Safari Web Inspector timeline recording, which we do not read'],
  [(k) => k.has('traceId') && k.has('spans'), 'a Google Cloud Trace (spans of requests), which we do not read'],
  [(k, first) => first === 'code' && k.size === 1, 'a V8 log preprocessed to JSON (node --prof-process --preprocess), which we do not read'],
];

function describeJson(text: string): string {
  if (text.startsWith('[')) return `JSON that is not a trace (${describeArray(text)})`;
  const keys = topLevelKeys(text);
  const known = KNOWN_JSON.find(([matches]) => matches(new Set(keys), keys[0]));
  if (known) return known[1];
  if (keys.length === 0) return 'JSON that is not a trace (an empty object)';
  return `JSON that is not a trace (an object with keys ${keys
    .slice(0, 8)
    .map((k) => JSON.stringify(clip(k, 40)))
    .join(', ')}${keys.length > 8 ? ', …' : ''})`;
}

/** "an array of arrays of numbers", "an array of objects with keys ...". */
function describeArray(text: string): string {
  const inner = text.slice(1).trimStart();
  if (inner.startsWith(']')) return 'an empty array';
  if (inner.startsWith('[')) {
    const items = describeArray(inner);
    return items.startsWith('an array of ') ? `an array of arrays${items.slice('an array'.length)}` : 'an array of arrays';
  }
  if (inner.startsWith('{')) {
    const keys = topLevelKeys(inner);
    return keys.length > 0
      ? `an array of objects with keys ${keys
          .slice(0, 6)
          .map((k) => JSON.stringify(clip(k, 40)))
          .join(', ')}`
      : 'an array of objects';
  }
  if (inner.startsWith('"')) return 'an array of strings';
  if (/^[-\d]/.test(inner)) return 'an array of numbers';
  if (/^(true|false)/.test(inner)) return 'an array of booleans';
  return 'an array';
}

/**
 * The keys of the object `text` starts with, as far as the head shows them:
 * a scan that tracks nesting and strings, not a parse (the head may end anywhere).
 */
function topLevelKeys(text: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      const end = stringEnd(text, i);
      if (end < 0) break;
      if (expectKey) {
        keys.push(JSON.parse(text.slice(i, end + 1)) as string);
        expectKey = false;
      }
      i = end;
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      depth++;
      expectKey = depth === 1 && c === 123;
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      if (--depth === 0) break;
    } else if (c === 44 /* , */ && depth === 1) {
      expectKey = true;
    }
  }
  return keys;
}

function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 92 /* \ */) i++;
    else if (c === 34) return i;
  }
  return -1;
}

/** Control characters or undecodable bytes in more than 1% of the head. */
function looksBinary(text: string): boolean {
  const sample = text.slice(0, 4096);
  let odd = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 12 && c !== 13) || c === 0xfffd) odd++;
  }
  return odd > sample.length / 100;
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
