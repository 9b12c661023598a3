// Small Chrome traces (Trace Event Format, complete "X" events, as a
// Performance recording's trace events) with one planted problem each, amid
// seeded background work: what the tools eval asks the tools to find.
// Times are ms from the trace start; every trace starts with an event at 0.
import { rng } from '../../bench/trace-generator.ts';

/** A call: name, start and duration in ms, and the calls it makes (inside it). */
export interface PlantedCall {
  name: string;
  at: number;
  ms: number;
  calls?: PlantedCall[];
}

export const PID = 1;
export const MAIN_TID = 1;
export const WORKER_TID = 2;

class TraceBuilder {
  private readonly events: object[] = [
    { ph: 'M', name: 'process_name', pid: PID, tid: 0, args: { name: 'Renderer' } },
    { ph: 'M', name: 'thread_name', pid: PID, tid: MAIN_TID, args: { name: 'CrRendererMain' } },
    { ph: 'M', name: 'thread_name', pid: PID, tid: WORKER_TID, args: { name: 'DedicatedWorker thread' } },
  ];

  add(tid: number, call: PlantedCall): void {
    this.events.push({
      ph: 'X',
      cat: 'devtools.timeline',
      name: call.name,
      pid: PID,
      tid,
      ts: Math.round(call.at * 1000),
      dur: Math.round(call.ms * 1000),
      args: {},
    });
    for (const inner of call.calls ?? []) this.add(tid, inner);
  }

  bytes(): Uint8Array {
    return new TextEncoder().encode(JSON.stringify({ traceEvents: this.events, metadata: { source: 'Trace Analyser tools eval' } }));
  }
}

const BACKGROUND = ['dispatchEvent', 'updateStyle', 'layoutBox', 'paintLayer', 'parseHTML', 'runMicrotasks', 'fireAnimationFrame', 'compileScript'];

/** A short task (1–`maxMs` ms) at `at`, two or three levels of background work. */
function backgroundTask(random: () => number, at: number, maxMs: number): PlantedCall {
  const ms = 1 + random() * (maxMs - 1);
  const pick = () => BACKGROUND[Math.floor(random() * BACKGROUND.length)];
  const outer = ms * 0.9;
  const inner = outer * (0.3 + random() * 0.5);
  return { name: 'RunTask', at, ms, calls: [{ name: pick(), at: at + ms * 0.05, ms: outer, calls: [{ name: pick(), at: at + ms * 0.1, ms: inner }] }] };
}

/** Background tasks on `tid` every `everyMs` from `fromMs` to `toMs`, skipping the busy spans given. */
function background(
  builder: TraceBuilder,
  random: () => number,
  tid: number,
  fromMs: number,
  toMs: number,
  everyMs: number,
  busy: [number, number][] = [],
): void {
  for (let at = fromMs; at + everyMs <= toMs; at += everyMs) {
    if (busy.some(([a, b]) => at + everyMs > a && at < b)) continue;
    builder.add(tid, backgroundTask(random, at, everyMs * 0.6));
  }
}

/** (a) A worker spending most of its time in one function, under its message handler; the main thread is lightly busy. */
export const HOT_WORKER = { function: 'inflateTiles', caller: 'onmessage', tasks: 120, everyMs: 50, selfMs: 30, spanMs: 6000 } as const;

export function hotWorkerTrace(): Uint8Array {
  const random = rng(1);
  const builder = new TraceBuilder();
  const p = HOT_WORKER;
  background(builder, random, MAIN_TID, 0, p.spanMs, 16);
  for (let n = 0; n < p.tasks; n++) {
    const at = 5 + n * p.everyMs;
    builder.add(WORKER_TID, {
      name: 'RunTask',
      at,
      ms: 42,
      calls: [
        {
          name: p.caller,
          at: at + 0.5,
          ms: 41,
          calls: [
            { name: 'decodeChunk', at: at + 1, ms: 6 },
            { name: p.function, at: at + 7.5, ms: p.selfMs },
            { name: 'inflateHeader', at: at + 38, ms: 1 },
            { name: 'postResult', at: at + 39.5, ms: 1.5 },
          ],
        },
      ],
    });
  }
  return builder.bytes();
}

/**
 * (b) One long main-thread task whose time is spent three levels below it:
 * RunTask > handleClick > renderList > computeRowHeights; two shorter long
 * tasks with other causes and short background tasks around them.
 */
export const LONG_TASK = { at: 2000, ms: 320, path: ['handleClick', 'renderList', 'computeRowHeights'], selfMs: 290, spanMs: 5000 } as const;

export function longTaskTrace(): Uint8Array {
  const random = rng(2);
  const builder = new TraceBuilder();
  const p = LONG_TASK;
  const others: PlantedCall[] = [
    { name: 'RunTask', at: 800, ms: 70, calls: [{ name: 'compileScript', at: 800.5, ms: 69 }] },
    { name: 'RunTask', at: 3500, ms: 85, calls: [{ name: 'layoutBox', at: 3500.5, ms: 80, calls: [{ name: 'updateStyle', at: 3501, ms: 40 }] }] },
  ];
  const planted: PlantedCall = {
    name: 'RunTask',
    at: p.at,
    ms: p.ms,
    calls: [
      {
        name: p.path[0],
        at: p.at + 1,
        ms: p.ms - 2,
        calls: [
          {
            name: p.path[1],
            at: p.at + 2,
            ms: p.ms - 4,
            calls: [
              { name: 'measureText', at: p.at + 3, ms: 10 },
              { name: p.path[2], at: p.at + 14, ms: p.selfMs },
            ],
          },
        ],
      },
    ],
  };
  for (const task of [...others, planted]) builder.add(MAIN_TID, task);
  background(
    builder,
    random,
    MAIN_TID,
    0,
    p.spanMs,
    20,
    [...others, planted].map((t) => [t.at, t.at + t.ms]),
  );
  background(builder, random, WORKER_TID, 3, p.spanMs, 40);
  return builder.bytes();
}

/** (c) A function that gets 5x slower in the second half: every 100 ms RunTask > updateState > (diffTree, applyPatch). */
export const REGRESSION = { function: 'diffTree', beforeMs: 4, afterMs: 20, everyMs: 100, spanMs: 10_000 } as const;

export function regressionTrace(): Uint8Array {
  const random = rng(3);
  const builder = new TraceBuilder();
  const p = REGRESSION;
  for (let at = 0; at < p.spanMs; at += p.everyMs) {
    const diffMs = at < p.spanMs / 2 ? p.beforeMs : p.afterMs;
    const taskMs = diffMs + 6 + 2;
    builder.add(MAIN_TID, {
      name: 'RunTask',
      at,
      ms: taskMs,
      calls: [
        {
          name: 'updateState',
          at: at + 0.5,
          ms: taskMs - 1,
          calls: [
            { name: p.function, at: at + 1, ms: diffMs },
            { name: 'applyPatch', at: at + 1 + diffMs, ms: 6 },
          ],
        },
      ],
    });
    // Background work between the updates, the same in both halves.
    builder.add(MAIN_TID, backgroundTask(random, at + 40, 30));
  }
  background(builder, random, WORKER_TID, 1, p.spanMs, 50);
  return builder.bytes();
}
