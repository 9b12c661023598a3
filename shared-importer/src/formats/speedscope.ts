// speedscope's own file format (https://www.speedscope.app/file-format-schema.json):
// a shared frame list and one or more evented or sampled profiles. Each
// profile becomes one thread, "t<index>".
import { TraceImportError, throwIfAborted } from '../errors.ts';
import { isObject, readJsonDocument } from '../input/json-document.ts';
import { FrameTable } from '../model/frame-table.ts';
import { profileSpan, type Profile, type WeightUnit } from '../model/profile.ts';
import { TimelineBuilder, type ThreadTimeline } from '../model/thread-timeline.ts';
import type { FormatImportContext, FormatImporter, SniffedHead } from './format-importer.ts';

const WHAT = 'A speedscope profile';
const ABORT_CHECK_EVERY = 65536;

/** Multiplier to microseconds for each time unit; 'none' and 'bytes' are not times. */
const TO_MICROSECONDS: Record<string, number> = {
  nanoseconds: 1e-3,
  microseconds: 1,
  milliseconds: 1e3,
  seconds: 1e6,
};

function weightUnitOf(unit: unknown): WeightUnit {
  if (typeof unit === 'string' && unit in TO_MICROSECONDS) return 'microseconds';
  if (unit === 'bytes') return 'bytes';
  return 'samples';
}

export const speedscopeImporter: FormatImporter = {
  format: 'speedscope',
  detect(head: SniffedHead): boolean {
    const text = head.text.trimStart();
    if (!text.startsWith('{')) return false;
    return /"\$schema"\s*:\s*"https:\/\/www\.speedscope\.app\/file-format-schema\.json"/.test(text) || /"exporter"\s*:\s*"speedscope@/.test(text);
  },
  async import(input, context) {
    const document = await readJsonDocument(input, context, WHAT);
    return importSpeedscopeDocument(document, context);
  },
};

interface SpeedscopeFrame {
  name?: unknown;
  file?: unknown;
  line?: unknown;
  col?: unknown;
}

function importSpeedscopeDocument(document: unknown, context: FormatImportContext): Profile {
  if (!isObject(document)) throw new TraceImportError('invalid-data', `${WHAT} must be a JSON object.`);
  const rawProfiles = document.profiles;
  if (!Array.isArray(rawProfiles) || rawProfiles.length === 0) {
    throw new TraceImportError('invalid-data', `${WHAT} has no "profiles" list, so there is nothing to show.`);
  }
  const shared = isObject(document.shared) ? document.shared : {};
  const sharedFrames: unknown[] = Array.isArray(shared.frames) ? shared.frames : [];
  const warnings: string[] = [];
  if (!Array.isArray(shared.frames)) warnings.push('The file has no "shared.frames" list; every frame reference is invalid.');

  const frames = new FrameTable();
  // speedscope frame index -> our frame index, interned on first use.
  const frameIndex = new Int32Array(sharedFrames.length).fill(-1);
  const resolveFrame = (ref: unknown): number => {
    if (typeof ref !== 'number' || !Number.isInteger(ref) || ref < 0 || ref >= sharedFrames.length) return -1;
    let index = frameIndex[ref];
    if (index < 0) {
      const raw = sharedFrames[ref];
      const f: SpeedscopeFrame = isObject(raw) ? raw : {};
      index = frames.intern({
        name: typeof f.name === 'string' ? f.name : `(frame ${ref})`,
        file: typeof f.file === 'string' ? f.file : undefined,
        line: typeof f.line === 'number' ? f.line : undefined,
        column: typeof f.col === 'number' ? f.col : undefined,
      });
      frameIndex[ref] = index;
    }
    return index;
  };

  // One profile has one unit; profiles whose unit measures something else are left out.
  const firstUsable = (rawProfiles as unknown[]).filter(isObject).find((p) => p.type === 'evented' || p.type === 'sampled');
  const unit = weightUnitOf(firstUsable?.unit);
  const threads: ThreadTimeline[] = [];
  let eventCount = 0;
  rawProfiles.forEach((raw, index) => {
    if (!isObject(raw)) {
      warnings.push(`Profile ${index + 1} is not an object and was skipped.`);
      return;
    }
    const name = typeof raw.name === 'string' && raw.name !== '' ? raw.name : `Profile ${index + 1}`;
    if (raw.type !== 'evented' && raw.type !== 'sampled') {
      warnings.push(`Profile "${name}" has unknown type ${describe(raw.type)} and was skipped.`);
      return;
    }
    if (weightUnitOf(raw.unit) !== unit) {
      warnings.push(`Profile "${name}" measures ${describe(raw.unit)}, unlike the first profile (${describe(firstUsable?.unit)}), and was skipped.`);
      return;
    }
    const scale = typeof raw.unit === 'string' ? (TO_MICROSECONDS[raw.unit] ?? 1) : 1;
    const builder = new TimelineBuilder({ id: `t${index}`, name });
    const problems = { badFrames: 0 };
    const job: ProfileJob = { builder, scale, resolveFrame, problems, warnings, context };
    let thread: ThreadTimeline;
    if (raw.type === 'evented') {
      thread = importEvented(raw, job);
      eventCount += Array.isArray(raw.events) ? raw.events.length : 0;
    } else {
      thread = importSampled(raw, job);
      eventCount += Array.isArray(raw.samples) ? raw.samples.length : 0;
    }
    if (problems.badFrames > 0) {
      warnings.push(`Profile "${name}": ${problems.badFrames} references to frames missing from "shared.frames" were ignored.`);
    }
    if (builder.clampedTimestamps > 0) {
      warnings.push(`Profile "${name}": ${builder.clampedTimestamps} timestamps went backwards and were clamped.`);
    }
    threads.push(thread);
  });
  if (threads.length === 0) {
    throw new TraceImportError('invalid-data', `${WHAT} has no usable profiles: ${warnings.join(' ')}`);
  }
  return {
    format: 'speedscope',
    name: context.fileName,
    unit,
    frames,
    threads,
    ...profileSpan(threads),
    eventCount,
    warnings,
  };
}

/** What importing one profile of the document works with. */
interface ProfileJob {
  builder: TimelineBuilder;
  /** Multiplier from the profile's unit to microseconds. */
  scale: number;
  resolveFrame: (ref: unknown) => number;
  problems: { badFrames: number };
  warnings: string[];
  context: FormatImportContext;
}

function importEvented(raw: Record<string, unknown>, job: ProfileJob): ThreadTimeline {
  const { builder, scale, resolveFrame, problems, warnings, context } = job;
  const name = builder.name;
  const events: unknown[] = Array.isArray(raw.events) ? raw.events : [];
  if (!Array.isArray(raw.events)) warnings.push(`Profile "${name}" has no "events" list.`);
  let unmatchedCloses = 0;
  let implicitCloses = 0;
  let badEvents = 0;
  for (let i = 0; i < events.length; i++) {
    if (i % ABORT_CHECK_EVERY === 0) {
      throwIfAborted(context.signal);
      context.countEvents(Math.min(ABORT_CHECK_EVERY, events.length - i));
    }
    const event = events[i];
    if (!isObject(event) || typeof event.at !== 'number' || (event.type !== 'O' && event.type !== 'C')) {
      badEvents++;
      continue;
    }
    const frame = resolveFrame(event.frame);
    if (frame < 0) {
      problems.badFrames++;
      continue;
    }
    const at = event.at * scale;
    if (event.type === 'O') {
      builder.enter(frame, at);
      continue;
    }
    // A close must match the innermost open frame. If it matches one further
    // out, the calls inside it were never closed: close them here too.
    let depth = builder.openDepth - 1;
    while (depth >= 0 && builder.frameAtDepth(depth) !== frame) depth--;
    if (depth < 0) {
      unmatchedCloses++;
      continue;
    }
    implicitCloses += builder.openDepth - 1 - depth;
    while (builder.openDepth > depth) builder.leave(at);
  }
  const stillOpen = builder.openDepth;
  const endValue = typeof raw.endValue === 'number' ? raw.endValue * scale : undefined;
  if (badEvents > 0) warnings.push(`Profile "${name}": ${badEvents} malformed events were skipped.`);
  if (unmatchedCloses > 0) warnings.push(`Profile "${name}": ${unmatchedCloses} close events had no matching open event and were ignored.`);
  if (implicitCloses > 0) {
    warnings.push(`Profile "${name}": ${implicitCloses} calls were never closed before their caller closed; they end with their caller.`);
  }
  if (stillOpen > 0) {
    warnings.push(`Profile "${name}": ${stillOpen} calls were still open at the end of the profile; they end at the profile's end.`);
  }
  return builder.finish(endValue);
}

function importSampled(raw: Record<string, unknown>, job: ProfileJob): ThreadTimeline {
  const { builder, scale, resolveFrame, problems, warnings, context } = job;
  const name = builder.name;
  const samples: unknown[] = Array.isArray(raw.samples) ? raw.samples : [];
  if (!Array.isArray(raw.samples)) warnings.push(`Profile "${name}" has no "samples" list.`);
  const weights: unknown[] = Array.isArray(raw.weights) ? raw.weights : [];
  if (weights.length !== samples.length) {
    warnings.push(`Profile "${name}" has ${samples.length} samples but ${weights.length} weights; samples without a valid weight count as 1.`);
  }
  // Samples have no timestamps: lay them end to end by weight, from startValue.
  let t = typeof raw.startValue === 'number' ? raw.startValue * scale : 0;
  let badWeights = 0;
  let badSamples = 0;
  const stack: number[] = [];
  for (let i = 0; i < samples.length; i++) {
    if (i % ABORT_CHECK_EVERY === 0) {
      throwIfAborted(context.signal);
      context.countEvents(Math.min(ABORT_CHECK_EVERY, samples.length - i));
    }
    const sample = samples[i];
    if (!Array.isArray(sample)) {
      badSamples++;
      continue;
    }
    let weight = weights[i];
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) {
      if (i < weights.length) badWeights++;
      weight = 1;
    }
    stack.length = 0;
    for (const ref of sample) {
      const frame = resolveFrame(ref);
      if (frame < 0) problems.badFrames++;
      else stack.push(frame);
    }
    if ((weight as number) === 0) continue;
    builder.sample(stack, t);
    t += (weight as number) * scale;
  }
  if (badSamples > 0) warnings.push(`Profile "${name}": ${badSamples} samples are not lists of frame indices and were skipped.`);
  if (badWeights > 0) warnings.push(`Profile "${name}": ${badWeights} weights are not non-negative numbers; those samples count as 1.`);
  // The last sample lasts its weight, not up to endValue.
  return builder.finish(t);
}

/** A short, safe rendering of a value from the file (deeply nested arrays would overflow String()). */
function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  return Array.isArray(value) ? 'a list' : 'an object';
}
