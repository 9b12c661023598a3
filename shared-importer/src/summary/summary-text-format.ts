// How the summary text writes numbers and trace names, shared by its sections.
import { clipName } from './summarize-profile.ts';

/** Names are cut here in the text. */
const TEXT_NAME_CHARS = 120;

/** 3 significant-ish digits: 1,234 / 12.3 / 1.23 / 0.05. */
export function decimal(v: number): string {
  const abs = Math.abs(v);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  const fixed = v.toFixed(digits);
  const trimmed = digits > 0 ? fixed.replace(/\.?0+$/, '') : fixed;
  return groupThousands(trimmed);
}

export function number(n: number): string {
  return groupThousands(String(n));
}

function groupThousands(s: string): string {
  const [int, frac] = s.split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return frac !== undefined ? `${grouped}.${frac}` : grouped;
}

/** JSON string syntax, plus the line separators JSON leaves raw, so a name always stays one quoted token run. */
export function quote(name: string): string {
  return JSON.stringify(clipName(name, TEXT_NAME_CHARS)).replace(/[\u2028\u2029\u0085]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
