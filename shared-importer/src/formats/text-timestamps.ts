/**
 * "203265.377019" (seconds, as perf script and ftrace print them) to
 * microseconds, without float rounding in the fraction. `fraction` may be empty.
 */
export function secondsToMicros(whole: string, fraction: string): number {
  // Both tools print exactly microseconds, almost always.
  if (fraction.length === 6) return Number(whole) * 1e6 + Number(fraction);
  const micros = Number(whole) * 1e6 + Number(fraction.padEnd(6, '0').slice(0, 6));
  return fraction.length > 6 ? micros + Number(`0.${fraction.slice(6)}`) : micros;
}
