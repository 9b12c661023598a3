// Host side of the WebAssembly event kernel (shared-importer/wasm/chrome-trace-event-kernel.ts):
// loads it, copies input into its memory and reads back the event records it
// writes. The kernel parses ordinary events about twice as fast as the
// TypeScript scanner, which stays the reference: it handles whatever the
// kernel declines and is used alone where WebAssembly is unavailable.
import { CHROME_TRACE_EVENT_KERNEL_WASM } from './chrome-trace-event-kernel.wasm.ts';

/** The kernel's stop reason when its record area filled (others: an item it declined, or the end). */
const STOP_FULL = 1;

/**
 * Each record is 72 bytes: 5 float64 (ts, dur, tdur, pid, tid), then 7 int32
 * (ph, name, cat, args start and end, id start and end). Its size in float64s
 * and in int32s is the stride of each view; the int32 fields' indices follow.
 */
export const RECORD_FLOATS = 9;
export const RECORD_INTS = 18;
export const RECORD_PH = 10;
export const RECORD_NAME = 11;
export const RECORD_CAT = 12;
export const RECORD_ARGS_START = 13;
export const RECORD_ARGS_END = 14;
export const RECORD_ID_START = 15;
export const RECORD_ID_END = 16;

/** Larger buffers (a huge unit held across chunks) are scanned by TypeScript alone rather than grow the kernel's memory. */
const MAX_INPUT_BYTES = 64 * 1024 * 1024;
const PAGE_BYTES = 65536;

interface KernelExports {
  memory: WebAssembly.Memory;
  layout(which: number): number;
  register(length: number, id: number): number;
  commit(): void;
  scan(p: number, end: number, afterItem: number): number;
  reset(): void;
}

let compiled: WebAssembly.Module | null | undefined;
/**
 * Kernels whose scanner finished, kept for the next: fresh memory costs a page
 * fault per 4 KiB on first touch (about 4 ms per MiB in some VMs), and a
 * kernel's tables and input area are a few MiB.
 */
const idle: EventKernel[] = [];
const MAX_IDLE = 2;
/** A kernel whose memory grew past this for a huge unit is left to the garbage collector rather than kept. */
const MAX_IDLE_MEMORY_BYTES = 8 * 1024 * 1024;

/** The compiled kernel, or null where WebAssembly (with SIMD) is unavailable or disallowed. */
function kernelModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      const text = atob(CHROME_TRACE_EVENT_KERNEL_WASM);
      const bytes = new Uint8Array(text.length);
      for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
      compiled = new WebAssembly.Module(bytes);
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

/** One kernel instance (its own memory and string table) per scanner. */
export class EventKernel {
  /** Records written by the last scan(); whether it stopped only because they filled the record area (call again); whether an item had just been read. */
  count = 0;
  filled = false;
  afterItem = 0;
  /** Record fields, valid until the next load() (growing memory moves them). */
  floats!: Float64Array;
  ints!: Int32Array;
  private readonly exports: KernelExports;
  private readonly recordsAt: number;
  private readonly statusAt: number;
  private readonly inputAt: number;
  private status!: Int32Array;
  private bytes!: Uint8Array;

  /** A kernel, or null when WebAssembly is unavailable (callers then scan in TypeScript). */
  static create(): EventKernel | null {
    const reused = idle.pop();
    if (reused) return reused;
    const module = kernelModule();
    if (!module) return null;
    try {
      return new EventKernel(new WebAssembly.Instance(module).exports as unknown as KernelExports);
    } catch {
      // No memory for an instance (address space limits, say): scan in TypeScript from now on.
      compiled = null;
      return null;
    }
  }

  /** Hands the kernel back for another scanner; the caller must not use it again. */
  release(): void {
    if (idle.length >= MAX_IDLE || idle.includes(this) || this.exports.memory.buffer.byteLength > MAX_IDLE_MEMORY_BYTES) return;
    this.exports.reset();
    idle.push(this);
  }

  private constructor(exports: KernelExports) {
    this.exports = exports;
    this.recordsAt = exports.layout(0);
    this.statusAt = exports.layout(1);
    this.inputAt = exports.layout(2);
    this.refreshViews();
  }

  /** Whether load() takes a buffer this long. */
  accepts(length: number): boolean {
    return length <= MAX_INPUT_BYTES;
  }

  /**
   * Copies `parts` (`length` bytes in all) one after another into kernel
   * memory; returns the copy, which scan() offsets and record offsets index,
   * or null when the memory cannot grow to hold it.
   */
  load(parts: readonly Uint8Array[], length: number): Uint8Array | null {
    const memory = this.exports.memory;
    // Slack past the input: the kernel may read a whole word at a string's start.
    const needed = this.inputAt + length + 16;
    if (needed > memory.buffer.byteLength) {
      try {
        memory.grow(Math.ceil((needed - memory.buffer.byteLength) / PAGE_BYTES));
      } catch {
        return null;
      }
      this.refreshViews();
    }
    const input = new Uint8Array(memory.buffer, this.inputAt, length);
    let offset = 0;
    for (const part of parts) {
      input.set(part, offset);
      offset += part.length;
    }
    return input;
  }

  /** Whether `buffer` is this kernel's loaded input. */
  holds(buffer: Uint8Array): boolean {
    return buffer.buffer === this.exports.memory.buffer && buffer.byteOffset === this.inputAt;
  }

  /** Parses events of the loaded input from offset p up to end; see the kernel's scan(). */
  scan(p: number, end: number, afterItem: boolean): number {
    const stop = this.exports.scan(p, end, afterItem ? 1 : 0);
    const status = this.status;
    this.count = status[0];
    this.filled = status[1] === STOP_FULL;
    this.afterItem = status[2];
    return stop;
  }

  /** Teaches the kernel string `id` by its raw bytes; ignored once the kernel's table is full. */
  register(raw: Uint8Array, id: number): void {
    const at = this.exports.register(raw.length, id);
    if (at === 0) return;
    this.bytes.set(raw, at);
    this.exports.commit();
  }

  private refreshViews(): void {
    const buffer = this.exports.memory.buffer;
    const capacity = this.exports.layout(3);
    this.floats = new Float64Array(buffer, this.recordsAt, capacity * RECORD_FLOATS);
    this.ints = new Int32Array(buffer, this.recordsAt, capacity * RECORD_INTS);
    this.status = new Int32Array(buffer, this.statusAt, 3);
    this.bytes = new Uint8Array(buffer);
  }
}
