import assert from 'node:assert/strict';
import { test } from 'vitest';
import { demangleSimpleCpp, splitLineAndColumn, splitTrailingParenthesis } from './frame-name-parsing.ts';

test('frame labels: the closing parenthesised group is split off, nested parentheses included', () => {
  assert.deepEqual(splitTrailingParenthesis('_Z4betav (/workdir/simple-terminates)'), { before: '_Z4betav', inside: '/workdir/simple-terminates' });
  assert.deepEqual(splitTrailingParenthesis('Foo::bar(int) const (/usr/lib/libfoo.so (deleted))'), {
    before: 'Foo::bar(int) const',
    inside: '/usr/lib/libfoo.so (deleted)',
  });
  assert.deepEqual(splitTrailingParenthesis('[unknown] ([kernel.kallsyms])  '), { before: '[unknown]', inside: '[kernel.kallsyms]' });
  assert.equal(splitTrailingParenthesis('operator()'), undefined, 'a call signature is not a location');
  assert.equal(splitTrailingParenthesis('js::RunScript'), undefined);
  assert.equal(splitTrailingParenthesis('unbalanced)'), undefined);
});

test('frame labels: line and column come off the end of a location, URL colons stay', () => {
  assert.deepEqual(splitLineAndColumn('file:///app/main.js:12:5'), { file: 'file:///app/main.js', line: 12, column: 5 });
  assert.deepEqual(splitLineAndColumn('resource://a.js -> resource://b.js:150'), { file: 'resource://a.js -> resource://b.js', line: 150 });
  assert.deepEqual(splitLineAndColumn('self-hosted'), { file: 'self-hosted' });
});

test('frame labels: simple C++ free functions are demangled, everything else is left alone', () => {
  assert.equal(demangleSimpleCpp('_Z4betav'), 'beta()');
  assert.equal(demangleSimpleCpp('_Z3addid'), 'add(int, double)');
  assert.equal(demangleSimpleCpp('_ZN3foo3barEv'), '_ZN3foo3barEv');
  assert.equal(demangleSimpleCpp('_Z9too_short'), '_Z9too_short');
  assert.equal(demangleSimpleCpp('_Z3fooPKc'), '_Z3fooPKc');
  assert.equal(demangleSimpleCpp('_RNvCs1234_5crate4main'), '_RNvCs1234_5crate4main');
  assert.equal(demangleSimpleCpp('main'), 'main');
});
