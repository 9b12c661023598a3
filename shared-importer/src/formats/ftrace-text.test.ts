// The ftrace reader on small inputs written here, one rule at a time; the
// real systrace files are in systrace.test.ts. Expected times are the
// timestamps written in each input, converted by hand (seconds -> µs).
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { FrameTable } from '../model/frame-table.ts';
import type { ThreadTimeline } from '../model/thread-timeline.ts';
import { ftraceTimelines, looksLikeFtrace, type FtraceTimelines } from './ftrace-text.ts';

function read(text: string, frames = new FrameTable()): FtraceTimelines & { frames: FrameTable } {
  return { ...ftraceTimelines(text, frames), frames };
}

/** [name, start, end, depth] per slice, in timeline order. */
function slices(t: ThreadTimeline, frames: FrameTable): [string, number, number, number][] {
  return Array.from({ length: t.count }, (_, i) => [frames.names[t.frame[i]], t.start[i], t.end[i], t.depth[i]]);
}

function thread(result: FtraceTimelines, id: string): ThreadTimeline {
  const t = result.timelines.find((x) => x.id === id);
  assert.ok(t, `no timeline ${id} in ${result.timelines.map((x) => x.id).join(', ')}`);
  return t;
}

describe('ftrace line formats', () => {
  it('reads the legacy, irq-flags and tgid layouts, both marker event names, and comms with spaces and dashes', () => {
    const result = read(
      [
        '# tracer: nop',
        '#',
        '  SurfaceFlinger-236   [000] 50265.647620: tracing_mark_write: B|124|legacy',
        '  SurfaceFlinger-236   [000] 50265.647700: 0: E',
        '  Binder thread-1-340   [001] d..3 100.000001: tracing_mark_write: B|124|flags',
        '  Binder thread-1-340   [001] d..3 100.000011: tracing_mark_write: E|124',
        '     RenderThread-900  ( 850) [002] ...1 7.5: tracing_mark_write: B|850|tgid',
        '     RenderThread-900  ( 850) [002] dNh2. 7.500250: tracing_mark_write: E|850|tgid',
        '           <...>-901   (-----) [003] .... 8.000000: tracing_mark_write: B|850|dashes',
        '           <...>-901   (-----) [003] .... 8.000002: tracing_mark_write: E',
      ].join('\n'),
    );
    assert.deepEqual(result.warnings, []);
    assert.equal(result.eventCount, 8);
    assert.deepEqual(slices(thread(result, 'p124:t236:ftrace'), result.frames), [['legacy', 50265647620, 50265647700, 0]]);
    const binder = thread(result, 'p124:t340:ftrace');
    assert.equal(binder.name, 'Binder thread-1');
    assert.deepEqual(slices(binder, result.frames), [['flags', 100000001, 100000011, 0]]);
    assert.deepEqual(slices(thread(result, 'p850:t900:ftrace'), result.frames), [['tgid', 7500000, 7500250, 0]]);
    const unnamed = thread(result, 'p850:t901:ftrace');
    assert.equal(unnamed.name, 'tid 901', 'a "<...>" comm nothing else names');
    assert.deepEqual(slices(unnamed, result.frames), [['dashes', 8000000, 8000002, 0]]);
  });

  it('takes the pid from the tgid column when there is one, else from the first B mark', () => {
    const result = read(
      [
        ' worker-77 ( 70) [000] .... 1.000000: tracing_mark_write: B|9999|a',
        ' worker-77 ( 70) [000] .... 1.000001: tracing_mark_write: E',
        ' other-88 [000] .... 1.000002: tracing_mark_write: B|80|b',
        ' other-88 [000] .... 1.000003: tracing_mark_write: E',
      ].join('\n'),
    );
    assert.deepEqual(
      result.timelines.map((t) => [t.id, t.pid, t.tid]),
      [
        ['p70:t77:ftrace', 70, 77],
        ['p80:t88:ftrace', 80, 88],
      ],
    );
  });

  it('drops the "\\n\\" ending of text copied out of a systrace report', () => {
    const result = read(' app-5 [000] 2.000000: 0: B|5|draw\\n\\\n app-5 [000] 2.000040: 0: E\\n\\\n');
    assert.deepEqual(slices(thread(result, 'p5:t5:ftrace'), result.frames), [['draw', 2000000, 2000040, 0]]);
  });

  it('counts and quotes lines that are not events, and skips comments and blank lines silently', () => {
    const result = read(['# tracer: nop', '', 'garbage here', ' app-5 [000] 2.0: 0: B|5|x', 'app-5 [zero] 2.1: 0: E', ' app-5 [000] 2.2: 0: E'].join('\n'));
    assert.equal(result.eventCount, 2);
    assert.deepEqual(result.warnings, ['2 lines were not ftrace events and were skipped (the first: "garbage here").']);
  });
});

describe('slices from B/E marks', () => {
  it('nests B/E pairs per thread; an E (named or not) ends the innermost slice', () => {
    const result = read(
      [
        ' ui-10 [000] 1.000000: tracing_mark_write: B|10|frame',
        ' ui-10 [000] 1.000100: tracing_mark_write: B|10|measure',
        ' bg-11 [001] 1.000150: tracing_mark_write: B|10|load',
        ' ui-10 [000] 1.000200: tracing_mark_write: E|10|not the name of the open slice',
        ' ui-10 [000] 1.000300: tracing_mark_write: B|10|layout|args|category',
        ' ui-10 [000] 1.000300: tracing_mark_write: E',
        ' ui-10 [000] 1.000900: tracing_mark_write: E|10',
        ' bg-11 [001] 1.002000: tracing_mark_write: E',
      ].join('\n'),
    );
    assert.deepEqual(result.warnings, []);
    assert.deepEqual(slices(thread(result, 'p10:t10:ftrace'), result.frames), [
      ['frame', 1000000, 1000900, 0],
      ['measure', 1000100, 1000200, 1],
      ['layout', 1000300, 1000300, 1],
    ]);
    assert.deepEqual(slices(thread(result, 'p10:t11:ftrace'), result.frames), [['load', 1000150, 1002000, 0]]);
  });

  it('keeps a zero-length slice inside a same-named one at the same time nested, as the file orders them', () => {
    const result = read(
      [' ui-10 [000] 1.000000: 0: B|10|lock', ' ui-10 [000] 1.000500: 0: B|10|lock', ' ui-10 [000] 1.000500: 0: E', ' ui-10 [000] 1.000900: 0: E'].join('\n'),
    );
    assert.deepEqual(slices(thread(result, 'p10:t10:ftrace'), result.frames), [
      ['lock', 1000000, 1000900, 0],
      ['lock', 1000500, 1000500, 1],
    ]);
  });

  it("ignores and counts E marks with nothing open; closes B marks never ended at their thread's last event, and counts them", () => {
    const result = read(
      [
        ' ui-10 [000] 1.000000: 0: E',
        ' ui-10 [000] 1.000100: 0: B|10|outer',
        ' ui-10 [000] 1.000200: 0: B|10|inner',
        ' ui-10 [000] 1.000300: 0: E',
        ' ui-10 [000] 1.000400: 0: C|10|queue|3',
        ' bg-11 [001] 1.005000: 0: B|10|late',
      ].join('\n'),
    );
    // outer closes at ui's last B/E mark (1.000300), not at bg's later one, nor at the counter.
    assert.deepEqual(slices(thread(result, 'p10:t10:ftrace'), result.frames), [
      ['outer', 1000100, 1000300, 0],
      ['inner', 1000200, 1000300, 1],
    ]);
    assert.deepEqual(slices(thread(result, 'p10:t11:ftrace'), result.frames), [['late', 1005000, 1005000, 0]]);
    assert.deepEqual(result.warnings, [
      'Skipped: 1 counter (C) events (only tracing_mark_write B/E slices and sched_switch CPU tracks are drawn).',
      '1 end (E) marks had no open slice to close and were ignored (ui (10)).',
      "2 begin (B) marks were never ended; they were closed at their thread's last event (ui (10), bg (11)).",
    ]);
  });

  it('names an empty B mark "(unnamed)" and skips a B mark without a pid as malformed', () => {
    const result = read([' ui-10 [000] 1.0: 0: B|10|', ' ui-10 [000] 1.1: 0: E', ' ui-10 [000] 1.2: 0: B|x|bad'].join('\n'));
    assert.deepEqual(slices(thread(result, 'p10:t10:ftrace'), result.frames), [['(unnamed)', 1000000, 1100000, 0]]);
    assert.match(result.warnings[0], /^Skipped: 1 malformed B mark events/);
  });
});

describe('CPU tracks from sched_switch', () => {
  const switchLine = (cpu: number, ts: string, prev: [string, number], next: [string, number]) =>
    ` ${prev[0]}-${prev[1]} [00${cpu}] d..3 ${ts}: sched_switch: prev_comm=${prev[0]} prev_pid=${prev[1]} prev_prio=120 prev_state=S ==> next_comm=${next[0]} next_pid=${next[1]} next_prio=120`;

  it('draws what ran on each CPU as "<comm> <tid>", leaves idle time as gaps, and ends the last slice at the end of the trace', () => {
    const result = read(
      [
        switchLine(0, '10.000000', ['swapper', 0], ['Chrome_IOThread', 42]),
        switchLine(1, '10.000050', ['swapper', 0], ['app main', 7]),
        switchLine(0, '10.000100', ['Chrome_IOThread', 42], ['swapper', 0]),
        switchLine(0, '10.000300', ['swapper', 0], ['app main', 7]),
        switchLine(1, '10.000350', ['app main', 7], ['kworker/1:2', 99]),
        ' kworker/1:2-99 [001] d..3 10.000400: sched_wakeup: comm=app main pid=7 prio=120 success=1 target_cpu=000',
        ' kworker/1:2-99 [001] d..3 10.000900: cpu_frequency: state=1200000 cpu_id=1',
      ].join('\n'),
    );
    assert.deepEqual(
      result.timelines.map((t) => [t.id, t.name]),
      [
        ['cpu0', 'CPU 0'],
        ['cpu1', 'CPU 1'],
      ],
    );
    assert.deepEqual(slices(thread(result, 'cpu0'), result.frames), [
      ['Chrome_IOThread 42', 10000000, 10000100, 0],
      ['app main 7', 10000300, 10000900, 0],
    ]);
    assert.deepEqual(slices(thread(result, 'cpu1'), result.frames), [
      ['app main 7', 10000050, 10000350, 0],
      ['kworker/1:2 99', 10000350, 10000900, 0],
    ]);
    assert.deepEqual(result.warnings, [
      'Skipped: 1 cpu_frequency, 1 sched_wakeup events (only tracing_mark_write B/E slices and sched_switch CPU tracks are drawn).',
    ]);
  });

  it('names a thread whose own lines say "<...>" by the comm sched_switch gives it', () => {
    const result = read([' <...>-42 [000] 1.0: 0: B|40|work', ' <...>-42 [000] 1.1: 0: E', switchLine(0, '1.2', ['IOThread', 42], ['swapper', 0])].join('\n'));
    assert.equal(thread(result, 'p40:t42:ftrace').name, 'IOThread');
  });
});

describe('what is not drawn, and the clock', () => {
  it('counts counters, async marks and other events by kind; a file of counters alone says nothing is drawn', () => {
    const result = read(
      [
        ' hwc-336 [000] 1.0: 0: C|124|VSYNC|1',
        ' hwc-336 [000] 1.1: 0: C|124|VSYNC|0',
        ' app-5 [000] 1.2: 0: S|5|launch|77',
        ' app-5 [000] 1.3: 0: F|5|launch|77',
        ' app-5 [000] 1.4: tracing_mark_write: hello',
      ].join('\n'),
    );
    assert.equal(result.timelines.length, 0);
    assert.deepEqual(result.warnings, [
      'Skipped: 2 counter (C), 1 async begin (S), 1 async end (F), 1 tracing_mark_write text events (only tracing_mark_write B/E slices and sched_switch CPU tracks are drawn).',
      'Nothing to draw: the ftrace data has no tracing_mark_write B/E slices and no sched_switch events.',
    ]);
  });

  it('moves every time onto the parent clock by the first trace_event_clock_sync mark, wherever it is', () => {
    const result = read(
      [
        ' app-5 [000] 100.000000: 0: B|5|x',
        ' app-5 [000] 100.000500: 0: E',
        ' app-5 [000] 100.001000: tracing_mark_write: trace_event_clock_sync: parent_ts=2.5',
        ' app-5 [000] 100.002: tracing_mark_write: trace_event_clock_sync: parent_ts=9',
      ].join('\n'),
    );
    // The sync mark at 100.001 s is 2.5 s on the parent clock: a shift of -97.501 s.
    const t = thread(result, 'p5:t5:ftrace');
    assert.deepEqual(slices(t, result.frames), [['x', 2499000, 2499500, 0]]);
    assert.deepEqual([t.startTime, t.endTime], [2499000, 2499500]);
    assert.deepEqual(result.warnings, []);
  });

  it('leaves times alone for parent_ts=0 (both clocks the same)', () => {
    const result = read([' app-5 [000] 7.0: 0: B|5|x', ' app-5 [000] 7.1: 0: E', ' dummy-0000 [000] 0.0: 0: trace_event_clock_sync: parent_ts=0.0'].join('\n'));
    assert.deepEqual(slices(thread(result, 'p5:t5:ftrace'), result.frames), [['x', 7000000, 7100000, 0]]);
  });

  it('adds its frames to a table that already holds other frames', () => {
    const frames = new FrameTable();
    frames.internName('from the Chrome trace');
    const result = read(' app-5 [000] 7.0: 0: B|5|x\n app-5 [000] 7.1: 0: E', frames);
    assert.deepEqual(slices(thread(result, 'p5:t5:ftrace'), frames), [['x', 7000000, 7100000, 0]]);
    assert.equal(frames.names[0], 'from the Chrome trace');
  });
});

describe('looksLikeFtrace', () => {
  it('recognises a tracer header, a first event line, and atrace output with its preamble', () => {
    assert.ok(looksLikeFtrace('# tracer: nop\n#\n'));
    assert.ok(looksLikeFtrace('  app-5   [000] d..3 1.0: sched_wakeup: comm=x pid=1'));
    assert.ok(looksLikeFtrace('capturing trace... done\nTRACE:\n# tracer: nop\n'));
  });

  it('does not claim perf script output, folded stacks or prose', () => {
    assert.ok(!looksLikeFtrace('perf 1234 [000] 1.000: 1 cycles:\n\tffffffff81000000 func (/lib/x.so)\n'));
    assert.ok(!looksLikeFtrace('main;foo;bar 12\nmain;baz 3\n'));
    assert.ok(!looksLikeFtrace('Hello [1] world 3.0: not: a trace'));
  });
});
