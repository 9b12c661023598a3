// Token counting cost per KB on the worst inputs we can build, against prose
// counted in the same run. Counting must be linear: long runs without a break
// (one letter, "€", base64, digits, CJK, whitespace...) are what made BPE
// quadratic; token-count.ts counts them in slices. Target: every input at
// most TARGET_MS_PER_KB. Also timed: the chat frame that held process-ai-turn
// at 100% CPU for minutes (two history messages of 6,000 "€") through
// buildPrompt, and the library counting a long run whole, for contrast.
//
// Each input is new text (a fresh seed per repeat) and the library's merge
// cache is cleared before each timing, so no run is served from a cache.
//
// Run: npm run bench -- token-count
import { readFileSync } from 'node:fs';
import { clearMergeCache, countTokens as countWhole } from 'gpt-tokenizer/encoding/o200k_base';
import { buildPrompt } from '../functions/_shared/prompt.ts';
import { randomText } from '../shared-importer/node/trace-fixtures.ts';
import { loadTokenizer } from '../shared-importer/src/summary/token-count.ts';
import { printTable, round, writeBenchReport } from './bench-report.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const INPUT_CHARS = Number(process.env.BENCH_TOKEN_CHARS ?? 64 * 1024);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const TARGET_MS_PER_KB = 3;
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

interface Input {
  name: string;
  /** A new text of about `chars` characters for each seed. */
  make(chars: number, seed: number): string;
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const random = (alphabet: string) => (chars: number, seed: number) => randomText(alphabet, chars, seed);
/** One character repeated; the length varies with the seed so the run is never the same text twice. */
const repeated = (char: string) => (chars: number, seed: number) => char.repeat(chars + seed);

/** Real prose and summary text from this repository and the shared traces, repeated to size. */
function prose(chars: number, seed: number): string {
  const sources = ['README.md', 'functions/README.md', 'test-support/supabase-standin/README.md'].map((f) => readFileSync(`${ROOT}${f}`, 'utf8'));
  const text = sources.join('\n\n');
  const start = (seed * 7919) % text.length;
  return (text.slice(start) + text).repeat(Math.ceil(chars / text.length) + 1).slice(0, chars);
}

const INPUTS: Input[] = [
  { name: 'prose (READMEs)', make: prose },
  { name: '"x" repeated', make: repeated('x') },
  { name: '"€" repeated', make: repeated('€') },
  { name: 'random lowercase, no spaces', make: random('abcdefghijklmnopqrstuvwxyz') },
  { name: 'random uppercase, no spaces', make: random('ABCDEFGHIJKLMNOPQRSTUVWXYZ') },
  { name: 'random mixed case, no spaces', make: random(LETTERS) },
  { name: 'random base64', make: random(`${LETTERS}0123456789+/`) },
  { name: 'digits', make: random('0123456789') },
  {
    name: 'random CJK',
    make: random('的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起'),
  },
  { name: 'random emoji', make: random('😀🔥🌍🚀🎉👍🏽💡🧪') },
  { name: 'random Cyrillic', make: random('абвгдеёжзийклмнопрстуфхцчшщъыьэюя') },
  { name: 'random symbols', make: random('!@#$%^&*()_+-=[]{}|;:,.<>?€£¥§©®°±') },
  { name: 'mixed scripts, no spaces', make: random(`${LETTERS}абвгд的一是😀€é\u0301ñ`) },
  { name: 'whitespace runs', make: random(' \t\n\r') },
  { name: 'combining marks', make: (chars, seed) => `a${random('\u0300\u0301\u0302\u0303\u0308')(chars, seed)}` },
];

/** Best of REPEATS, each on new text with a cold merge cache. */
function timeCount(input: Input, count: (text: string) => number, chars: number): { ms: number; kb: number; tokens: number } {
  let best = { ms: Infinity, kb: 0, tokens: 0 };
  for (let seed = 1; seed <= REPEATS; seed++) {
    const text = input.make(chars, seed);
    clearMergeCache();
    const started = performance.now();
    const tokens = count(text);
    const ms = performance.now() - started;
    if (ms < best.ms) best = { ms, kb: new TextEncoder().encode(text).length / 1024, tokens };
  }
  return best;
}

/** The attack: a valid chat frame of two 6,000-"€" history messages, small enough to be accepted. */
async function attackFrameMs(): Promise<{ ms: number; kb: number }> {
  const history = [
    { role: 'user' as const, content: '€'.repeat(6000) },
    { role: 'assistant' as const, content: '€'.repeat(6000) },
  ];
  const kb = new TextEncoder().encode(history.map((m) => m.content).join('')).length / 1024;
  let best = Infinity;
  for (let i = 0; i < REPEATS; i++) {
    clearMergeCache();
    const started = performance.now();
    // A budget below the byte size forces every message to be counted.
    await buildPrompt({ summaryText: 'summary', traceName: 't', history, prompt: 'q', tokenBudget: 8000 });
    best = Math.min(best, performance.now() - started);
  }
  return { ms: best, kb };
}

async function main(): Promise<void> {
  const tokenizer = await loadTokenizer();
  const rows = INPUTS.map((input) => ({ input: input.name, ...timeCount(input, (t) => tokenizer.count(t), INPUT_CHARS) }));
  const proseMsPerKb = rows[0].ms / rows[0].kb;
  const worst = rows.slice(1).reduce((a, b) => (b.ms / b.kb > a.ms / a.kb ? b : a));
  const worstMsPerKb = worst.ms / worst.kb;

  const attack = await attackFrameMs();
  // The library on one long run, whole: quadratic, so only a few KB.
  const wholeChars = 4000;
  const whole = INPUTS.filter((i) => i.name === '"€" repeated' || i.name === 'random lowercase, no spaces').map((input) => ({
    input: `${input.name}, counted whole (${wholeChars} chars)`,
    ...timeCount(input, (t) => countWhole(t, PLAIN_TEXT), wholeChars),
  }));
  const sliced = whole.map((w) => ({
    input: w.input.replace('counted whole', 'in slices'),
    ...timeCount(
      INPUTS.find((i) => w.input.startsWith(i.name))!,
      (t) => tokenizer.count(t),
      wholeChars,
    ),
  }));

  const table = [...rows, ...whole, ...sliced].map((r) => [
    r.input,
    `${round(r.kb)} KB`,
    `${r.tokens}`,
    `${round(r.ms)} ms`,
    `${round(r.ms / r.kb, 3)}`,
    `${round(r.ms / r.kb / proseMsPerKb)}x`,
  ]);
  table.push([
    'chat frame, 2 x 6,000 "€" history, buildPrompt',
    `${round(attack.kb)} KB`,
    '',
    `${round(attack.ms)} ms`,
    `${round(attack.ms / attack.kb, 3)}`,
    `${round(attack.ms / attack.kb / proseMsPerKb)}x`,
  ]);
  printTable(['input', 'size', 'tokens', 'time', 'ms/KB', 'vs prose'], table);
  const met = worstMsPerKb <= TARGET_MS_PER_KB && attack.ms / attack.kb <= TARGET_MS_PER_KB;
  console.log(
    `\nworst input: ${worst.input}, ${round(worstMsPerKb, 3)} ms/KB = ${round(worstMsPerKb / proseMsPerKb)}x prose ` +
      `(${round(proseMsPerKb, 3)} ms/KB); target <= ${TARGET_MS_PER_KB} ms/KB for every input: ${met ? 'met' : 'NOT met'}`,
  );
  writeBenchReport('token-count', {
    inputChars: INPUT_CHARS,
    rows: [...rows, ...whole, ...sliced].map((r) => ({ ...r, msPerKb: round(r.ms / r.kb, 3), ms: round(r.ms, 2), kb: round(r.kb) })),
    attackFrame: { ms: round(attack.ms, 2), kb: round(attack.kb), msPerKb: round(attack.ms / attack.kb, 3) },
    proseMsPerKb: round(proseMsPerKb, 3),
    worst: { input: worst.input, msPerKb: round(worstMsPerKb, 3), timesProse: round(worstMsPerKb / proseMsPerKb) },
    targetMsPerKb: TARGET_MS_PER_KB,
    met,
  });
}

await main();
