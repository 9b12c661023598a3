// Splitting "name (location)" frame labels, as perf script and Gecko write
// them. Hand-written scans rather than regexes: labels come from untrusted
// files, and a backtracking regex over a long label can take quadratic time.

/**
 * Splits "symbol (location)" at the parenthesised group that closes the text;
 * nested parentheses inside it are allowed ("f (a.js (inlined))"), and the
 * symbol must be separated from it by whitespace. Undefined when the text does
 * not end that way.
 */
export function splitTrailingParenthesis(text: string): { before: string; inside: string } | undefined {
  let end = text.length;
  while (end > 0 && isSpace(text.charCodeAt(end - 1))) end--;
  if (end === 0 || text.charCodeAt(end - 1) !== 41 /* ) */) return undefined;
  let depth = 0;
  for (let i = end - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c === 41) depth++;
    else if (c === 40 /* ( */ && --depth === 0) {
      if (i === 0 || !isSpace(text.charCodeAt(i - 1))) return undefined;
      let beforeEnd = i;
      while (beforeEnd > 0 && isSpace(text.charCodeAt(beforeEnd - 1))) beforeEnd--;
      return { before: text.slice(0, beforeEnd), inside: text.slice(i + 1, end - 1) };
    }
  }
  return undefined;
}

/** "file:line:col", "file:line" or "file" (a URL's own colons stay in the file). */
export function splitLineAndColumn(location: string): { file: string; line?: number; column?: number } {
  const last = trailingNumber(location, location.length);
  if (!last) return { file: location };
  const previous = trailingNumber(location, last.start);
  if (previous) return { file: location.slice(0, previous.start), line: previous.value, column: last.value };
  return { file: location.slice(0, last.start), line: last.value };
}

/** A ":<digits>" ending at `end`, with the index of its colon. */
function trailingNumber(text: string, end: number): { value: number; start: number } | undefined {
  let i = end;
  while (i > 0 && isDigit(text.charCodeAt(i - 1))) i--;
  if (i === end || i === 0 || text.charCodeAt(i - 1) !== 58 /* : */ || end - i > 15) return undefined;
  return { value: Number(text.slice(i, end)), start: i - 1 };
}

/** Space or tab: the separators in perf and folded-stack lines. */
export function isSpace(c: number): boolean {
  return c === 32 || c === 9;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Itanium C++ ABI codes for builtin parameter types. */
const BUILTIN_TYPES: Record<string, string> = {
  b: 'bool',
  c: 'char',
  a: 'signed char',
  h: 'unsigned char',
  s: 'short',
  t: 'unsigned short',
  i: 'int',
  j: 'unsigned int',
  l: 'long',
  m: 'unsigned long',
  x: 'long long',
  y: 'unsigned long long',
  f: 'float',
  d: 'double',
  e: 'long double',
};

/**
 * Demangles the simplest C++ symbols, a free function with builtin parameter
 * types ("_Z4betav" → "beta()", "_Z3addii" → "add(int, int)"). Anything else
 * (namespaces, templates, Rust's v0 scheme) is returned unchanged: a wrong
 * demangling is worse than none.
 */
export function demangleSimpleCpp(symbol: string): string {
  const m = /^_Z(\d{1,4})/.exec(symbol);
  if (!m) return symbol;
  const length = Number(m[1]);
  const nameStart = m[0].length;
  const name = symbol.slice(nameStart, nameStart + length);
  if (name.length !== length || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return symbol;
  const params = symbol.slice(nameStart + length);
  if (params === 'v') return `${name}()`;
  if (params === '') return symbol;
  const types: string[] = [];
  for (const code of params) {
    const type = BUILTIN_TYPES[code];
    if (type === undefined) return symbol;
    types.push(type);
  }
  return `${name}(${types.join(', ')})`;
}
