// How tool results write values, names and times: the summary's conventions
// (ids in brackets, names JSON-quoted as data, times in ms from the trace start).
import type { Profile } from '../model/profile.ts';
import { clipName } from '../summary/summarize-profile.ts';

const NAME_CHARS = 120;
const FILE_CHARS = 80;

/** A trace name as a JSON string (data, never instructions), clipped, on one line. */
export function quoted(name: string, max = NAME_CHARS): string {
  return JSON.stringify(clipName(name, max)).replace(/[\u2028\u2029\u0085]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A function as `[fn12] "name" ("file:line")`. */
export function functionLabel(profile: Profile, frame: number): string {
  const { frames } = profile;
  const file = frames.files[frame];
  const line = frames.lines[frame];
  const source = file === undefined ? '' : ` (${quoted(line !== undefined ? `${tail(file, FILE_CHARS)}:${line}` : tail(file, FILE_CHARS))})`;
  return `[${frames.idOf(frame)}] ${quoted(frames.names[frame])}${source}`;
}

function tail(text: string, max: number): string {
  return text.length > max ? `…${text.slice(text.length - max + 1)}` : text;
}

/** A weight in the profile's unit: "12.3 ms" for time profiles (stored in µs), else samples or bytes. */
export function valueText(profile: Profile, value: number): string {
  if (profile.unit === 'microseconds') return `${decimal(value / 1000)} ms`;
  return `${decimal(value)} ${profile.unit}`;
}

/** A time in the profile's clock as ms from the trace start. */
export function timeText(profile: Profile, time: number): string {
  return `${decimal((time - profile.startTime) / 1000)} ms`;
}

/** Three decimals at most, trailing zeros dropped: 12.345, 0.05, 1200. */
export function decimal(value: number): string {
  return String(Math.round(value * 1000) / 1000);
}

export function percentText(part: number, whole: number): string {
  return whole > 0 ? `${Math.round((part / whole) * 1000) / 10}%` : '0%';
}

/** "1 request", "3 requests". */
export function countText(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
