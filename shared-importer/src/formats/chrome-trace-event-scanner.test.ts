import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
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
    const text = `{"metadata":{"big":"${'x'.repeat(5000)}","n":[1,2,3]},"traceEvents":[` +
      Array.from({ length: 50 }, (_, i) => `{"ph":"X","name":"e\\"${i % 7}","ts":${1000000 + i * 13.25},"dur":1e2,"pid":1,"tid":${i % 3},"args":{"s":"${'\\\\'.repeat(i % 4)}"}}`).join(',') +
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
    assert.deepEqual(events.map((e) => e.name), ['big', 'after']);
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
    assert.throws(() => scan('nope'), (error: unknown) => error instanceof TraceScanError && error.offset === 0);
    assert.throws(() => scan('[{"ph":"X","ts":1}] x'), (error: unknown) => error instanceof TraceScanError && error.offset === 20);
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
    assert.deepEqual(events.slice(0, names.length).map((e) => e.name), names);
    assert.deepEqual(events.slice(names.length).map((e) => e.name), names);
  });
});
