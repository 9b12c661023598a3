// compare_windows(threadId, a, b): the functions whose time changed most
// between two windows of one thread (a regression inside one recording).
// Windows of different lengths are compared per second of window, so a
// longer window does not look slower only for being longer.
import type { Profile } from '../model/profile.ts';
import { FrameRole } from '../summary/frame-kinds.ts';
import { profileFrameKinds } from './thread-derived.ts';
import { resolveThread, resolveWindow, ToolInputError, type TimeWindow } from './tool-input.ts';
import { windowFunctionStats } from './thread-window.ts';
import { decimal, functionLabel } from './tool-text.ts';

export interface CompareWindowsArgs {
  threadId: string;
  a: [number, number];
  b: [number, number];
}

const MAX_ROWS = 20;

export function compareWindows(profile: Profile, args: CompareWindowsArgs): string {
  const thread = resolveThread(profile, args.threadId);
  const a = resolveWindow(profile, args.a[0], args.a[1]);
  const b = resolveWindow(profile, args.b[0], args.b[1]);
  if (!a || !b) throw new ToolInputError('Both windows need a start and an end.');
  const statsA = windowFunctionStats(profile, thread, a);
  const statsB = windowFunctionStats(profile, thread, b);
  // Time per second of window, in ms.
  const rateA = (v: number) => v / 1000 / ((a.end - a.start) / 1e6);
  const rateB = (v: number) => v / 1000 / ((b.end - b.start) / 1e6);
  const kinds = profileFrameKinds(profile);
  const rows: { frame: number; change: number }[] = [];
  for (let f = 0; f < profile.frames.length; f++) {
    if (kinds.role[f] !== FrameRole.Normal) continue;
    if (statsA.total[f] === 0 && statsB.total[f] === 0) continue;
    const change = rateB(statsB.self[f]) - rateA(statsA.self[f]);
    if (change !== 0) rows.push({ frame: f, change });
  }
  rows.sort((x, y) => Math.abs(y.change) - Math.abs(x.change) || x.frame - y.frame);
  const shown = rows.slice(0, MAX_ROWS);
  const label = (w: TimeWindow) => `${decimal((w.start - profile.startTime) / 1000)}–${decimal((w.end - profile.startTime) / 1000)} ms`;
  const head = `Thread ${thread.id}: window A ${label(a)} vs window B ${label(b)}. Functions whose self time changed most, as ms per second of window (A → B, change); totals alongside:`;
  if (shown.length === 0) return `${head}\n- no function's self time changed`;
  const ms = (v: number) => decimal(Math.round(v * 100) / 100);
  const lines = shown.map(({ frame: f, change }) => {
    const sign = change > 0 ? '+' : '';
    return `- ${functionLabel(profile, f)} self ${ms(rateA(statsA.self[f]))} → ${ms(rateB(statsB.self[f]))} (${sign}${ms(change)}) · total ${ms(rateA(statsA.total[f]))} → ${ms(rateB(statsB.total[f]))}`;
  });
  if (rows.length > shown.length) lines.push(`- … ${rows.length - shown.length} more functions changed less`);
  return [head, ...lines].join('\n');
}
