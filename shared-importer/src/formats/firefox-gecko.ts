// Firefox profiles: the Gecko profiler's JSON (tables as {schema, data} rows,
// frames named by "function (file:line:col)" strings), the Firefox Profiler's
// processed format (tables as column arrays, names in a funcTable), and the
// old devtools "Recorded Performance Data" export that wraps a Gecko profile.
// Every thread of every process becomes one timeline; times are ms → µs.
import { TraceImportError, throwIfAborted } from '../errors.ts';
import { isObject, readJsonDocument } from '../input/json-document.ts';
import { FrameTable } from '../model/frame-table.ts';
import { profileSpan, type Profile } from '../model/profile.ts';
import { TimelineBuilder, type Marker, type ThreadTimeline } from '../model/thread-timeline.ts';
import type { FormatImportContext, FormatImporter, SniffedHead } from './format-importer.ts';
import { splitLineAndColumn, splitTrailingParenthesis } from './frame-name-parsing.ts';

const WHAT = 'A Firefox profile';
const ABORT_CHECK_EVERY = 65536;
const MS = 1000;

export const firefoxGeckoImporter: FormatImporter = {
  format: 'firefox-gecko',
  detect(head: SniffedHead): boolean {
    const text = head.text.trimStart();
    if (!text.startsWith('{')) return false;
    // Gecko's meta block has keys no other format uses.
    if (/"meta"\s*:\s*\{/.test(text) && /"(stackwalk|gcpoison|asyncstack|preprocessedProfileVersion)"\s*:/.test(text)) return true;
    if (/"threads"\s*:\s*\[/.test(text) && /"stackTable"\s*:/.test(text) && /"frameTable"\s*:/.test(text)) return true;
    // The shared-library list can come first and fill the head; Breakpad ids mark it as Gecko's.
    if (/"libs"\s*:\s*\[/.test(text) && /"breakpadId"\s*:/.test(text)) return true;
    if (/"fileType"\s*:\s*"Recorded Performance Data"/.test(text)) return true;
    // Devtools exports start with their own marker list, which can fill the whole head.
    if (!/^\{\s*"label"\s*:/.test(text)) return false;
    return /"isOffMainThread"\s*:/.test(text) || /"allocations"\s*:\s*\{\s*"sites"\s*:/.test(text);
  },
  async import(input, context) {
    const document = await readJsonDocument(input, context, WHAT);
    return importFirefoxDocument(document, context);
  },
};

/** Row access to a Gecko table, whichever of the two layouts it uses. */
interface Table {
  length: number;
  column(name: string): ((row: number) => unknown) | undefined;
}

function openTable(raw: unknown): Table | undefined {
  if (!isObject(raw)) return undefined;
  const { schema, data } = raw;
  if (isObject(schema) && Array.isArray(data)) {
    return {
      length: data.length,
      column(name) {
        const index = schema[name];
        if (typeof index !== 'number') return undefined;
        return (row) => {
          const r: unknown = data[row];
          return Array.isArray(r) ? (r as unknown[])[index] : undefined;
        };
      },
    };
  }
  // Processed format: one array per column. The declared length is trusted
  // only as far as the columns go (it sizes typed arrays).
  let length = -1;
  for (const value of Object.values(raw)) {
    if (Array.isArray(value)) length = Math.max(length, value.length);
  }
  if (length < 0) return undefined;
  if (typeof raw.length === 'number' && raw.length >= 0 && raw.length < length) length = Math.floor(raw.length);
  return {
    length,
    column(name) {
      const column = raw[name];
      return Array.isArray(column) ? (row) => (column as unknown[])[row] : undefined;
    },
  };
}

interface Problems {
  badStacks: number;
  emptyThreads: number;
}

interface ProcessEntry {
  profile: Record<string, unknown>;
  /** This process's clock origin relative to the root process's, in ms. */
  offsetMs: number;
}

function importFirefoxDocument(document: unknown, context: FormatImportContext): Profile {
  if (!isObject(document)) throw new TraceImportError('invalid-data', `${WHAT} must be a JSON object.`);
  // Devtools exports keep the Gecko profile under "profile" and their own markers, in the samples' clock, beside it.
  const wrapped = isObject(document.profile) && Array.isArray(document.profile.threads);
  const root = wrapped ? (document.profile as Record<string, unknown>) : document;
  if (!Array.isArray(root.threads)) throw new TraceImportError('invalid-data', `${WHAT} has no "threads" list.`);

  const rootMeta = isObject(root.meta) ? root.meta : {};
  const rootStart = typeof rootMeta.startTime === 'number' ? rootMeta.startTime : 0;
  const sharedStrings = isObject(root.shared) && Array.isArray(root.shared.stringArray) ? root.shared.stringArray : undefined;
  const frames = new FrameTable();
  const problems: Problems = { badStacks: 0, emptyThreads: 0 };
  const timelines: ThreadTimeline[] = [];
  const usedIds = new Set<string>();
  let eventCount = 0;

  // Devtools markers belong to the profiled page's main thread.
  const rootThreads: unknown[] = root.threads;
  const mainThread = rootThreads.find((t) => isObject(t) && t.name === 'GeckoMain') ?? rootThreads[0];
  const devtoolsMarkers = wrapped ? devtoolsMarkerList(document.markers) : [];

  // Sub-processes nest; walk them with a queue, not recursion.
  const queue: ProcessEntry[] = [{ profile: root, offsetMs: 0 }];
  for (let q = 0; q < queue.length; q++) {
    const { profile, offsetMs } = queue[q];
    const meta = isObject(profile.meta) ? profile.meta : rootMeta;
    const threads: unknown[] = Array.isArray(profile.threads) ? profile.threads : [];
    for (const thread of threads) {
      if (!isObject(thread)) continue;
      // Thread markers in devtools exports use another clock than the samples; the export's own list replaces them.
      const markers = wrapped ? (thread === mainThread ? devtoolsMarkers : []) : undefined;
      const result = importThread(thread, meta, offsetMs, sharedStrings, frames, problems, context, markers);
      if (!result) continue;
      const { timeline, samples } = result;
      let id = timeline.id;
      for (let n = 2; usedIds.has(id); n++) id = `${timeline.id}#${n}`;
      usedIds.add(id);
      eventCount += samples;
      timelines.push({ ...timeline, id });
    }
    const subprocesses: unknown[] = Array.isArray(profile.processes) ? profile.processes : [];
    for (const sub of subprocesses) {
      if (!isObject(sub)) continue;
      const subMeta = isObject(sub.meta) ? sub.meta : {};
      const subStart = typeof subMeta.startTime === 'number' ? subMeta.startTime : rootStart;
      queue.push({ profile: sub, offsetMs: subStart - rootStart });
    }
  }

  if (timelines.length === 0) {
    throw new TraceImportError('invalid-data', `${WHAT} has no thread with samples or markers.`);
  }
  const warnings: string[] = [];
  if (problems.badStacks > 0) {
    warnings.push(`${problems.badStacks} samples refer to missing or circular stacks; they show as an empty stack.`);
  }
  if (problems.emptyThreads > 0) warnings.push(`${problems.emptyThreads} threads without samples or markers were left out.`);
  return {
    format: 'firefox-gecko',
    name: context.fileName,
    unit: 'microseconds',
    frames,
    threads: timelines,
    ...profileSpan(timelines),
    eventCount,
    warnings,
  };
}

/** The devtools export's markers: {name, start, end} in ms on the samples' clock. */
function devtoolsMarkerList(raw: unknown): Marker[] {
  const markers: Marker[] = [];
  if (!Array.isArray(raw)) return markers;
  for (const m of raw) {
    if (!isObject(m) || typeof m.name !== 'string' || typeof m.start !== 'number') continue;
    const end = typeof m.end === 'number' && m.end >= m.start ? m.end : m.start;
    markers.push({ name: m.name, start: m.start * MS, end: end * MS });
  }
  return markers;
}

/**
 * One thread's samples (and markers) as a timeline. `markers` replaces the
 * thread's own marker table when given. Undefined for a thread with neither.
 */
function importThread(
  thread: Record<string, unknown>,
  meta: Record<string, unknown>,
  offsetMs: number,
  sharedStrings: unknown[] | undefined,
  frames: FrameTable,
  problems: Problems,
  context: FormatImportContext,
  markers: readonly Marker[] | undefined,
): { timeline: ThreadTimeline; samples: number } | undefined {
  const strings: unknown[] = Array.isArray(thread.stringTable)
    ? thread.stringTable
    : Array.isArray(thread.stringArray)
      ? thread.stringArray
      : (sharedStrings ?? []);
  const str = (index: unknown): string | undefined => {
    if (typeof index === 'string') return index;
    if (typeof index !== 'number') return undefined;
    const s = strings[index];
    return typeof s === 'string' ? s : undefined;
  };
  const categories: unknown[] | undefined = Array.isArray(meta.categories) ? meta.categories : undefined;
  const categoryName = (index: unknown): string | undefined => {
    if (typeof index !== 'number') return undefined;
    if (!categories) return LEGACY_CATEGORIES[index];
    const c = categories[index];
    return isObject(c) && typeof c.name === 'string' ? c.name : undefined;
  };

  const name = typeof thread.name === 'string' ? thread.name : 'Thread';
  const pid = numeric(thread.pid);
  const tid = numeric(thread.tid);
  const id = pid !== undefined && tid !== undefined ? `p${pid}:t${tid}` : tid !== undefined ? `t${tid}` : `t${name}`;
  const builder = new TimelineBuilder({ id, name, pid, tid });

  const frameOfRow = frameResolver(openTable(thread.frameTable), openTable(thread.funcTable), str, categoryName, frames);
  const stacks = stackResolver(openTable(thread.stackTable), frameOfRow);

  const samples = openTable(thread.samples);
  const stackColumn = samples?.column('stack');
  const timeColumn = samples?.column('time');
  const deltaColumn = samples?.column('timeDeltas');
  let sampleCount = 0;
  let lastMs = -Infinity;
  if (samples && stackColumn && (timeColumn || deltaColumn)) {
    let ms = 0;
    for (let row = 0; row < samples.length; row++) {
      if (row % ABORT_CHECK_EVERY === 0) {
        throwIfAborted(context.signal);
        context.countEvents(Math.min(ABORT_CHECK_EVERY, samples.length - row));
      }
      if (timeColumn) {
        const t = timeColumn(row);
        if (typeof t !== 'number') continue;
        ms = t;
      } else {
        const d = deltaColumn!(row);
        ms += typeof d === 'number' ? d : 0;
      }
      const stackIndex = stackColumn(row);
      let stack: readonly number[] = EMPTY;
      if (stackIndex !== null && stackIndex !== undefined) {
        const resolved = stacks(stackIndex);
        if (resolved) stack = resolved;
        else problems.badStacks++;
      }
      builder.sample(stack, (ms + offsetMs) * MS);
      sampleCount++;
      lastMs = ms;
    }
  }
  let markerCount: number;
  if (markers) {
    for (const marker of markers) builder.addMarker(marker);
    markerCount = markers.length;
  } else {
    markerCount = addThreadMarkers(openTable(thread.markers), str, categoryName, offsetMs, builder);
  }
  if (sampleCount === 0 && markerCount === 0) {
    problems.emptyThreads++;
    return undefined;
  }
  const intervalMs = typeof meta.interval === 'number' && meta.interval > 0 ? meta.interval : 1;
  const timeline = builder.finish(sampleCount > 0 ? (lastMs + intervalMs + offsetMs) * MS : undefined);
  return { timeline, samples: sampleCount };
}

const EMPTY: readonly number[] = [];

/**
 * Before meta.categories (Gecko format < 12), a frame's category was one bit
 * of this mask (the old js::ProfileEntry::Category).
 */
const LEGACY_CATEGORIES: Record<number, string> = {
  16: 'Other',
  32: 'CSS',
  64: 'JavaScript',
  128: 'GC',
  256: 'CC',
  512: 'Network',
  1024: 'Graphics',
  2048: 'Storage',
  4096: 'Events',
};

function numeric(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return undefined;
}

/** Our frame index for each frame-table row, interned on first use. */
function frameResolver(
  frameTable: Table | undefined,
  funcTable: Table | undefined,
  str: (index: unknown) => string | undefined,
  categoryName: (index: unknown) => string | undefined,
  frames: FrameTable,
): (row: number) => number {
  const length = frameTable?.length ?? 0;
  const cache = new Int32Array(length).fill(-1);
  const location = frameTable?.column('location');
  const func = frameTable?.column('func');
  const category = frameTable?.column('category');
  const funcName = funcTable?.column('name');
  const funcFile = funcTable?.column('fileName');
  const funcLine = funcTable?.column('lineNumber');
  const funcColumn = funcTable?.column('columnNumber');
  return (row) => {
    if (row < 0 || row >= length) return -1;
    const cached = cache[row];
    if (cached >= 0) return cached;
    let index: number;
    const cat = categoryName(category?.(row));
    const f = func?.(row);
    if (typeof f === 'number' && funcName) {
      const fileName = str(funcFile?.(f));
      const lineNumber = funcLine?.(f);
      const columnNumber = funcColumn?.(f);
      index = frames.intern({
        name: str(funcName(f)) ?? `(function ${f})`,
        file: fileName,
        line: typeof lineNumber === 'number' ? lineNumber : undefined,
        column: typeof columnNumber === 'number' ? columnNumber : undefined,
        category: cat,
      });
    } else {
      // Gecko names JS frames "name (file:line:col)"; native frames are a bare name.
      const text = str(location?.(row)) ?? `(frame ${row})`;
      const split = splitTrailingParenthesis(text);
      if (split && split.before !== '') {
        const { file, line, column } = splitLineAndColumn(split.inside);
        index = frames.intern({ name: split.before, file, line, column, category: cat });
      } else {
        index = frames.intern({ name: text, category: cat });
      }
    }
    cache[row] = index;
    return index;
  };
}

const UNKNOWN = -1;
const VISITING = -2;
const BROKEN = -3;

/**
 * Stack index -> frame indices, outermost first. Prefix chains can be
 * thousands long: depths are resolved iteratively and memoised, and a chain
 * that loops or points outside the table marks its stacks broken instead of
 * hanging.
 */
function stackResolver(stackTable: Table | undefined, frameOfRow: (row: number) => number): (stack: unknown) => number[] | undefined {
  const n = stackTable?.length ?? 0;
  const prefixColumn = stackTable?.column('prefix');
  const frameColumn = stackTable?.column('frame');
  const prefix = new Int32Array(n);
  const frameOf = new Int32Array(n);
  const depth = new Int32Array(n).fill(UNKNOWN);
  for (let s = 0; s < n; s++) {
    const p = prefixColumn?.(s);
    prefix[s] = p === null || p === undefined ? -1 : typeof p === 'number' && Number.isInteger(p) && p >= 0 && p < n ? p : -2;
    const f = frameColumn?.(s);
    frameOf[s] = typeof f === 'number' ? frameOfRow(f) : -1;
    if (frameOf[s] < 0) depth[s] = BROKEN;
  }
  const path: number[] = [];
  const resolveDepth = (s: number): number => {
    path.length = 0;
    let cur = s;
    while (cur >= 0 && depth[cur] === UNKNOWN) {
      depth[cur] = VISITING;
      path.push(cur);
      cur = prefix[cur];
    }
    // cur is -1 (a root), -2 (bad prefix) or an already-resolved (or looping) stack.
    let d = cur === -1 ? 0 : cur === -2 ? BROKEN : depth[cur];
    if (d === VISITING) d = BROKEN;
    for (let i = path.length - 1; i >= 0; i--) {
      if (d !== BROKEN) d++;
      depth[path[i]] = d;
    }
    return depth[s];
  };
  const out: number[] = [];
  return (stack) => {
    if (typeof stack !== 'number' || !Number.isInteger(stack) || stack < 0 || stack >= n) return undefined;
    const d = depth[stack] === UNKNOWN ? resolveDepth(stack) : depth[stack];
    if (d < 0) return undefined;
    out.length = d;
    let cur = stack;
    for (let i = d - 1; i >= 0; i--) {
      out[i] = frameOf[cur];
      cur = prefix[cur];
    }
    return out;
  };
}

/** Gecko marker phases (newer schema). */
const INSTANT = 0;
const INTERVAL = 1;
const INTERVAL_START = 2;
const INTERVAL_END = 3;

function addThreadMarkers(
  table: Table | undefined,
  str: (index: unknown) => string | undefined,
  categoryName: (index: unknown) => string | undefined,
  offsetMs: number,
  builder: TimelineBuilder,
): number {
  if (!table) return 0;
  const nameColumn = table.column('name');
  const timeColumn = table.column('time');
  const startColumn = table.column('startTime');
  const endColumn = table.column('endTime');
  const phaseColumn = table.column('phase');
  const dataColumn = table.column('data');
  const categoryColumn = table.column('category');
  if (!nameColumn) return 0;
  // Open "start" markers by name, waiting for their "end".
  const open = new Map<string, number[]>();
  let added = 0;
  const add = (marker: Marker) => {
    builder.addMarker(marker);
    added++;
  };
  for (let row = 0; row < table.length; row++) {
    const name = str(nameColumn(row));
    if (name === undefined) continue;
    const data = dataColumn?.(row);
    const d = isObject(data) ? data : {};
    const category = categoryName(categoryColumn?.(row)) ?? (typeof d.category === 'string' ? d.category : typeof d.type === 'string' ? d.type : undefined);
    const phase = phaseColumn?.(row);
    let start: number | undefined;
    let end: number | undefined;
    let kind: 'instant' | 'range' | 'start' | 'end' = 'instant';
    if (typeof phase === 'number') {
      const s = startColumn?.(row);
      const e = endColumn?.(row);
      if (phase === INSTANT && typeof s === 'number') start = end = s;
      else if (phase === INTERVAL && typeof s === 'number' && typeof e === 'number') [start, end, kind] = [s, e, 'range'];
      else if (phase === INTERVAL_START && typeof s === 'number') [start, kind] = [s, 'start'];
      else if (phase === INTERVAL_END && typeof e === 'number') [start, kind] = [e, 'end'];
    } else {
      const t = timeColumn?.(row);
      if (typeof d.startTime === 'number' && typeof d.endTime === 'number') [start, end, kind] = [d.startTime, d.endTime, 'range'];
      else if (typeof t === 'number') {
        start = end = t;
        if (d.interval === 'start') kind = 'start';
        else if (d.interval === 'end') kind = 'end';
      }
    }
    if (start === undefined) continue;
    const key = `${name}\u0000${category ?? ''}`;
    if (kind === 'start') {
      let starts = open.get(key);
      if (!starts) open.set(key, (starts = []));
      starts.push(start);
      continue;
    }
    if (kind === 'end') {
      const startedAt = open.get(key)?.pop();
      if (startedAt !== undefined) add({ name, category, start: (startedAt + offsetMs) * MS, end: (start + offsetMs) * MS });
      continue;
    }
    add({ name, category, start: (start + offsetMs) * MS, end: (Math.max(start, end ?? start) + offsetMs) * MS });
  }
  return added;
}
