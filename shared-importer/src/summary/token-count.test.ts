import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'vitest';
import { countTokens as wholeCount } from 'gpt-tokenizer/encoding/o200k_base';
import { randomText } from '../../node/trace-fixtures.ts';
import { boundedParts, loadTokenizer, MAX_PIECE_CHARS } from './token-count.ts';

const tokenizer = await loadTokenizer();
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

test('counts equal the o200k_base encodings published by Python tiktoken (gpt-tokenizer TestPlans)', () => {
  const plans = readFileSync(createRequire(import.meta.url).resolve('gpt-tokenizer/data/TestPlans.txt'), 'utf8');
  let checked = 0;
  for (const block of plans.split(/\n\n(?=EncodingName:)/)) {
    const match = /^EncodingName: (\S+)\nSample: ([\s\S]*)\nEncoded: \[(.*)\]/.exec(block);
    if (match?.[1] !== 'o200k_base') continue;
    const expected = match[3].trim() === '' ? 0 : match[3].split(',').length;
    assert.equal(tokenizer.count(match[2]), expected, JSON.stringify(match[2]));
    checked++;
  }
  assert.ok(checked >= 50, `${checked} o200k_base samples`);
});

test('counts of CJK, emoji, code, summary lines and special-token strings equal js-tiktoken o200k_base counts', () => {
  // Expected counts were taken from js-tiktoken 1.0.21 (encode(text, [], [])), the tokenizer this one replaced.
  const known: [string, number][] = [
    ['こんにちは、世界！性能分析のトレースを見てください。主线程忙碌了 812 毫秒。', 27],
    ['🔥 hot path 🌍 👩‍👩‍👧‍👦 🇪🇸 done ✅', 22],
    ['fn "<|endoftext|>" calls <|im_start|>system<|im_end|> and <|endofprompt|>', 30],
    ['export function countTokens(text: string): Promise<number> {\n  return (await loadTokenizer()).count(text);\n}\n', 23],
    ['- [fn12] "performSyncWorkOnRoot" ("https://app.example.com/static/js/main.8f3a2c.js:1234") self 1,234 ms (12.5%) · total 2,345 ms (23.4%)', 56],
    ['Привет мир — naïve café, שלום, مرحبا, नमस्ते\t\t  \r\n\n  x', 20],
  ];
  for (const [text, expected] of known) assert.equal(tokenizer.count(text), expected, text);
});

test('text without long pieces is one part: counted exactly, in one pass', () => {
  const prose = 'The main thread was busy for 812 ms; "parseJSON" took 310 ms of it. '.repeat(200);
  assert.deepEqual([...boundedParts(prose)], [{ text: prose, afterCut: false }]);
  assert.equal(tokenizer.count(prose), wholeCount(prose, PLAIN_TEXT));
});

test('long pieces are cut into slices of at most MAX_PIECE_CHARS, never inside a surrogate pair', () => {
  const text = `start ${'😀'.repeat(700)} middle ${'x'.repeat(1000)}${'€'.repeat(300)} end`;
  const parts = [...boundedParts(text)];
  assert.equal(parts.map((p) => p.text).join(''), text);
  assert.ok(parts.length > 10, `${parts.length} parts`);
  for (const { text: part } of parts) {
    if (part.includes('start') || part.includes('end')) continue;
    assert.ok(part.length <= MAX_PIECE_CHARS, `part of ${part.length} chars`);
    assert.doesNotMatch(part, /^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/, 'no lone surrogate at a cut');
  }
});

test('on the worst inputs, counting in slices over-counts by at most 3 tokens per cut, and never under-counts', () => {
  const alphabets = [
    'x',
    '€',
    'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ',
    'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/',
    '0123456789',
    ' \t\n',
    '的一是不了人我在有他这中大来上国',
    '😀🔥🌍',
    'аяфывапролджэ',
    '!@#$%^&*()_+-=[]{}|;:,.<>?',
  ];
  // Seeds 6 and 37 give punctuation runs whose two sides of a cut take one token fewer than the whole.
  for (const alphabet of alphabets) {
    for (const seed of [1, 2, 3, 6, 37]) {
      const text = randomText(alphabet, 2000, seed);
      const cuts = [...boundedParts(text)].filter((p) => p.afterCut).length;
      const exact = wholeCount(text, PLAIN_TEXT);
      const sliced = tokenizer.count(text);
      assert.ok(sliced >= exact, `${JSON.stringify(alphabet)} seed ${seed}: ${sliced} < exact ${exact}`);
      assert.ok(sliced <= exact + 3 * cuts, `${JSON.stringify(alphabet)} seed ${seed}: ${sliced} vs exact ${exact}, ${cuts} cuts`);
    }
  }
});

test('truncate keeps the longest prefix that fits, cut between pieces, also inside a long run', () => {
  const text = `${'The quick brown fox jumps over the lazy dog. '.repeat(50)}${'€'.repeat(2000)} tail`;
  const total = tokenizer.count(text);
  assert.equal(tokenizer.truncate(text, total), text);
  for (const max of [0, 1, 7, 100, 400, total - 5]) {
    const kept = tokenizer.truncate(text, max);
    assert.ok(text.startsWith(kept));
    const tokens = tokenizer.count(kept);
    assert.ok(tokens <= max, `${tokens} tokens kept for ${max}`);
    // The next piece (at most MAX_PIECE_CHARS long) would not have fitted.
    const longer = tokenizer.count(text.slice(0, kept.length + MAX_PIECE_CHARS));
    assert.ok(longer > max, `${longer} tokens would still fit ${max}`);
  }
});
