import { assertEquals } from '../_test/assert.ts';
import { utf8ByteLength } from './utf8-bytes.ts';

const encoder = new TextEncoder();

Deno.test('the UTF-8 length equals what TextEncoder produces, for every width and for lone surrogates', () => {
  const samples = ['', 'ascii', 'é', '€', '€'.repeat(1000), '𝄞', 'a𝄞b', '\ud800', '\udc00x', 'x\ud83d', '\ud83d\ude00\ud83d'];
  for (const text of samples) assertEquals(utf8ByteLength(text), encoder.encode(text).length, JSON.stringify(text));
  // Random mixes of one-, two-, three- and four-byte characters and stray surrogate halves.
  const pieces = ['a', '\u00ff', '\u07ff', '\u0800', '\uffff', '\ud800', '\udfff', '\u{10000}', '\u{10ffff}'];
  let seed = 1;
  for (let round = 0; round < 200; round++) {
    let text = '';
    for (let i = 0; i < 50; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      text += pieces[seed % pieces.length];
    }
    assertEquals(utf8ByteLength(text), encoder.encode(text).length, JSON.stringify(text));
  }
});
