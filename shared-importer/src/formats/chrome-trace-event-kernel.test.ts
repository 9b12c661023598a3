// The WebAssembly kernel against the TypeScript scanner, its reference: the
// same input, scanned with and without the kernel, must give the same events
// (every field), the same end state and the same errors, however it is
// chunked. Real traces, hand-written edge cases and mutated traces.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { randomChunkSizes, SAMPLE_TRACES } from '../../node/trace-fixtures.ts';
import { TraceEventScanner } from './chrome-trace-event-scanner.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A number as text that tells -0 from 0 (JSON.stringify does not). */
const num = (x: number) => (Object.is(x, -0) ? '-0' : String(x));

interface ScanResult {
  events: string[];
  outcome: string;
  kernelEvents: number;
}

/** Scans `bytes` in chunks of the given sizes (cycled; whole when none); every event as one line of text. */
function scan(bytes: Uint8Array, wasm: boolean, chunkSizes: readonly number[] = []): ScanResult {
  const events: string[] = [];
  const scanner = new TraceEventScanner(
    (s) => {
      let args: string;
      try {
        args = JSON.stringify(s.parseArgs()) ?? '-';
      } catch {
        args = 'invalid';
      }
      events.push(
        [
          s.ph,
          s.name < 0 ? '-' : s.strings[s.name],
          s.cat < 0 ? '-' : s.strings[s.cat],
          num(s.ts),
          num(s.dur),
          num(s.tdur),
          num(s.pid),
          num(s.tid),
          `${args}@${s.argsStart < 0 ? -1 : s.argsEnd - s.argsStart}`,
          s.idString() ?? '-',
        ].join('|'),
      );
    },
    ['samples'],
    (key, value) => events.push(`top-level ${key}: ${decoder.decode(value)}`),
    { wasm },
  );
  if (wasm) assert.ok(scanner.usesWasm, 'the WebAssembly kernel should load in Node');
  let outcome: string;
  try {
    let offset = 0;
    for (let i = 0; offset < bytes.length; i++) {
      const size = chunkSizes.length === 0 ? bytes.length : chunkSizes[i % chunkSizes.length];
      scanner.push(bytes.slice(offset, offset + size));
      offset += size;
    }
    outcome = JSON.stringify(scanner.finish());
  } catch (error) {
    outcome = `${(error as Error).name}: ${(error as Error).message}`;
  }
  return { events, outcome: `${outcome} after ${scanner.eventCount} events`, kernelEvents: scanner.kernelEventCount };
}

/** Asserts both paths agree; returns the kernel's share of the events. */
function assertSameScan(bytes: Uint8Array, chunkSizes: readonly number[] = [], label = ''): number {
  const reference = scan(bytes, false, chunkSizes);
  const withKernel = scan(bytes, true, chunkSizes);
  assert.equal(withKernel.outcome, reference.outcome, `${label}: outcome`);
  assert.equal(withKernel.events.length, reference.events.length, `${label}: event count`);
  for (let i = 0; i < reference.events.length; i++) {
    if (withKernel.events[i] !== reference.events[i]) assert.equal(withKernel.events[i], reference.events[i], `${label}: event ${i}`);
  }
  return reference.events.length === 0 ? 0 : withKernel.kernelEvents / reference.events.length;
}

function chromeSampleTraces(): string[] {
  const files: string[] = [];
  for (const dir of ['trace-event', 'Chrome']) {
    const walk = (path: string) => {
      for (const entry of readdirSync(path)) {
        const full = join(path, entry);
        if (statSync(full).isDirectory()) walk(full);
        else if (/\.json$/.test(entry) || !entry.includes('.')) files.push(full);
      }
    };
    walk(join(SAMPLE_TRACES, dir));
  }
  return files;
}

/** A synthetic trace in the shape Chrome writes: alphabetical keys, args of several kinds. */
function syntheticTrace(events: number): string {
  const names = ['RunTask', 'ChannelMojo::OnMessageReceived', 'v8.callFunction', 'FunctionCall', 'Layout', 'Paint'];
  const lines = ['{"args":{"name":"CrRendererMain"},"cat":"__metadata","name":"thread_name","ph":"M","pid":7,"tid":3,"ts":0}'];
  let ts = 81236999518;
  for (let i = 0; i < events; i++) {
    const args =
      i % 3 === 0
        ? '{}'
        : i % 3 === 1
          ? `{"class":${i % 7},"line":${i}}`
          : `{"data":{"url":"https://x.test/a?b=[${i}]","frame":"F${i % 5}","nested":[1,{"k":"}"}]}}`;
    lines.push(
      `{"args":${args},"cat":"toplevel,ipc","dur":${(i * 37) % 900},"name":"${names[i % names.length]}","ph":"X","pid":7,"tdur":${(i * 31) % 800},"tid":${3 + (i % 2)},"ts":${ts},"tts":${2612991 + i}}`,
    );
    ts += 13 + (i % 50);
  }
  return `{"traceEvents":[\n${lines.join(',\n')}\n],"metadata":{"source":"test"}}`;
}

describe('WebAssembly event kernel', () => {
  it('reads the sample Chrome traces exactly as the TypeScript scanner does, whole and in chunks', () => {
    const files = chromeSampleTraces();
    assert.ok(files.length >= 30, `expected the Chrome sample traces, found ${files.length}`);
    for (const file of files) {
      const bytes = new Uint8Array(readFileSync(file));
      assertSameScan(bytes, [], file);
      assertSameScan(bytes, randomChunkSizes(64, 997, bytes.length), `${file} in chunks`);
    }
  });

  it('reads nearly every event of an ordinary trace itself, and agrees in any chunking', () => {
    const bytes = encoder.encode(syntheticTrace(3000));
    assert.ok(assertSameScan(bytes) > 0.99);
    assert.ok(assertSameScan(bytes, [4096]) > 0.99);
    assert.ok(assertSameScan(bytes, randomChunkSizes(200, 5000, 7)) > 0.99);
    // Tiny chunks: most events straddle chunks, and some are left to TypeScript.
    for (const size of [1, 7, 64]) assertSameScan(bytes, [size], `chunks of ${size}`);
  });

  it('agrees on events it declines: escapes, quoted and exponent numbers, long mantissas, odd values and whitespace', () => {
    const events = [
      '{"name":"a\\"b","cat":"c\\\\d","ph":"X","ts":1,"dur":2,"pid":1,"tid":1}',
      '{"name":"n\\u00e9","ph":"X","ts":"12.5","dur":"3","pid":"4","tid":" 5 "}',
      '{"name":"e","ph":"X","ts":1e3,"dur":2.5E-1,"pid":1,"tid":1}',
      '{"name":"big","ph":"X","ts":1234567890123456789,"dur":0.1234567890123456,"pid":1,"tid":1}',
      '{"name":"neg","ph":"X","ts":-0,"dur":-0.0,"pid":-3,"tid":0.5}',
      '{"name":"frac","ph":"X","ts":12345678.1234567,"dur":1.,"pid":0001,"tid":-.5}',
      '{"name":"nulls","ph":"X","ts":null,"dur":true,"pid":false,"tid":[1],"cat":7,"id":null}',
      '{ "name" : "spaced" , "ph" : "B" ,\n\t"ts" : 5 ,\r\n "pid" : 1 , "tid" : 1 , "args" : { "a" : [ 1 , 2 ] } }',
      '{"ph":"XY","name":"long ph","ts":1}',
      '{"ph":"\\u0058","name":"escaped ph","ts":1}',
      '{"n\\u0061me":"escaped key","ph":"X","ts":1}',
      '{"names":"not name","nam":"x","pidx":3,"ts":1,"tdurx":2}',
      '{"id":"0x1","id2":{"a":"}"},"args":{"s":"\\\\","t":"\\"}{[","u":[[[[]]]]},"ph":"n","ts":1}',
      '{"args":{"data":{"x":"y"}},"args":{},"name":"dup","name":"dup2","ts":3,"ts":4}',
      '{}',
      '{"name":"","cat":"","ph":"i","ts":0}',
      '{"name":"' + 'long name '.repeat(40) + '","ph":"X","ts":1,"dur":1}',
      '{"name":"utf8 ✓ 名前","cat":"ü","ph":"X","ts":1,"dur":1}',
      '{"ph":"X","name":"tdur only","ts":5,"tdur":7}',
    ];
    // Numbers of every length around the 15 digits the kernel reads exactly, the point at the ends too.
    let seed = 99;
    for (let digits = 1; digits <= 19; digits++) {
      for (let k = 0; k < (digits === 16 ? 400 : 40); k++) {
        // Half of the 16-digit ones above 2^53, where a double no longer holds the mantissa exactly.
        let text = digits === 16 && k % 2 === 0 ? '99' : '';
        while (text.length < digits) {
          seed = (seed * 1103515245 + 12345) >>> 0;
          text += String((seed >>> 16) % 10);
        }
        const point = (seed >>> 8) % (digits + 1);
        const value = point === 0 ? `0.${text}` : `${text.slice(0, point)}.${text.slice(point)}`;
        events.push(`{"name":"n","ph":"X","ts":${value},"dur":${text},"pid":${k % 2 ? '-' : ''}${value},"tid":1}`);
      }
    }
    const text = `[${events.join(',')},${events.join(' , ')}]`;
    const bytes = encoder.encode(text);
    assert.match(scan(bytes, false).outcome, /^\{"truncated":false/, 'the edge cases are valid input');
    // The kernel takes the plain numbers among them.
    assert.ok(assertSameScan(bytes) > 0.3);
    for (const size of [1, 2, 3, 5, 8, 13, 31]) assertSameScan(bytes, [size], `chunks of ${size}`);
  });

  it("reads each key by the previous event's key order only when it is that very key: order changes, lookalike keys, spaces", () => {
    // The kernel compares a key with the one the previous event had at that
    // position, quote to colon. Keys here differ from their neighbours' by a
    // letter, a length or a space, at the same position from event to event.
    const shapes = [
      (i: number) => `{"ts":${i},"ph":"X","dur":3,"name":"a","pid":1,"tid":1}`,
      (i: number) => `{"tts":${i},"ts":${i + 1},"ph":"X","dur":4,"name":"b","pid":1,"tid":2}`,
      (i: number) => `{"ts":${i},"ph":"B","name":"c","pid":2,"tid":1,"id":"${i}"}`,
      (i: number) => `{"tsx":9,"ts":${i},"ph":"E","name":"c","pid":2,"tid":1,"id2":"${i}"}`,
      (i: number) => `{"ts" :${i},"ph":"X","dur":5,"name":"d","pid":1,"tid":1}`,
      (i: number) => `{"ts":${i},"ph":"X","durx":6,"dur":7,"namex":"q","name":"e","pid":1,"tid":1,"tdur":1}`,
      (i: number) => `{"ts":${i},"ph":"X","dur":8,"names":"r","name":"f","pidx":5,"pid":3,"tid":1}`,
      (i: number) => `{"pid":4,"tid":4,"ts":${i},"ph":"X","dur":9,"name":"g","cat":"k","args":{},"s":"t"}`,
    ];
    const events: string[] = [];
    let seed = 7;
    for (let i = 0; i < 4000; i++) {
      // Runs of one shape (the order is learnt), then a change.
      if (i % 5 === 0) seed = (seed * 1103515245 + 12345) >>> 0;
      events.push(shapes[(seed >>> 16) % shapes.length](i));
    }
    const bytes = encoder.encode(`[${events.join(',')}]`);
    assert.ok(assertSameScan(bytes) > 0.95, 'the kernel reads these events itself');
    assertSameScan(bytes, randomChunkSizes(16, 300, 11), 'in chunks');
  });

  it('knows a name by its first eight bytes only when the rest matches too: shared prefixes, short names in other places, new names', () => {
    const names = ['FunctionCall', 'FunctionCallback', 'Function', 'Func', 'FunctionCalls', 'ab', 'abc', 'FunctionCalm', 'FunctionCall'];
    const events: string[] = [];
    let seed = 3;
    for (let i = 0; i < 6000; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      // Names first seen late are unknown to the kernel until the TypeScript scanner has read one.
      const pool = i < 2000 ? 4 : names.length;
      const name = names[(seed >>> 16) % pool];
      const cat = ['a', 'ab', 'abcdefgh', 'abcdefghi'][(seed >>> 8) % 4];
      // The same short name before different keys: the bytes after its closing quote differ.
      events.push(
        i % 2 === 0
          ? `{"name":"${name}","cat":"${cat}","ph":"X","ts":${i},"dur":1,"pid":1,"tid":1}`
          : `{"cat":"${cat}","name":"${name}","ts":${i},"ph":"X","dur":2,"pid":1,"tid":1}`,
      );
    }
    const bytes = encoder.encode(`[${events.join(',')}]`);
    assert.ok(assertSameScan(bytes) > 0.95, 'the kernel reads these events itself');
    assertSameScan(bytes, randomChunkSizes(16, 300, 5), 'in chunks');
  });

  it('reports the same errors and truncations, wherever the input is cut or corrupted', () => {
    const text = syntheticTrace(12);
    const bytes = encoder.encode(text);
    for (let cut = 0; cut <= bytes.length; cut++) assertSameScan(bytes.subarray(0, cut), [], `cut at ${cut}`);
    // Corruptions: one byte replaced by a character that matters to JSON, at every position.
    const replacements = encoder.encode('"\\{}[],:x0-.e \u0001');
    let seed = 12345;
    for (let at = 0; at < bytes.length; at++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      const corrupted = bytes.slice();
      corrupted[at] = replacements[seed % replacements.length];
      assertSameScan(corrupted, [], `byte ${at} set to ${String.fromCharCode(corrupted[at])}`);
    }
  });

  it('keeps working past its string table: traces with tens of thousands of distinct names', () => {
    const events: string[] = [];
    for (let i = 0; i < 40000; i++) events.push(`{"name":"function ${i} ${'x'.repeat(i % 40)}","cat":"c${i % 3}","ph":"X","ts":${i},"dur":1,"pid":1,"tid":1}`);
    for (let i = 0; i < 40000; i += 7)
      events.push(`{"name":"function ${i} ${'x'.repeat(i % 40)}","cat":"c${i % 3}","ph":"X","ts":${i},"dur":1,"pid":1,"tid":1}`);
    assertSameScan(encoder.encode(`[${events.join(',')}]`), [65536]);
  });

  it('falls back to TypeScript when WebAssembly memory runs out: no instance at all, or no room for a large unit', () => {
    // A 3 MB event in the middle: joining it across chunks needs more kernel memory than 50 pages allow.
    const trace = syntheticTrace(2000).replace(
      '\n],"metadata"',
      `,\n{"args":{"blob":"${'x'.repeat(3 * 1024 * 1024)}"},"name":"big","ph":"X","ts":1,"dur":1}\n],"metadata"`,
    );
    const dir = mkdtempSync(join(tmpdir(), 'kernel-memory-'));
    try {
      const path = join(dir, 'trace.json');
      writeFileSync(path, trace);
      // In the child: scan with the kernel (as far as it can) and without, in 64 KiB chunks, and compare.
      const child = `
        import { readFileSync } from 'node:fs';
        import { TraceEventScanner } from ${JSON.stringify(new URL('./chrome-trace-event-scanner.ts', import.meta.url).href)};
        const bytes = new Uint8Array(readFileSync(${JSON.stringify(path)}));
        const scan = (wasm) => {
          const events = [];
          const s = new TraceEventScanner((e) => events.push(JSON.stringify([e.ph, e.strings[e.name], e.ts, e.dur, e.tdur, e.pid, e.tid, e.argsEnd - e.argsStart])), [], undefined, { wasm });
          for (let at = 0; at < bytes.length; at += 65536) s.push(bytes.subarray(at, at + 65536));
          s.finish();
          return { events, kernelEvents: s.kernelEventCount };
        };
        const withKernel = scan(true);
        const reference = scan(false);
        console.log(JSON.stringify({ same: withKernel.events.join() === reference.events.join(), events: reference.events.length, kernelEvents: withKernel.kernelEvents }));
      `;
      const run = (pages: number) => {
        const result = spawnSync(process.execPath, [`--wasm-max-mem-pages=${pages}`, '--import', 'tsx', '--input-type=module', '-e', child], {
          encoding: 'utf8',
        });
        assert.equal(result.status, 0, result.stderr);
        return JSON.parse(result.stdout) as { same: boolean; events: number; kernelEvents: number };
      };
      const noInstance = run(40);
      assert.deepEqual(noInstance, { same: true, events: 2002, kernelEvents: 0 });
      const noRoom = run(50);
      assert.ok(noRoom.same && noRoom.events === 2002, JSON.stringify(noRoom));
      assert.ok(noRoom.kernelEvents > 500 && noRoom.kernelEvents < 2000, `the kernel read ${noRoom.kernelEvents} events before it ran out of room`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
