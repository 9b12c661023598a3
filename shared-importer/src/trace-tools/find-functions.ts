// find_functions(query, threadId?): functions whose name or file contains the
// query (case-insensitive), with their self and total time per thread,
// heaviest first.
import type { Profile } from '../model/profile.ts';
import { threadFunctionStats } from './thread-derived.ts';
import { resolveThread, ToolInputError } from './tool-input.ts';
import { functionLabel, quoted, valueText } from './tool-text.ts';

export interface FindFunctionsArgs {
  query: string;
  threadId?: string;
}

const MAX_MATCHES = 40;

export function findFunctions(profile: Profile, args: FindFunctionsArgs): string {
  const query = args.query.trim().toLowerCase();
  if (query.length === 0) throw new ToolInputError('The query is empty: give part of a function name or file.');
  const threads = args.threadId !== undefined ? [resolveThread(profile, args.threadId)] : profile.threads;
  const { frames } = profile;
  const matching: number[] = [];
  for (let f = 0; f < frames.length; f++) {
    if (frames.names[f].toLowerCase().includes(query) || (frames.files[f]?.toLowerCase().includes(query) ?? false)) matching.push(f);
  }
  const rows: { frame: number; thread: string; self: number; total: number }[] = [];
  for (const t of threads) {
    const stats = threadFunctionStats(profile, t);
    for (const f of matching) if (stats.total[f] > 0) rows.push({ frame: f, thread: t.id, self: stats.self[f], total: stats.total[f] });
  }
  const where = args.threadId !== undefined ? ` on thread ${args.threadId}` : '';
  if (rows.length === 0) return `No function whose name or file contains ${quoted(args.query)} runs${where}.`;
  rows.sort((a, b) => b.total - a.total || b.self - a.self || a.frame - b.frame);
  const shown = rows.slice(0, MAX_MATCHES);
  const lines = shown.map(
    (r) => `- ${functionLabel(profile, r.frame)} thread ${r.thread}: total ${valueText(profile, r.total)}, self ${valueText(profile, r.self)}`,
  );
  if (rows.length > shown.length) lines.push(`- … ${rows.length - shown.length} more matches (lighter): give a more specific query or a thread`);
  return [`Functions matching ${quoted(args.query)}${where}, heaviest total first (total: time with it on the stack, recursion counted once):`, ...lines].join(
    '\n',
  );
}
