import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { TraceEventScanner, TraceScanError } from './chrome-trace-event-scanner.ts';

const encoder = new TextEncoder();

interface Seen {
  ph: string;
  name: string | undefined;
  cat: string | undefined;
  ts: number;
  dur: number;
  pid: number;
  tid: number;
  id: string | undefined;
  args: unknown;
}

/** Scans `text` pushed in chunks of `size` bytes; returns the events and any captured top-level values. */
function scan(text: string | Uint8Array, size = Infinity, captured: string[] = []) {
  const bytes = typeof text === 'string' ? encoder.encode(text) : text;
  const events: Seen[] = [];
  const values: Record<string, string> = {};
  const scanner = new TraceEventScanner(
    (s) => {
      events.push({
        ph: s.ph ? String.fromCharCode(s.ph) : '',
        name: s.name >= 0 ? s.strings[s.name] : undefined,
        cat: s.cat >= 0 ? s.strings[s.cat] : undefined,
        ts: s.ts,
        dur: s.dur,
        pid: s.pid,
        tid: s.tid,
        id: s.idString(),
        args: s.parseArgs(),
      });
    },
    captured,
    (key, value) => {
      values[key] = new TextDecoder().decode(value);
    },
  );
  const step = Number.isFinite(size) ? size : bytes.length;
  for (let at = 0; at < bytes.length; at += step) scanner.push(bytes.slice(at, at + step));
  const end = scanner.finish();
  return { events, values, end };
}

describe('TraceEventScanner', () => {
  it('reads the fields it needs and skips the rest, in any key order and whitespace', () => {
    const text = `{ "displayTimeUnit": "ns", "otherData": {"a": [1, {"b": "}]"}]},
      "traceEvents" : [ { "args" : {"data": {"x": "\\"{"}}, "tts": 5, "ph" : "X", "name": "n\\u00e9", "cat":"c", "ts": 1.5, "dur": 2, "pid": 3, "tid": "4", "id": "0x1f" } ,
      {"ph":"M","name":"thread_name","args":{"name":"Main"},"pid":3,"tid":4} ] , "after": null }`;
    const { events, end } = scan(text);
    assert.deepEqual(events[0], { ph: 'X', name: 'né', cat: 'c', ts: 1.5, dur: 2, pid: 3, tid: 4, id: '0x1f', args: { data: { x: '"{' } } });
    assert.deepEqual(events[1].args, { name: 'Main' });
    assert.deepEqual(end, { truncated: false, unterminatedArray: false, sawEventsArray: true });
  });

  it('gives identical events for every chunk size, including values split mid-number and mid-escape', () => {
    const text =
      `{"metadata":{"big":"${'x'.repeat(5000)}","n":[1,2,3]},"traceEvents":[` +
      Array.from(
        { length: 50 },
        (_, i) => `{"ph":"X","name":"e\\"${i % 7}","ts":${1000000 + i * 13.25},"dur":1e2,"pid":1,"tid":${i % 3},"args":{"s":"${'\\\\'.repeat(i % 4)}"}}`,
      ).join(',') +
      '],"samples":[{"ts":1}]}';
    const whole = scan(text, Infinity, ['samples']);
    assert.equal(whole.events.length, 50);
    assert.equal(whole.values.samples, '[{"ts":1}]');
    for (const size of [1, 2, 3, 7, 64, 1000]) assert.deepEqual(scan(text, size, ['samples']), whole, `chunk size ${size}`);
  });

  it('a single huge event arriving in small chunks is scanned in linear time (held bytes retried at doubling sizes)', () => {
    const big = `[{"ph":"X","name":"big","ts":1,"dur":2,"args":{"s":"${'y'.repeat(4_000_000)}"}},{"ph":"X","name":"after","ts":5,"dur":1}]`;
    const started = performance.now();
    const { events } = scan(big, 4096);
    const elapsed = performance.now() - started;
    assert.deepEqual(
      events.map((e) => e.name),
      ['big', 'after'],
    );
    // Retrying the whole held tail on every 4 KiB chunk would scan ~2 TB here: minutes, not this.
    assert.ok(elapsed < 30_000, `took ${elapsed} ms`);
  });

  it('reports truncation and an unterminated array separately', () => {
    assert.deepEqual(scan('[{"ph":"B","ts":1},').end, { truncated: false, unterminatedArray: true, sawEventsArray: true });
    assert.deepEqual(scan('[{"ph":"B","ts":1},{"ph":"E","t').end, { truncated: true, unterminatedArray: true, sawEventsArray: true });
    assert.deepEqual(scan('{"traceEvents":[{"ph":"B","ts":1}]').end, { truncated: true, unterminatedArray: false, sawEventsArray: true });
    assert.equal(scan('{"traceEvents":[{"ph":"B","ts":1},{"ph":"E","t').events.length, 1);
  });

  it('invalid JSON throws a TraceScanError with the absolute byte offset, whatever the chunking', () => {
    const text = '[{"ph":"X","ts":1},{"ph":"X","ts":2}, {"ph" "X"}]';
    for (const size of [Infinity, 1, 5]) {
      assert.throws(
        () => scan(text, size),
        (error: unknown) => error instanceof TraceScanError && error.offset === 44 && error.code === 'invalid-json',
      );
    }
    assert.throws(
      () => scan('nope'),
      (error: unknown) => error instanceof TraceScanError && error.offset === 0,
    );
    assert.throws(
      () => scan('[{"ph":"X","ts":1}] x'),
      (error: unknown) => error instanceof TraceScanError && error.offset === 20,
    );
  });

  it('interns equal byte strings to one id and decodes each once', () => {
    const seen: number[] = [];
    const scanner = new TraceEventScanner((s) => seen.push(s.name));
    scanner.push(encoder.encode('[{"name":"a"},{"name":"bb"},{"name":"a"},{"name":"bb"},{"name":"a"}]'));
    scanner.finish();
    assert.equal(seen[0], seen[2]);
    assert.equal(seen[0], seen[4]);
    assert.equal(seen[1], seen[3]);
    assert.notEqual(seen[0], seen[1]);
    assert.equal(scanner.strings.filter((s) => s === 'a').length, 1);
  });

  it('many distinct strings keep their ids through table growth', () => {
    const names = Array.from({ length: 20_000 }, (_, i) => `fn_${i}_${'z'.repeat(i % 13)}`);
    const text = `[${names.map((n) => `{"name":"${n}"}`).join(',')},${names.map((n) => `{"name":"${n}"}`).join(',')}]`;
    const { events } = scan(text);
    assert.deepEqual(
      events.slice(0, names.length).map((e) => e.name),
      names,
    );
    assert.deepEqual(
      events.slice(names.length).map((e) => e.name),
      names,
    );
  });

  it('a string read from the bytes (word by word, any alignment, any chunking) gets the id internText gives it', () => {
    // Lengths 0-13 cover every split of a string into four-byte words plus a tail; escapes and
    // multi-byte UTF-8 take the other paths. Each event also shifts the alignment of the next.
    const texts = Array.from({ length: 14 }, (_, n) => 'abcdefghijklmn'.slice(0, n));
    texts.push('tab\there', 'quote"d', 'é€😀', 'name', 'pid', 'ph');
    const json = `[${texts.map((t, i) => `{${' '.repeat(i % 4)}"name":${JSON.stringify(t)},"cat":${JSON.stringify(t)},"ts":${i}}`).join(',')}]`;
    for (const size of [Infinity, 1, 3, 5]) {
      const ids: number[][] = [];
      const scanner = new TraceEventScanner((s) => ids.push([s.name, s.cat]));
      const bytes = encoder.encode(json);
      const step = Number.isFinite(size) ? size : bytes.length;
      for (let at = 0; at < bytes.length; at += step) scanner.push(bytes.slice(at, at + step));
      scanner.finish();
      // Strings are keyed by their raw bytes, so only unescaped ones can match internText's.
      const escaped = (t: string) => JSON.stringify(t) !== `"${t}"`;
      const sizeBefore = scanner.interner.size;
      const expected = texts.map((t, i) => (escaped(t) ? ids[i][0] : scanner.interner.internText(t)));
      assert.equal(scanner.interner.size, sizeBefore, `chunk size ${size}: internText found every string the bytes gave`);
      assert.deepEqual(
        ids,
        expected.map((id) => [id, id]),
        `chunk size ${size}`,
      );
      assert.deepEqual(
        expected.map((id) => scanner.strings[id]),
        texts,
      );
    }
  });

  it('keys are recognised exactly: longer keys, prefixes and escaped spellings of ours are skipped like unknown keys', () => {
    const { events } = scan(
      '[{"phx":"B","p":"E","names":"no","nam":"no","n\\u0061me":"no","tidy":9,"ti":8,"args2":{"a":1},"ph":"X","name":"yes","tid":3,"pid":"2","ts":5,"dur":1,"tdur":1}]',
    );
    assert.deepEqual(events, [{ ph: 'X', name: 'yes', cat: undefined, ts: 5, dur: 1, pid: 2, tid: 3, id: undefined, args: undefined }]);
    const tdurs: number[] = [];
    const scanner = new TraceEventScanner((s) => tdurs.push(s.tdur));
    scanner.push(encoder.encode('[{"tdurs":1,"tdu":2},{"tdur":3}]'));
    scanner.finish();
    assert.deepEqual(tdurs, [NaN, 3]);
  });

  it('reads numbers of every digit count, with fractions and exponents, exactly as JSON.parse does', () => {
    const numbers = [
      '0',
      '7',
      '12',
      '123',
      '1234',
      '12345',
      '81236999554',
      '123456789012345',
      '1234567890123456789',
      '-42',
      '0.5',
      '12345.678',
      '1e3',
      '2.5E-3',
      '-0.0001',
    ];
    const { events } = scan(`[${numbers.map((n) => `{"ts":${n},"dur":${n}}`).join(',')}]`, 3);
    assert.deepEqual(
      events.map((e) => [e.ts, e.dur]),
      numbers.map((n) => [JSON.parse(n), JSON.parse(n)]),
    );
  });
});
