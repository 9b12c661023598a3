// Warms up a long-lived importer (the app's import worker) before the first
// real trace: imports and summarises a small synthetic Chrome trace, so the
// scanner, its WebAssembly kernel, the timeline builder and the summary are
// compiled and optimised. A first 100 MB import otherwise spends a good part
// of its time in the JIT. The summary text is left out: it needs the
// tokenizer, whose rank table takes far longer to load than this whole
// warm-up, and a trace arriving meanwhile would wait for it.
import { importProfilesFromArrayBuffer } from './import-profile.ts';
import { summarizeProfile } from './summary/summarize-profile.ts';

const NAMES = ['RunTask', 'ThreadControllerImpl::RunTask', 'v8.callFunction', 'FunctionCall', 'Layout', 'Paint', 'MinorGC', 'ParseHTML'];

/** A few thousand nested X events on two threads, metadata, user timings and V8 samples: every common path. */
export function warmUpTrace(events = 4000): Uint8Array {
  const lines = [
    '{"args":{"name":"CrRendererMain"},"cat":"__metadata","name":"thread_name","ph":"M","pid":1,"tid":1,"ts":0}',
    '{"args":{"name":"Compositor"},"cat":"__metadata","name":"thread_name","ph":"M","pid":1,"tid":2,"ts":0}',
    '{"args":{"data":{"startTime":1000}},"cat":"disabled-by-default-v8.cpu_profiler","id":"0x1","name":"Profile","ph":"P","pid":1,"tid":1,"ts":1000}',
  ];
  let ts = 1000;
  for (let i = 0; i < events; i++) {
    const tid = 1 + (i % 2);
    const args = i % 3 === 0 ? '{}' : `{"data":{"frame":"F${i % 7}","url":"https://example.test/${i % 13}.js"}}`;
    lines.push(
      `{"args":${args},"cat":"devtools.timeline","dur":${40 + (i % 5) * 10},"name":"${NAMES[i % 4]}","ph":"X","pid":1,"tdur":30,"tid":${tid},"ts":${ts},"tts":${ts}}`,
    );
    lines.push(
      `{"args":{},"cat":"devtools.timeline","dur":20,"name":"${NAMES[4 + (i % 4)]}","ph":"X","pid":1,"tdur":15,"tid":${tid},"ts":${ts + 5},"tts":${ts + 5}}`,
    );
    if (i % 50 === 0)
      lines.push(
        `{"args":{},"cat":"blink.user_timing","id":"0x${i}","name":"mark ${i % 4}","ph":"b","pid":1,"tid":1,"ts":${ts}}`,
        `{"args":{},"cat":"blink.user_timing","id":"0x${i}","name":"mark ${i % 4}","ph":"e","pid":1,"tid":1,"ts":${ts + 30}}`,
      );
    ts += 100;
  }
  const nodes = ['{"callFrame":{"functionName":"(root)","scriptId":0},"id":1}'];
  for (let n = 2; n <= 12; n++)
    nodes.push(
      `{"callFrame":{"functionName":"f${n}","scriptId":1,"url":"https://example.test/app.js","lineNumber":${n},"columnNumber":1},"id":${n},"parent":${n - 1}}`,
    );
  for (let chunk = 0; chunk < 2; chunk++) {
    // In runs of three, as real recordings repeat a node (idle, busy loops) for many samples.
    const samples = Array.from({ length: 1000 }, (_, i) => 2 + ((Math.floor(i / 3) * 7 + chunk) % 11));
    const deltas = samples.map((_, i) => 100 + (i % 7));
    const nodeList = chunk === 0 ? `"nodes":[${nodes.join(',')}],` : '';
    lines.push(
      `{"args":{"data":{"cpuProfile":{${nodeList}"samples":[${samples.join(',')}]},"timeDeltas":[${deltas.join(',')}]}},"cat":"disabled-by-default-v8.cpu_profiler","id":"0x1","name":"ProfileChunk","ph":"P","pid":1,"tid":3,"ts":${ts}}`,
    );
  }
  return new TextEncoder().encode(`{"traceEvents":[\n${lines.join(',\n')}\n]}`);
}

/** Imports and summarises the warm-up trace; resolves when the importer is warm. */
export async function warmUpImporter(): Promise<void> {
  const profile = await importProfilesFromArrayBuffer('warm-up.json', warmUpTrace());
  summarizeProfile(profile);
}
