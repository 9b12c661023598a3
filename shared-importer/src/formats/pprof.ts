// pprof profiles (github.com/google/pprof/proto/profile.proto): a protobuf
// Profile message, usually gzipped (import-profile.ts un-gzips by magic
// bytes). Samples carry no timestamps, so they are laid end to end by weight,
// as speedscope does; one thread, "t0".
import { TraceImportError, throwIfAborted } from '../errors.ts';
import { ProtobufReader, WIRE_LEN, WIRE_VARINT } from '../input/protobuf-reader.ts';
import { FrameTable } from '../model/frame-table.ts';
import { GrowableUint32 } from '../model/growable-arrays.ts';
import { profileSpan, type Profile, type WeightUnit } from '../model/profile.ts';
import { TimelineBuilder } from '../model/thread-timeline.ts';
import type { FormatImportContext, FormatImporter, SniffedHead } from './format-importer.ts';

const WHAT = 'A pprof profile';
const SNIFF_BYTES = 64 * 1024;
const ABORT_CHECK_EVERY = 16384;

// Profile message fields.
const SAMPLE_TYPE = 1;
const SAMPLE = 2;
const MAPPING = 3;
const LOCATION = 4;
const FUNCTION = 5;
const STRING_TABLE = 6;
const PERIOD_TYPE = 11;
const DEFAULT_SAMPLE_TYPE = 14;

const V = [WIRE_VARINT];
const L = [WIRE_LEN];
const VL = [WIRE_VARINT, WIRE_LEN];
/** Wire types each field may use (repeated scalars may be packed), per message type. */
const PROFILE_FIELDS: Record<number, number[]> = {
  1: L,
  2: L,
  3: L,
  4: L,
  5: L,
  6: L,
  7: V,
  8: V,
  9: V,
  10: V,
  11: L,
  12: V,
  13: VL,
  14: V,
  15: V,
};
const VALUE_TYPE_FIELDS: Record<number, number[]> = { 1: V, 2: V };
const SAMPLE_FIELDS: Record<number, number[]> = { 1: VL, 2: VL, 3: L };
const MAPPING_FIELDS: Record<number, number[]> = { 1: V, 2: V, 3: V, 4: V, 5: V, 6: V, 7: V, 8: V, 9: V, 10: V };
const LOCATION_FIELDS: Record<number, number[]> = { 1: V, 2: V, 3: V, 4: L, 5: V };
const FUNCTION_FIELDS: Record<number, number[]> = { 1: V, 2: V, 3: V, 4: V, 5: V };
const SUBMESSAGE_FIELDS: Record<number, Record<number, number[]>> = {
  [SAMPLE_TYPE]: VALUE_TYPE_FIELDS,
  [SAMPLE]: SAMPLE_FIELDS,
  [MAPPING]: MAPPING_FIELDS,
  [LOCATION]: LOCATION_FIELDS,
  [FUNCTION]: FUNCTION_FIELDS,
  [PERIOD_TYPE]: VALUE_TYPE_FIELDS,
};

/** Multiplier to microseconds for pprof's time units. */
const TO_MICROSECONDS: Record<string, number> = {
  nanoseconds: 1e-3,
  microseconds: 1,
  milliseconds: 1e3,
  seconds: 1e6,
};

export const pprofImporter: FormatImporter = {
  format: 'pprof',
  detect(head: SniffedHead): boolean {
    return looksLikePprof(head.bytes, head.bytes.length < SNIFF_BYTES);
  },
  async import(input, context) {
    const bytes = await input.readAll(context.maxBufferedBytes, WHAT);
    return importPprof(bytes, context);
  },
};

/** Whether every field of a message has a known number and wire type (and nothing overruns). */
function messageIsWellFormed(reader: ProtobufReader, fields: Record<number, number[]>): boolean {
  try {
    while (!reader.done) {
      const { field, wireType } = reader.tag();
      if (!fields[field]?.includes(wireType)) return false;
      reader.skip(wireType);
    }
    return true;
  } catch {
    return false;
  }
}

/**
 * Strict structural check of the head: random bytes almost never pass.
 * Every top-level field must be a Profile field with its wire type, every
 * embedded message fully inside the head must be well formed, a sample type
 * or sample must appear, and a complete input must end exactly with a string
 * table starting with "".
 */
export function looksLikePprof(bytes: Uint8Array, complete: boolean): boolean {
  const reader = new ProtobufReader(bytes);
  let verified = 0;
  let sawSamples = false;
  let sawStrings = false;
  let firstStringEmpty = false;
  while (!reader.done) {
    let field: number;
    let wireType: number;
    let contentStart: number;
    let contentEnd: number;
    try {
      ({ field, wireType } = reader.tag());
      if (!PROFILE_FIELDS[field]?.includes(wireType)) return false;
      if (wireType !== WIRE_LEN) {
        reader.skip(wireType);
        verified++;
        continue;
      }
      ({ start: contentStart, end: contentEnd } = reader.lengthDelimited());
    } catch (error) {
      // Running off the end of a cut-off head is fine once enough fields checked out.
      const ranOffHead = error instanceof TraceImportError && error.code === 'truncated';
      return ranOffHead && !complete && verified >= 3 && sawSamples;
    }
    const inner = SUBMESSAGE_FIELDS[field];
    if (inner && !messageIsWellFormed(new ProtobufReader(bytes, contentStart, contentEnd), inner)) return false;
    if (field === SAMPLE_TYPE || field === SAMPLE) sawSamples = true;
    if (field === STRING_TABLE) {
      if (!sawStrings) firstStringEmpty = contentStart === contentEnd;
      sawStrings = true;
    }
    verified++;
  }
  if (!sawSamples) return false;
  return complete ? sawStrings && firstStringEmpty : verified >= 3;
}

interface Line {
  functionId: number;
}

interface Location {
  mappingId: number;
  address: number;
  lines: Line[];
}

interface PprofFunction {
  name: number;
  systemName: number;
  filename: number;
  startLine: number;
}

function importPprof(bytes: Uint8Array, context: FormatImportContext): Profile {
  // Sample offsets are kept as 32-bit integers.
  if (bytes.length >= 2 ** 32) throw new TraceImportError('too-large', `${WHAT} larger than 4 GiB is not supported.`);
  const reader = new ProtobufReader(bytes);
  const sampleTypes: { type: number; unit: number }[] = [];
  // Where each Sample message lies in `bytes`. Samples are decoded in a second
  // pass, once the string table (usually last) is known: 8 bytes per sample
  // here instead of every location id and value as a JS number.
  const sampleStart = new GrowableUint32();
  const sampleEnd = new GrowableUint32();
  const locations = new Map<number, Location>();
  const functions = new Map<number, PprofFunction>();
  const mappingFile = new Map<number, number>();
  const strings: string[] = [];
  let defaultSampleType = 0;
  let fieldsRead = 0;

  while (!reader.done) {
    if (++fieldsRead % ABORT_CHECK_EVERY === 0) throwIfAborted(context.signal);
    const { field, wireType } = reader.tag();
    if (!PROFILE_FIELDS[field]?.includes(wireType)) {
      // Unknown fields are legal protobuf (a newer schema); skip them.
      reader.skip(wireType);
      continue;
    }
    switch (field) {
      case SAMPLE_TYPE: {
        const m = reader.message();
        const vt = { type: 0, unit: 0 };
        while (!m.done) {
          const t = m.tag();
          if (t.field === 1 && t.wireType === WIRE_VARINT) vt.type = m.varint();
          else if (t.field === 2 && t.wireType === WIRE_VARINT) vt.unit = m.varint();
          else m.skip(t.wireType);
        }
        sampleTypes.push(vt);
        break;
      }
      case SAMPLE: {
        const { start, end } = reader.lengthDelimited();
        sampleStart.push(start);
        sampleEnd.push(end);
        break;
      }
      case MAPPING: {
        const m = reader.message();
        let id = 0;
        let filename = 0;
        while (!m.done) {
          const t = m.tag();
          if (t.field === 1 && t.wireType === WIRE_VARINT) id = m.varint();
          else if (t.field === 5 && t.wireType === WIRE_VARINT) filename = m.varint();
          else m.skip(t.wireType);
        }
        mappingFile.set(id, filename);
        break;
      }
      case LOCATION: {
        const m = reader.message();
        let id = 0;
        const location: Location = { mappingId: 0, address: 0, lines: [] };
        while (!m.done) {
          const t = m.tag();
          if (t.field === 1 && t.wireType === WIRE_VARINT) id = m.varint();
          else if (t.field === 2 && t.wireType === WIRE_VARINT) location.mappingId = m.varint();
          else if (t.field === 3 && t.wireType === WIRE_VARINT) location.address = m.varint();
          else if (t.field === 4 && t.wireType === WIRE_LEN) {
            const lm = m.message();
            const line: Line = { functionId: 0 };
            while (!lm.done) {
              const lt = lm.tag();
              if (lt.field === 1 && lt.wireType === WIRE_VARINT) line.functionId = lm.varint();
              else lm.skip(lt.wireType);
            }
            location.lines.push(line);
          } else m.skip(t.wireType);
        }
        locations.set(id, location);
        break;
      }
      case FUNCTION: {
        const m = reader.message();
        let id = 0;
        const fn: PprofFunction = { name: 0, systemName: 0, filename: 0, startLine: 0 };
        while (!m.done) {
          const t = m.tag();
          if (t.wireType !== WIRE_VARINT) m.skip(t.wireType);
          else if (t.field === 1) id = m.varint();
          else if (t.field === 2) fn.name = m.varint();
          else if (t.field === 3) fn.systemName = m.varint();
          else if (t.field === 4) fn.filename = m.varint();
          else if (t.field === 5) fn.startLine = m.int64();
          else m.varint();
        }
        functions.set(id, fn);
        break;
      }
      case STRING_TABLE:
        strings.push(reader.string());
        break;
      case DEFAULT_SAMPLE_TYPE:
        defaultSampleType = reader.varint();
        break;
      default:
        reader.skip(wireType);
    }
  }

  const sampleCount = sampleStart.length;
  if (strings.length === 0 || strings[0] !== '') {
    throw new TraceImportError('invalid-data', `${WHAT} has no valid string table (its first entry must be empty).`);
  }
  if (sampleTypes.length === 0) throw new TraceImportError('invalid-data', `${WHAT} declares no sample types.`);
  const str = (index: number): string => (index >= 0 && index < strings.length ? strings[index] : '');

  // The default sample type when named, else the last one (pprof's own choice: cpu over samples, inuse_space over counts).
  let valueIndex = sampleTypes.length - 1;
  if (defaultSampleType > 0) {
    const named = sampleTypes.findIndex((t) => str(t.type) === str(defaultSampleType));
    if (named >= 0) valueIndex = named;
  }
  const typeName = str(sampleTypes[valueIndex].type) || 'samples';
  const unitName = str(sampleTypes[valueIndex].unit) || 'count';
  const scale = TO_MICROSECONDS[unitName];
  const unit: WeightUnit = scale !== undefined ? 'microseconds' : unitName === 'bytes' ? 'bytes' : 'samples';

  const frames = new FrameTable();
  const frameOfFunction = new Map<number, number>();
  const framesOfLocation = new Map<number, number[]>();
  let missingLocations = 0;
  const locationFrames = (id: number): number[] | undefined => {
    const cached = framesOfLocation.get(id);
    if (cached) return cached;
    const location = locations.get(id);
    if (!location) return undefined;
    const out: number[] = [];
    // line[0] is the innermost inlined function; the stack we build is innermost first too.
    for (const line of location.lines) {
      let frame = frameOfFunction.get(line.functionId);
      if (frame === undefined) {
        const fn = functions.get(line.functionId);
        frame = frames.intern({
          name: (fn && (str(fn.name) || str(fn.systemName))) || `(function ${line.functionId})`,
          file: (fn && str(fn.filename)) || undefined,
          line: fn && fn.startLine > 0 ? fn.startLine : undefined,
        });
        frameOfFunction.set(line.functionId, frame);
      }
      out.push(frame);
    }
    if (out.length === 0) {
      // Unsymbolized: the address, in its binary.
      out.push(frames.intern({ name: `0x${location.address.toString(16)}`, file: str(mappingFile.get(location.mappingId) ?? 0) || undefined }));
    }
    framesOfLocation.set(id, out);
    return out;
  };

  const builder = new TimelineBuilder({ id: 't0', name: `${typeName} (${unitName})` });
  const stack: number[] = [];
  const locationIds: number[] = [];
  const values: number[] = [];
  let time = 0;
  let negative = 0;
  for (let i = 0; i < sampleCount; i++) {
    if (i % ABORT_CHECK_EVERY === 0) {
      throwIfAborted(context.signal);
      context.countEvents(Math.min(ABORT_CHECK_EVERY, sampleCount - i));
    }
    locationIds.length = 0;
    values.length = 0;
    const m = new ProtobufReader(bytes, sampleStart.data[i], sampleEnd.data[i]);
    while (!m.done) {
      const t = m.tag();
      if (t.field === 1) m.repeatedVarint(t.wireType, locationIds);
      else if (t.field === 2) m.repeatedVarint(t.wireType, values, true);
      else m.skip(t.wireType);
    }
    const value = valueIndex < values.length ? values[valueIndex] : 0;
    if (value < 0) {
      negative++;
      continue;
    }
    if (value === 0) continue;
    stack.length = 0;
    for (const id of locationIds) {
      const located = locationFrames(id);
      if (located) stack.push(...located);
      else missingLocations++;
    }
    stack.reverse();
    builder.sample(stack, time);
    time += unit === 'microseconds' ? value * scale : value;
  }

  const warnings: string[] = [];
  if (missingLocations > 0) warnings.push(`${missingLocations} sample frames refer to locations the profile does not define; they were left out.`);
  if (negative > 0) warnings.push(`${negative} samples have negative ${typeName} values (a diff profile?) and were left out.`);
  const threads = [builder.finish(time)];
  return {
    format: 'pprof',
    name: context.fileName,
    unit,
    frames,
    threads,
    ...profileSpan(threads),
    eventCount: sampleCount,
    warnings,
  };
}
