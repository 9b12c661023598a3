// Typed arrays that grow by doubling. Profiles hold millions of events; typed
// arrays keep them at a few bytes each instead of one JS object per event.

type NumberArray = Float64Array | Uint32Array;

/** A copy of `array` with twice the room (at least 16). */
export function doubled<T extends NumberArray>(array: T): T {
  return resized(array, Math.max(16, array.length * 2));
}

/** A copy of `array` with room for `length` items (at least its current length). */
export function resized<T extends NumberArray>(array: T, length: number): T {
  const next = new (array.constructor as new (length: number) => T)(length);
  next.set(array);
  return next;
}

/** The first `length` items, as a right-sized copy so the spare capacity can be freed (no copy when already full). */
export function trimmed<T extends NumberArray>(array: T, length: number): T {
  return length === array.length ? array : (array.slice(0, length) as T);
}

export class GrowableFloat64 {
  data: Float64Array;
  length = 0;
  constructor(initialCapacity = 1024) {
    this.data = new Float64Array(initialCapacity);
  }
  push(value: number): number {
    if (this.length === this.data.length) this.data = doubled(this.data);
    this.data[this.length] = value;
    return this.length++;
  }
  /** A view of the filled part (no copy). */
  view(): Float64Array {
    return this.data.subarray(0, this.length);
  }
  /** A right-sized copy, so the spare capacity can be freed (no copy when already full). */
  trimmed(): Float64Array {
    return trimmed(this.data, this.length);
  }
}

export class GrowableUint32 {
  data: Uint32Array;
  length = 0;
  constructor(initialCapacity = 1024) {
    this.data = new Uint32Array(initialCapacity);
  }
  push(value: number): number {
    if (this.length === this.data.length) this.data = doubled(this.data);
    this.data[this.length] = value;
    return this.length++;
  }
  view(): Uint32Array {
    return this.data.subarray(0, this.length);
  }
  trimmed(): Uint32Array {
    return trimmed(this.data, this.length);
  }
}
