// Systrace on trace-viewer's real files and on a current-style report built
// here from a catapult Chrome trace and ftrace text. Expected figures come
// from the files' text through a plain regex and a stack written here, not
// from the importer's scan.
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { catapultTrace, foldedStacks, formatsClaiming, importInChunks, profileSnapshot, randomChunkSizes } from '../../node/trace-fixtures.ts';
import { TraceImportError } from '../errors.ts';
import type { Profile } from '../model/profile.ts';
import type { ThreadTimeline } from '../model/thread-timeline.ts';

const decoder = new TextDecoder();
const encoder = new TextEncoder();

interface FtraceFacts {
  events: number;
  /** Per tid: B marks, and the summed length of its outermost slices (µs). */
  slices: Map<number, { begins: number; busy: number }>;
  /** Per CPU: slices (switches to a thread other than idle) and summed running time (µs). */
  cpus: Map<number, { slices: number; busy: number }>;
  counters: number;
}

/** The facts the importer should find, read with a regex per line and a stack per thread. */
function ftraceFacts(text: string): FtraceFacts {
  const line = /^\s*(.+)-(\d+)\s+(?:\(\s*[\d-]+\)\s+)?\[(\d+)\]\s+(?:\S{4,5}\s+)?(\d+\.\d+):\s+(\S+):\s(.*?)(?:\\n\\?)?$/;
  const facts: FtraceFacts = { events: 0, slices: new Map(), cpus: new Map(), counters: 0 };
  const stacks = new Map<number, number[]>();
  const lastMark = new Map<number, number>();
  const running = new Map<number, number>();
  let lastTs = 0;
  for (const raw of text.split('\n')) {
    const m = line.exec(raw);
    if (!m) continue;
    facts.events++;
    const [tid, cpu, ts, event, details] = [Number(m[2]), Number(m[3]), Math.round(Number(m[4]) * 1e6), m[5], m[6]];
    lastTs = Math.max(lastTs, ts);
    if (event === '0' || event === 'tracing_mark_write') {
      const stack = stacks.get(tid) ?? [];
      stacks.set(tid, stack);
      const entry = facts.slices.get(tid) ?? { begins: 0, busy: 0 };
      if (details.startsWith('B|')) {
        stack.push(ts);
        entry.begins++;
        facts.slices.set(tid, entry);
        lastMark.set(tid, ts);
      } else if (details === 'E' || details.startsWith('E|')) {
        const start = stack.pop();
        if (start !== undefined && stack.length === 0) entry.busy += ts - start;
        lastMark.set(tid, ts);
      } else if (details.startsWith('C|')) {
        facts.counters++;
      }
    } else if (event === 'sched_switch') {
      const next = Number(/next_pid=(\d+)/.exec(details)![1]);
      const cpuFacts = facts.cpus.get(cpu) ?? { slices: 0, busy: 0 };
      facts.cpus.set(cpu, cpuFacts);
      if (running.has(cpu)) cpuFacts.busy += ts - running.get(cpu)!;
      running.delete(cpu);
      if (next !== 0) {
        running.set(cpu, ts);
        cpuFacts.slices++;
      }
    }
  }
  for (const [tid, stack] of stacks) if (stack.length > 0) facts.slices.get(tid)!.busy += lastMark.get(tid)! - stack[0];
  for (const [cpu, start] of running) facts.cpus.get(cpu)!.busy += lastTs - start;
  return facts;
}

/** The ftrace text in an old-style report's `var linuxPerfData = "...";`. */
function linuxPerfData(html: string): string {
  const start = html.indexOf('var linuxPerfData = "');
  return html.slice(start, html.indexOf('</script>', start));
}

/** Summed length of the outermost intervals. */
function rootBusy(t: ThreadTimeline): number {
  let busy = 0;
  for (let i = 0; i < t.count; i++) if (t.depth[i] === 0) busy += t.end[i] - t.start[i];
  return busy;
}

function assertFtraceFacts(profile: Profile, facts: FtraceFacts): void {
  for (const [tid, expected] of facts.slices) {
    const t = profile.threads.find((x) => x.tid === tid && x.id.endsWith(':ftrace'));
    assert.ok(t, `thread ${tid}`);
    assert.equal(t.count, expected.begins, `thread ${tid}: one slice per B mark`);
    assert.ok(Math.abs(rootBusy(t) - expected.busy) < 1e-3, `thread ${tid}: busy ${rootBusy(t)} vs ${expected.busy}`);
  }
  for (const [cpu, expected] of facts.cpus) {
    const t = profile.threads.find((x) => x.name === `CPU ${cpu}`);
    assert.ok(t, `CPU ${cpu}`);
    assert.equal(t.count, expected.slices, `CPU ${cpu} slices`);
    assert.ok(Math.abs(rootBusy(t) - expected.busy) < 1e-3, `CPU ${cpu}: busy ${rootBusy(t)} vs ${expected.busy}`);
  }
  assert.equal(profile.threads.length, facts.slices.size + facts.cpus.size);
}

describe('systrace files from trace-viewer', () => {
  it('android_systrace.txt (plain ftrace, sched events only): one track per CPU, as the file says', async () => {
    const bytes = catapultTrace('android_systrace.txt');
    const facts = ftraceFacts(decoder.decode(bytes));
    assert.deepEqual([facts.events, facts.cpus.get(0)?.slices], [91, 40], 'the file as grep sees it');
    const profile = await importInChunks('android_systrace.txt', bytes);
    assert.equal(profile.format, 'systrace');
    assert.equal(profile.eventCount, facts.events);
    assertFtraceFacts(profile, facts);
    assert.deepEqual(profile.warnings, ['Skipped: 33 sched_wakeup events (only tracing_mark_write B/E slices and sched_switch CPU tracks are drawn).']);
  });

  it('android_systrace.html (old-style report): atrace slices per thread and CPU tracks, whatever the chunking', async () => {
    const bytes = catapultTrace('android_systrace.html');
    const facts = ftraceFacts(linuxPerfData(decoder.decode(bytes)));
    assert.equal(facts.slices.get(655)?.begins, 2107, 'the file as grep sees it');
    const profile = await importInChunks('android_systrace.html', bytes, randomChunkSizes(50, 256 * 1024, 3));
    assert.equal(profile.eventCount, facts.events);
    assertFtraceFacts(profile, facts);
    const launcher = profile.threads.find((t) => t.id === 'p655:t655:ftrace')!;
    assert.equal(launcher.name, 'ndroid.launcher');
    // Its first mark: "ndroid.launcher-655   [000] 50262.539039: 0: B|655|deliverInputEvent".
    assert.deepEqual([profile.frames.names[launcher.frame[0]], launcher.start[0]], ['deliverInputEvent', 50262539039]);
    assert.deepEqual(profile.warnings, [
      `Skipped: 6,827 sched_wakeup, ${facts.counters.toLocaleString('en-US')} counter (C) events (only tracing_mark_write B/E slices and sched_switch CPU tracks are drawn).`,
      "2 begin (B) marks were never ended; they were closed at their thread's last event (SurfaceFlinger (236), ndroid.launcher (655)).",
    ]);
  });

  it('trivial_systrace.html and counter_tracks.html hold counters only: nothing drawn, and the warning says why', async () => {
    for (const file of ['trivial_systrace.html', 'counter_tracks.html']) {
      const bytes = catapultTrace(file);
      const facts = ftraceFacts(linuxPerfData(decoder.decode(bytes)));
      const profile = await importInChunks(file, bytes);
      assert.equal(profile.threads.length, 0, file);
      assert.equal(profile.eventCount, facts.counters, file);
      assert.deepEqual(profile.warnings, [
        `Skipped: ${facts.counters.toLocaleString('en-US')} counter (C) events (only tracing_mark_write B/E slices and sched_switch CPU tracks are drawn).`,
        'Nothing to draw: the ftrace data has no tracing_mark_write B/E slices and no sched_switch events.',
      ]);
    }
  });

  it('is the only format that claims them', () => {
    for (const file of ['android_systrace.txt', 'android_systrace.html', 'trivial_systrace.html', 'counter_tracks.html']) {
      assert.deepEqual(formatsClaiming(catapultTrace(file)), ['systrace'], file);
    }
  });
});

describe('a current-style report: Chrome JSON and ftrace blocks', () => {
  const chromeJson = decoder.decode(catapultTrace('simple_trace.json'));
  /** android_systrace.txt without its JS line endings, plus atrace slices and a clock sync mark. */
  const ftrace = [
    ...decoder
      .decode(catapultTrace('android_systrace.txt'))
      .split('\n')
      .map((l) => l.replace(/\\n\\$/, '')),
    '  RenderThread-900  [001] 50260.650000: tracing_mark_write: B|850|DrawFrame',
    '  RenderThread-900  [001] 50260.650300: tracing_mark_write: B|850|flush',
    '  RenderThread-900  [001] 50260.650400: tracing_mark_write: E|850',
    '  RenderThread-900  [001] 50260.651000: tracing_mark_write: E|850',
    // The Chrome trace's clock read 800 µs when ftrace's read 50260.647576 s.
    '  chrome-22630 [000] 50260.647576: tracing_mark_write: trace_event_clock_sync: parent_ts=0.000800',
  ].join('\n');
  const SHIFT = 800 - 50260647576;
  // The viewer's code comes first and fills more than the sniffed head; it names the data tags in its own text.
  const viewer = `<script>/* ${'v'.repeat(100_000)} */ var selector = '<script class="trace-data" type="application/text">';</script>`;
  const report = [
    '<!DOCTYPE html>',
    '<html>',
    '<head i18n-values="dir:textdirection;">',
    '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">',
    viewer,
    '</head>',
    '<body>',
    '<!-- BEGIN TRACE -->',
    '  <script class="trace-data" type="application/text">',
    chromeJson,
    '  </script>',
    '  <script class="trace-data" type="application/text">',
    ftrace,
    '  </script>',
    '  <script class="trace-data" type="application/text">',
    'PROCESS DUMP',
    'USER           PID  PPID     VSZ    RSS WCHAN            ADDR S NAME',
    '  </script>',
    '<!-- END TRACE -->',
    '</body>',
    '</html>',
  ].join('\n');
  const bytes = encoder.encode(report);

  it('imports the JSON part as the Chrome importer does, beside the ftrace timelines, in one frame table', async () => {
    const [profile, chrome] = await Promise.all([
      importInChunks('report.html', bytes),
      importInChunks('simple_trace.json', catapultTrace('simple_trace.json')),
    ]);
    assert.equal(profile.format, 'systrace');
    for (const expected of chrome.threads) {
      const t = profile.threads.find((x) => x.id === expected.id);
      assert.ok(t, expected.id);
      assert.deepEqual(foldedStacks(profile, t), foldedStacks(chrome, expected), expected.id);
      assert.deepEqual([t.start, t.end], [expected.start, expected.end], expected.id);
    }
    const facts = ftraceFacts(ftrace);
    assert.equal(profile.eventCount, chrome.eventCount + facts.events);
    const renderThread = profile.threads.find((t) => t.id === 'p850:t900:ftrace')!;
    assert.deepEqual(
      foldedStacks(profile, renderThread),
      new Map([
        ['DrawFrame', 900],
        ['DrawFrame;flush', 100],
      ]),
    );
    assert.deepEqual([renderThread.start[0], renderThread.end[0]], [50260650000 + SHIFT, 50260651000 + SHIFT]);
    const cpu0 = profile.threads.find((t) => t.name === 'CPU 0')!;
    assert.equal(cpu0.count, facts.cpus.get(0)!.slices);
    assert.equal(cpu0.start[0], 50260647576 + SHIFT, 'ftrace time moved onto the Chrome clock');
    assert.ok(Math.abs(rootBusy(cpu0) - facts.cpus.get(0)!.busy) < 1e-3);
    assert.ok(profile.warnings.includes('1 data blocks of the report hold neither ftrace text nor a Chrome trace and were skipped.'));
    assert.ok(profile.warnings.some((w) => w.startsWith('Skipped: 33 sched_wakeup events')));
  });

  it('imports the same wherever the chunks split it', async () => {
    const whole = profileSnapshot(await importInChunks('report.html', bytes));
    for (const seed of [1, 2]) assert.deepEqual(profileSnapshot(await importInChunks('report.html', bytes, randomChunkSizes(400, 9000, seed))), whole);
  });
});

describe('HTML that holds no trace', () => {
  it('is refused as what it is, with the formats we accept', async () => {
    const page = encoder.encode('<!doctype html><html><head><title>Hi</title><script>var linuxPerfData;</script></head><body>hello</body></html>');
    await assert.rejects(importInChunks('page.html', page), (e: unknown) => {
      assert.ok(e instanceof TraceImportError);
      assert.equal(e.code, 'unknown-format');
      assert.match(
        e.message,
        /^Could not recognise "page\.html" as a trace: it looks like an HTML page without trace data \(.*\)\. Accepted formats: .*Android systrace/,
      );
      return true;
    });
  });

  it("names trace2html's compressed form, which we do not read yet", async () => {
    const page = encoder.encode('<!DOCTYPE html>\n<html><body><script id="viewer-data" type="application/json">\nH4sIAAAAAAAA\n</script></body></html>');
    await assert.rejects(importInChunks('t2h.html', page), /it looks like an HTML trace report whose data is trace2html's compressed "viewer-data" block/);
  });
});
