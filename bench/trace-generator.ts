// Writes a realistic synthetic Chrome trace (Trace Event Format, DevTools
// layout: {"metadata": {...}, "traceEvents": [...]}) of a requested size,
// streaming to disk so multi-gigabyte files never sit in memory.
//
// What it contains, modelled on Performance-panel recordings: a browser, a
// renderer and a GPU process with named threads (CrRendererMain, Compositor,
// workers...); nested X events written at their begin as Chrome does, some
// B/E pairs, realistic names, categories and args; long tasks (> 50 ms), GC
// events, user timings (blink.user_timing marks and measures), instant
// events, and V8 CPU samples (Profile + ProfileChunk) for the main thread.
// Deterministic for a given seed.
//
// CLI: node --import tsx bench/trace-generator.ts --mb 100 --out file.json [--gzip] [--seed 1]
import { createWriteStream, existsSync, mkdirSync, renameSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { createGzip, type Gzip } from 'node:zlib';
import { BENCH_OUTPUT_DIR } from './bench-report.ts';

/** Bump when the generator's output changes, so cached traces are rebuilt. */
const GENERATOR_VERSION = 2;

export interface GenerateOptions {
  /** Target size of the JSON text in bytes (the file is within one batch of it). */
  bytes: number;
  out: string;
  gzip?: boolean;
  seed?: number;
}

export interface GenerateResult {
  /** Bytes of JSON text written (before compression). */
  jsonBytes: number;
  events: number;
}

/** Small fast deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface ThreadSpec {
  pid: number;
  tid: number;
  name: string;
  kind: 'main' | 'compositor' | 'io' | 'worker' | 'gpu';
  /** Current time on this thread, microseconds. */
  clock: number;
  tts: number;
}

const URLS = [
  'https://app.example.com/static/js/main.8f3a2c.js',
  'https://app.example.com/static/js/vendor.1b9e44.js',
  'https://cdn.example.net/react-dom.production.min.js',
  'https://app.example.com/static/js/chunk-charts.77ad01.js',
];
const JS_FUNCTIONS = [
  'render',
  'commitRoot',
  'performSyncWorkOnRoot',
  'reconcileChildren',
  'updateChart',
  'parseResponse',
  'dispatchEvent',
  'onClick',
  'layoutGrid',
  'computeStats',
  'formatRows',
  'JSON.parse',
  'sortTable',
  'diffProps',
];
const RENDER_STEPS = [
  { name: 'UpdateLayoutTree', cat: 'blink,devtools.timeline' },
  { name: 'Layout', cat: 'devtools.timeline' },
  { name: 'PrePaint', cat: 'devtools.timeline' },
  { name: 'Paint', cat: 'devtools.timeline,rail' },
  { name: 'Layerize', cat: 'devtools.timeline' },
  { name: 'Commit', cat: 'devtools.timeline' },
];
const GC_EVENTS = [
  { name: 'MinorGC', cat: 'devtools.timeline,v8' },
  { name: 'MajorGC', cat: 'devtools.timeline,v8' },
  { name: 'V8.GC_SCAVENGER', cat: 'disabled-by-default-v8.gc' },
  { name: 'BlinkGC.AtomicPhase', cat: 'blink_gc' },
];
const IO_EVENTS = [
  'ChannelMojo::OnMessageReceived',
  'MessagePumpLibevent::OnLibeventNotification',
  'SimpleURLLoader::OnReceiveResponse',
  'net::URLRequest::Read',
];
const GPU_EVENTS = [
  'GpuChannel::ExecuteDeferredRequest',
  'CommandBufferStub::OnAsyncFlush',
  'SkiaOutputSurfaceImplOnGpu::SwapBuffers',
  'DisplayScheduler::DrawAndSwap',
];
const USER_MARKS = ['app:boot', 'app:route-change', 'app:data-loaded', 'app:first-render', 'chart:ready'];

const FRAME_ID = '5E8C1B0A9F2D4C6B8E7A3D1F0C2B4A69';

/** Builds one batch of JSON text at a time; the writer flushes batches. */
class TraceWriter {
  private parts: string[] = [];
  private partsLength = 0;
  private first = true;
  events = 0;
  bytes = 0;

  event(json: string): void {
    const text = this.first ? `\n${json}` : `,\n${json}`;
    this.first = false;
    this.parts.push(text);
    this.partsLength += text.length;
    this.events++;
  }

  raw(text: string): void {
    this.parts.push(text);
    this.partsLength += text.length;
  }

  get pendingLength(): number {
    return this.partsLength;
  }

  take(): string {
    const text = this.parts.join('');
    this.parts = [];
    this.partsLength = 0;
    this.bytes += Buffer.byteLength(text);
    return text;
  }
}

export async function generateTrace(options: GenerateOptions): Promise<GenerateResult> {
  const random = rng(options.seed ?? 1);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const file = createWriteStream(options.out);
  const gzip: Gzip | undefined = options.gzip ? createGzip({ level: 6 }) : undefined;
  const sink: WriteStream | Gzip = gzip ?? file;
  if (gzip) gzip.pipe(file);
  const w = new TraceWriter();

  const flush = async () => {
    const text = w.take();
    if (!sink.write(text)) await once(sink, 'drain');
  };

  const start = 81_234_567_890;
  const threads: ThreadSpec[] = [
    { pid: 4100, tid: 259, name: 'CrBrowserMain', kind: 'io', clock: start, tts: 1000 },
    { pid: 4100, tid: 36099, name: 'Chrome_IOThread', kind: 'io', clock: start, tts: 1000 },
    { pid: 4200, tid: 259, name: 'CrRendererMain', kind: 'main', clock: start, tts: 1000 },
    { pid: 4200, tid: 17667, name: 'Compositor', kind: 'compositor', clock: start, tts: 1000 },
    { pid: 4200, tid: 27907, name: 'ThreadPoolForegroundWorker', kind: 'worker', clock: start, tts: 1000 },
    { pid: 4200, tid: 31089, name: 'DedicatedWorker thread', kind: 'main', clock: start, tts: 1000 },
    { pid: 4300, tid: 259, name: 'CrGpuMain', kind: 'gpu', clock: start, tts: 1000 },
    { pid: 4300, tid: 40195, name: 'VizCompositorThread', kind: 'gpu', clock: start, tts: 1000 },
  ];
  // Heavier threads get more tasks, as in real recordings.
  const weights = threads.map((t) => (t.name === 'CrRendererMain' ? 6 : t.kind === 'main' ? 2 : t.kind === 'compositor' ? 2 : 1));
  const totalWeight = weights.reduce((a, b) => a + b, 0);

  w.raw(
    `{"metadata":{"source":"DevTools","startTime":"2026-11-26T04:00:00.000Z","dataOrigin":"TraceEvents","hostDPR":2,` +
      `"cpuThrottling":1,"networkThrottling":"No throttling","generator":"trace-analyser bench/trace-generator.ts"},\n"traceEvents":[`,
  );
  const processNames: Record<number, string> = { 4100: 'Browser', 4200: 'Renderer', 4300: 'GPU Process' };
  for (const pid of [4100, 4200, 4300]) {
    w.event(`{"args":{"name":"${processNames[pid]}"},"cat":"__metadata","name":"process_name","ph":"M","pid":${pid},"tid":0,"ts":0}`);
  }
  threads.forEach((t, i) => {
    w.event(`{"args":{"name":"${t.name}"},"cat":"__metadata","name":"thread_name","ph":"M","pid":${t.pid},"tid":${t.tid},"ts":0}`);
    w.event(`{"args":{"sort_index":${i}},"cat":"__metadata","name":"thread_sort_index","ph":"M","pid":${t.pid},"tid":${t.tid},"ts":0}`);
  });
  w.event(
    `{"args":{"data":{"frameTreeNodeId":1,"frames":[{"frame":"${FRAME_ID}","url":"https://app.example.com/","name":"","processId":4200}],"persistentIds":true}},"cat":"disabled-by-default-devtools.timeline","name":"TracingStartedInBrowser","ph":"I","pid":4100,"tid":259,"ts":${start},"s":"t","tts":1000}`,
  );

  const main = threads[2];
  w.event(
    `{"args":{"data":{"startTime":${start}}},"cat":"disabled-by-default-v8.cpu_profiler","id":"0x1","name":"Profile","ph":"P","pid":${main.pid},"tid":${main.tid},"ts":${start},"tts":1000}`,
  );
  // CPU profile nodes: a small fixed tree; chunks reference them by id.
  const nodeCount = 1 + 3 + JS_FUNCTIONS.length;
  let nodesSent = false;
  let lastSampleTime = start;

  const x = (t: ThreadSpec, name: string, cat: string, ts: number, dur: number, args: string) => {
    const tdur = Math.max(0, Math.round(dur * 0.9));
    w.event(`{"args":${args},"cat":"${cat}","dur":${dur},"name":"${name}","ph":"X","pid":${t.pid},"tdur":${tdur},"tid":${t.tid},"ts":${ts},"tts":${t.tts}}`);
    t.tts += tdur;
  };

  /** A JS call subtree under [ts, ts+dur), depth-first, written in begin order. */
  const jsTree = (t: ThreadSpec, ts: number, dur: number, depth: number) => {
    const fn = pick(JS_FUNCTIONS);
    const url = pick(URLS);
    x(
      t,
      'FunctionCall',
      'devtools.timeline',
      ts,
      dur,
      `{"data":{"frame":"${FRAME_ID}","functionName":"${fn}","url":"${url}","lineNumber":${1 + Math.floor(random() * 4000)},"columnNumber":${1 + Math.floor(random() * 120)},"scriptId":"${40 + Math.floor(random() * 30)}"}}`,
    );
    if (depth >= 4 || dur < 20) return;
    let at = ts + 1;
    const children = 1 + Math.floor(random() * 3);
    for (let i = 0; i < children; i++) {
      const childDur = Math.floor(((dur - 2) / children) * (0.4 + random() * 0.5));
      if (childDur < 3 || at + childDur >= ts + dur) break;
      const r = random();
      if (r < 0.15) {
        const gc = pick(GC_EVENTS);
        x(
          t,
          gc.name,
          gc.cat,
          at,
          childDur,
          `{"usedHeapSizeBefore":${20_000_000 + Math.floor(random() * 5e7)},"usedHeapSizeAfter":${15_000_000 + Math.floor(random() * 3e7)},"type":"scavenge"}`,
        );
      } else if (r < 0.25) {
        x(
          t,
          'v8.compile',
          'v8,devtools.timeline',
          at,
          childDur,
          `{"data":{"url":"${url}","lineNumber":${Math.floor(random() * 900)},"columnNumber":${Math.floor(random() * 80)},"streamed":false}}`,
        );
      } else if (r < 0.35) {
        // Some instrumentation still writes B/E pairs.
        const name = 'ParseHTML';
        w.event(
          `{"args":{"beginData":{"frame":"${FRAME_ID}","startLine":${Math.floor(random() * 500)},"url":"https://app.example.com/"}},"cat":"devtools.timeline","name":"${name}","ph":"B","pid":${t.pid},"tid":${t.tid},"ts":${at},"tts":${t.tts}}`,
        );
        w.event(
          `{"args":{"endData":{"endLine":${Math.floor(random() * 500)}}},"cat":"devtools.timeline","name":"${name}","ph":"E","pid":${t.pid},"tid":${t.tid},"ts":${at + childDur},"tts":${t.tts + childDur}}`,
        );
      } else {
        jsTree(t, at, childDur, depth + 1);
      }
      at += childDur + 1;
    }
  };

  const task = (t: ThreadSpec) => {
    const gap = 20 + Math.floor(random() * 400);
    const ts = t.clock + gap;
    // Mostly short tasks; about 1 in 150 is a long task (50-250 ms).
    const long = t.kind === 'main' && random() < 1 / 150;
    const dur = long ? 50_000 + Math.floor(random() * 200_000) : 30 + Math.floor(random() * (t.kind === 'main' ? 4000 : 600));
    x(
      t,
      'RunTask',
      'disabled-by-default-devtools.timeline',
      ts,
      dur,
      `{"src_file":"../../third_party/blink/renderer/core/scheduler/main_thread_task_queue.cc","src_func":"PostTask"}`,
    );
    if (t.kind === 'main') {
      const scriptDur = Math.floor(dur * 0.6);
      if (scriptDur > 10) {
        x(
          t,
          'EvaluateScript',
          'devtools.timeline',
          ts + 2,
          scriptDur,
          `{"data":{"url":"${pick(URLS)}","lineNumber":1,"columnNumber":1,"frame":"${FRAME_ID}"}}`,
        );
        jsTree(t, ts + 3, scriptDur - 2, 0);
      }
      let at = ts + 3 + scriptDur;
      for (const step of RENDER_STEPS) {
        const stepDur = Math.floor((dur - scriptDur - 10) / RENDER_STEPS.length);
        if (stepDur < 2 || random() < 0.4) continue;
        x(
          t,
          step.name,
          step.cat,
          at,
          stepDur,
          step.name === 'Layout'
            ? `{"beginData":{"dirtyObjects":${Math.floor(random() * 300)},"partialLayout":false,"totalObjects":${1000 + Math.floor(random() * 5000)},"frame":"${FRAME_ID}"},"endData":{"layoutRoots":[{"depth":1,"nodeId":${Math.floor(random() * 900)}}]}}`
            : `{"data":{"frame":"${FRAME_ID}"}}`,
        );
        at += stepDur + 1;
      }
      if (random() < 0.02) {
        w.event(
          `{"args":{"data":{"navigationId":"8F1E2D3C"}},"cat":"blink.user_timing","name":"${pick(USER_MARKS)}","ph":"R","pid":${t.pid},"tid":${t.tid},"ts":${ts},"s":"t","tts":${t.tts}}`,
        );
      }
      if (random() < 0.01) {
        const id = `0x${Math.floor(random() * 0xffffff).toString(16)}`;
        const name = `measure:${pick(JS_FUNCTIONS)}`;
        w.event(
          `{"args":{},"cat":"blink.user_timing","id2":{"local":"${id}"},"id":"${id}","name":"${name}","ph":"b","pid":${t.pid},"tid":${t.tid},"ts":${ts}}`,
        );
        w.event(
          `{"args":{},"cat":"blink.user_timing","id2":{"local":"${id}"},"id":"${id}","name":"${name}","ph":"e","pid":${t.pid},"tid":${t.tid},"ts":${ts + dur}}`,
        );
      }
    } else if (t.kind === 'io' || t.kind === 'gpu') {
      const names = t.kind === 'io' ? IO_EVENTS : GPU_EVENTS;
      const n = 1 + Math.floor(random() * 3);
      let at = ts + 1;
      for (let i = 0; i < n; i++) {
        const d = Math.floor((dur - 2) / n) - 1;
        if (d < 2) break;
        x(t, pick(names), 'toplevel,ipc', at, d, `{"class":${Math.floor(random() * 30)},"line":${Math.floor(random() * 400)}}`);
        at += d + 1;
      }
    } else if (t.kind === 'compositor') {
      x(
        t,
        'Scheduler::BeginFrame',
        'cc,benchmark',
        ts + 1,
        Math.max(1, dur - 2),
        `{"args":{"sequence_number":${Math.floor(random() * 1e6)},"frame_time_us":${ts}}}`,
      );
      if (random() < 0.1)
        w.event(
          `{"args":{"data":{"frame":"${FRAME_ID}"}},"cat":"devtools.timeline","name":"UpdateCounters","ph":"I","pid":${t.pid},"tid":${t.tid},"ts":${ts},"s":"t","tts":${t.tts}}`,
        );
    } else {
      jsTree(t, ts + 1, Math.max(1, dur - 2), 2);
    }
    t.clock = ts + dur;
  };

  const profileChunk = (until: number) => {
    // One sample every ~100 µs since the last chunk, as V8's sampler does.
    const samples: number[] = [];
    const deltas: number[] = [];
    let t = lastSampleTime;
    while (t < until && samples.length < 2000) {
      const d = 90 + Math.floor(random() * 30);
      t += d;
      deltas.push(d);
      samples.push(random() < 0.3 ? 2 : 4 + Math.floor(random() * (nodeCount - 4)));
    }
    lastSampleTime = t;
    let nodes = '';
    if (!nodesSent) {
      const list = [
        `{"callFrame":{"codeType":"other","functionName":"(root)","scriptId":0},"id":1}`,
        `{"callFrame":{"codeType":"other","functionName":"(program)","scriptId":0},"id":2,"parent":1}`,
        `{"callFrame":{"codeType":"other","functionName":"(garbage collector)","scriptId":0},"id":3,"parent":1}`,
        `{"callFrame":{"codeType":"JS","functionName":"","scriptId":41,"url":"${URLS[0]}","lineNumber":0,"columnNumber":0},"id":4,"parent":1}`,
        ...JS_FUNCTIONS.map(
          (fn, i) =>
            `{"callFrame":{"codeType":"JS","functionName":"${fn}","scriptId":${41 + (i % 4)},"url":"${URLS[i % URLS.length]}","lineNumber":${i * 37},"columnNumber":${i * 3}},"id":${5 + i},"parent":${i === 0 ? 4 : 4 + i}}`,
        ),
      ];
      nodes = `"nodes":[${list.join(',')}],`;
      nodesSent = true;
    }
    w.event(
      `{"args":{"data":{"cpuProfile":{${nodes}"samples":[${samples.join(',')}]},"timeDeltas":[${deltas.join(',')}]}},"cat":"disabled-by-default-v8.cpu_profiler","id":"0x1","name":"ProfileChunk","ph":"P","pid":${main.pid},"tid":29183,"ts":${until}}`,
    );
  };

  let nextChunkAt = start + 100_000;
  const target = options.bytes;
  // Leave room for the closing bytes.
  while (w.bytes + w.pendingLength < target - 64) {
    // Advance the thread that is furthest behind (weighted), so the file is roughly time-ordered overall.
    let r = random() * totalWeight;
    let chosen = threads[0];
    for (let i = 0; i < threads.length; i++) {
      r -= weights[i];
      if (r <= 0) {
        chosen = threads[i];
        break;
      }
    }
    const behind = threads.reduce((a, b) => (b.clock < a.clock ? b : a));
    task(behind.clock < chosen.clock - 200_000 ? behind : chosen);
    if (main.clock >= nextChunkAt) {
      profileChunk(nextChunkAt);
      nextChunkAt += 100_000;
    }
    if (w.pendingLength >= 1 << 20) await flush();
  }
  w.raw('\n]}\n');
  await flush();
  sink.end();
  await once(file, 'close');
  return { jsonBytes: w.bytes, events: w.events };
}

/** The trace of `mb` MiB (seed 1), generated once and kept in bench-output/traces for later runs. */
export async function cachedTrace(mb: number): Promise<string> {
  const dir = join(BENCH_OUTPUT_DIR, 'traces');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `chrome-trace-${mb}mb-v${GENERATOR_VERSION}.json`);
  if (!existsSync(path)) {
    console.log(`generating ${path} ...`);
    await generateTrace({ bytes: mb * 1024 * 1024, out: `${path}.tmp` });
    renameSync(`${path}.tmp`, path);
  }
  return path;
}

function parseArgs(argv: string[]): GenerateOptions {
  const get = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const mb = Number(get('--mb') ?? '100');
  const out = get('--out');
  if (!out || !(mb > 0)) {
    console.error('usage: node --import tsx bench/trace-generator.ts --mb <size in MB> --out <file.json> [--gzip] [--seed N]');
    process.exit(2);
  }
  return { bytes: Math.round(mb * 1024 * 1024), out, gzip: argv.includes('--gzip'), seed: Number(get('--seed') ?? '1') };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const options = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const result = await generateTrace(options);
  const seconds = (performance.now() - started) / 1000;
  console.log(`wrote ${options.out}: ${(result.jsonBytes / 1024 / 1024).toFixed(1)} MB of JSON, ${result.events} events, ${seconds.toFixed(1)} s`);
}
