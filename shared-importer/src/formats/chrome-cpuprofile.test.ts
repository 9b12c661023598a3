import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { nodeGunzip } from '../../node/node-host.ts';
import { SAMPLE_TRACES } from '../../node/trace-fixtures.ts';
import { TraceImportError } from '../errors.ts';
import { CpuProfileNodes } from './chrome-cpuprofile.ts';
import { importProfilesFromArrayBuffer } from '../import-profile.ts';
import { functionStats } from '../model/call-tree.ts';
import { FrameTable } from '../model/frame-table.ts';
import type { Profile } from '../model/profile.ts';
import { TimelineBuilder } from '../model/thread-timeline.ts';

const SIMPLE = join(SAMPLE_TRACES, 'Chrome/65/simple.cpuprofile');
const SUCRASE = join(SAMPLE_TRACES, 'Chrome/65/sucrase.cpuprofile');
const NODE_OLD = join(SAMPLE_TRACES, 'node/10.11.0/example.cpuprofile');

interface V8Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

const load = (path: string) => importProfilesFromArrayBuffer(path.split('/').pop()!, new Uint8Array(readFileSync(path)), { gunzip: nodeGunzip });

/** Self time per function name, computed straight from the file: each sample lasts until the next (the last until endTime). */
function selfTimesFromFile(path: string): Map<string, number> {
  const doc = JSON.parse(readFileSync(path, 'utf8'));
  const byId = new Map<number, V8Node>(doc.nodes.map((n: V8Node) => [n.id, n]));
  const times: number[] = [];
  let t = doc.startTime;
  for (const d of doc.timeDeltas) times.push((t += d));
  const order = times.map((_, i) => i).sort((a, b) => times[a] - times[b]);
  const self = new Map<string, number>();
  for (let k = 0; k < order.length; k++) {
    const i = order[k];
    const next = k + 1 < order.length ? times[order[k + 1]] : Math.max(doc.endTime, times[i]);
    const fn = byId.get(doc.samples[i])!.callFrame.functionName || '(anonymous)';
    if (fn === '(root)') continue;
    self.set(fn, (self.get(fn) ?? 0) + next - times[i]);
  }
  return self;
}

function selfTimesFromProfile(profile: Profile): Map<string, number> {
  const thread = profile.threads[0];
  const stats = functionStats(thread, profile.frames.length);
  const self = new Map<string, number>();
  for (let f = 0; f < profile.frames.length; f++) {
    const name = profile.frames.names[f];
    if (stats.self[f] > 0) self.set(name, (self.get(name) ?? 0) + stats.self[f]);
  }
  return self;
}

describe('V8 .cpuprofile', () => {
  for (const path of [SIMPLE, SUCRASE]) {
    const label = path.slice(SAMPLE_TRACES.length + 1);
    it(`${label}: every sample, and self time per function as the file says`, async () => {
      const doc = JSON.parse(readFileSync(path, 'utf8'));
      const profile = await load(path);
      assert.equal(profile.format, 'chrome-cpuprofile');
      assert.equal(profile.unit, 'microseconds');
      assert.equal(profile.threads.length, 1);
      assert.equal(profile.threads[0].sampleCount, doc.samples.length);
      assert.equal(profile.eventCount, doc.samples.length);
      assert.equal(profile.endTime, doc.endTime);
      const expected = selfTimesFromFile(path);
      const actual = selfTimesFromProfile(profile);
      assert.deepEqual([...actual.keys()].sort(), [...expected.keys()].filter((k) => expected.get(k)! > 0).sort());
      for (const [name, time] of expected) assert.ok(Math.abs((actual.get(name) ?? 0) - time) < 1e-6, `${name}: ${actual.get(name)} vs ${time}`);
    });
  }

  it('frames keep url and 1-based line/column; "(root)" is left out, "(program)" and "(garbage collector)" kept', async () => {
    const doc = JSON.parse(readFileSync(SUCRASE, 'utf8'));
    const profile = await load(SUCRASE);
    const names = new Set(profile.frames.names);
    assert.ok(!names.has('(root)'));
    assert.ok(names.has('(program)'));
    assert.ok(names.has('(garbage collector)'));
    const node = (doc.nodes as V8Node[]).find((n) => n.callFrame.url && n.callFrame.lineNumber > 0 && n.callFrame.functionName)!;
    const i = profile.frames.names.findIndex((name, k) => name === node.callFrame.functionName && profile.frames.files[k] === node.callFrame.url);
    assert.ok(i >= 0);
    assert.equal(profile.frames.lines[i], node.callFrame.lineNumber + 1);
    assert.equal(profile.frames.columns[i], node.callFrame.columnNumber + 1);
  });

  it('old format (Node 10: nested "head" tree, absolute "timestamps")', async () => {
    const doc = JSON.parse(readFileSync(NODE_OLD, 'utf8'));
    const profile = await load(NODE_OLD);
    assert.equal(profile.format, 'chrome-cpuprofile');
    const thread = profile.threads[0];
    assert.equal(thread.sampleCount, doc.samples.length);
    assert.equal(thread.startTime, doc.timestamps[0]);
    for (const fn of ['a', 'b', 'd']) assert.ok(profile.frames.names.includes(fn), fn);
    // In the file's tree, d is called from b and from c, both called from a.
    const name = (i: number) => profile.frames.names[thread.frame[i]];
    let checked = 0;
    for (let i = 0; i < thread.count; i++) {
      if (name(i) !== 'd') continue;
      let parent = i - 1;
      while (thread.depth[parent] !== thread.depth[i] - 1) parent--;
      assert.ok(name(parent) === 'b' || name(parent) === 'c');
      let grandparent = parent - 1;
      while (thread.depth[grandparent] !== thread.depth[parent] - 1) grandparent--;
      assert.equal(name(grandparent), 'a');
      checked++;
    }
    assert.ok(checked > 0);
  });

  it('gzip-compressed profiles import the same', async () => {
    const plain = await load(SIMPLE);
    const gz = await importProfilesFromArrayBuffer('simple.cpuprofile.gz', new Uint8Array(gzipSync(readFileSync(SIMPLE))), { gunzip: nodeGunzip });
    assert.deepEqual(Array.from(gz.threads[0].start), Array.from(plain.threads[0].start));
    assert.deepEqual(gz.frames.names, plain.frames.names);
  });

  it('a heap profile is not taken for a CPU profile', async () => {
    await assert.rejects(load(join(SAMPLE_TRACES, 'node/10.11.0/Heap-20181003T105432.heapprofile')), (error: unknown) => {
      assert.ok(error instanceof TraceImportError);
      assert.equal(error.code, 'unknown-format');
      return true;
    });
  });

  it('a truncated profile fails with a clear error', async () => {
    const bytes = new Uint8Array(readFileSync(SIMPLE)).subarray(0, 700);
    await assert.rejects(importProfilesFromArrayBuffer('cut.cpuprofile', bytes), (error: unknown) => {
      assert.ok(error instanceof TraceImportError);
      assert.equal(error.code, 'truncated');
      return true;
    });
  });

  it('sampling reserves exactly the intervals the samples open, so no array is grown or trimmed', () => {
    const nodes = new CpuProfileNodes(new FrameTable());
    const frame = (id: number, parent?: number) => ({ id, parent, callFrame: { functionName: `f${id}`, url: 'a.js', lineNumber: id } });
    nodes.addNodes([{ id: 1, callFrame: { functionName: '(root)' } }, frame(2, 1), frame(3, 2), frame(4, 3), frame(5, 2), frame(6, 1)]);
    let seed = 3;
    const samples: number[] = [];
    const times: number[] = [];
    for (let i = 0; i < 5000; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      samples.push(1 + (seed % 7)); // 7 is an unknown node
      times.push(i * 10 + (seed % 5 === 0 ? -25 : 0)); // some out of order, so they are sorted first
    }
    for (const openFirst of [false, true]) {
      const builder = new TimelineBuilder({ id: 't', name: 't' });
      if (openFirst) builder.enter(0, 0);
      nodes.addSamples(builder, samples, times);
      assert.ok(builder.intervalCount > 2000, `${builder.intervalCount} intervals`);
      assert.equal(builder.capacity, builder.intervalCount);
    }
  });

  it('runs of the same node, unknown nodes between them and times going backwards give the calls of sampling each stack in turn', () => {
    const nodes = new CpuProfileNodes(new FrameTable());
    const frame = (id: number, parent?: number) => ({ id, parent, callFrame: { functionName: `f${id}` } });
    nodes.addNodes([{ id: 1, callFrame: { functionName: '(root)' } }, frame(2, 1), frame(3, 2), frame(4, 3), frame(5, 2), frame(6, 1)]);
    let seed = 21;
    const samples: number[] = [];
    const times: number[] = [];
    for (let i = 0, node = 2; i < 3000; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      if (seed % 10 === 0) node = 2 + ((seed >>> 8) % 6); // 7: unknown
      samples.push(seed % 13 === 0 ? 99 : node); // 99: unknown, inside a run
      times.push(i * 10 - (seed % 17 === 0 ? 35 : 0));
    }
    const timeline = (builder: TimelineBuilder) => {
      const t = builder.finish();
      return { calls: Array.from({ length: t.count }, (_, i) => `${t.depth[i]}:${t.frame[i]}@${t.start[i]}-${t.end[i]}`), samples: t.sampleCount };
    };
    const fast = new TimelineBuilder({ id: 't', name: 't' });
    const unknown = nodes.addSamples(fast, samples, times);
    // The reference: every known sample's stack through sample(), in time order.
    const reference = new TimelineBuilder({ id: 't', name: 't' });
    const order = samples.map((_, i) => i).sort((a, b) => times[a] - times[b]);
    for (const i of order) {
      const stack = nodes.stackOf(samples[i]);
      if (stack) reference.sample(Array.from(stack), times[i]);
    }
    const expected = timeline(reference);
    assert.ok(unknown > 100 && expected.samples > 2000 && expected.calls.length > 300);
    assert.deepEqual(timeline(fast), expected);
  });

  it("node ids of any kind give the same calls: V8's 1, 2, 3..., sparse, huge, fractional and negative ones", () => {
    // Stacks are looked up by id in an array for small whole ids and in a Map
    // for the rest; renumbering a profile's nodes must not change its calls.
    const shape = [[], [0], [1], [1], [0], [4], [5]]; // parent index of each node
    const run = (ids: number[]) => {
      const nodes = new CpuProfileNodes(new FrameTable());
      nodes.addNodes(
        ids.map((id, i) => ({ id, parent: shape[i].length ? ids[shape[i][0]] : undefined, callFrame: { functionName: i === 0 ? '(root)' : `f${i}` } })),
      );
      const builder = new TimelineBuilder({ id: 't', name: 't' });
      let seed = 9;
      const order: number[] = [];
      for (let k = 0; k < 400; k++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        order.push(seed % ids.length);
      }
      nodes.addSamples(
        builder,
        order.map((i) => ids[i]),
        order.map((_, k) => k * 10),
      );
      const t = builder.finish();
      return Array.from({ length: t.count }, (_, i) => `${t.depth[i]}:${t.frame[i]}@${t.start[i]}-${t.end[i]}`);
    };
    const reference = run([1, 2, 3, 4, 5, 6, 7]);
    assert.ok(reference.length > 100);
    for (const ids of [
      [7, 6, 5, 4, 3, 2, 1],
      [1, 900, 3, 40000, 5, 6, 2],
      [1, 2, 3 * 2 ** 20, 4, 5.5, -6, 2 ** 40],
    ]) {
      assert.deepEqual(run(ids), reference, `ids ${ids.join(',')}`);
    }
  });
});
