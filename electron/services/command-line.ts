import { isAbsolute, resolve } from 'node:path';

/**
 * The trace file named on a command line, e.g. `trace-analyser profile.json`,
 * resolved against the directory it was typed in. `argv` is the whole
 * process.argv (or what a second instance passed on); `leading` is how many
 * entries precede the user's arguments: 1 in the packaged app (the
 * executable), 2 in development (electron and the app folder).
 * Chromium and macOS switches (`--foo`, `-psn_0_123`) are skipped; the last
 * remaining argument wins.
 */
export function traceFileFromArgv(argv: readonly string[], cwd: string, leading: number): string | null {
  const args = argv.slice(leading).filter((arg) => arg.length > 0 && !arg.startsWith('-'));
  const last = args.at(-1);
  if (!last) return null;
  return isAbsolute(last) ? last : resolve(cwd, last);
}
