// toLocaleString builds a formatter per call; progress updates call this often.
const countFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** A count with thousands separators, the one way messages and the UI write counts: "3,120". */
export function formatCount(n: number): string {
  return countFormat.format(Math.round(n));
}
