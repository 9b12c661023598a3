// Typed arrays that grow by doubling. Profiles hold millions of events; typed
// arrays keep them at a few bytes each instead of one JS object per event.

export class GrowableFloat64 {
  data: Float64Array;
  length = 0;
  constructor(initialCapacity = 1024) {
    this.data = new Float64Array(initialCapacity);
  }
  push(value: number): number {
    if (this.length === this.data.length) this.grow();
    this.data[this.length] = value;
    return this.length++;
  }
  private grow(): void {
    const next = new Float64Array(Math.max(16, this.data.length * 2));
    next.set(this.data);
    this.data = next;
  }
  /** A view of the filled part (no copy). */
  view(): Float64Array {
    return this.data.subarray(0, this.length);
  }
  /** A right-sized copy, so the spare capacity can be freed (no copy when already full). */
  trimmed(): Float64Array {
    return this.length === this.data.length ? this.data : this.data.slice(0, this.length);
  }
}

export class GrowableUint32 {
  data: Uint32Array;
  length = 0;
  constructor(initialCapacity = 1024) {
    this.data = new Uint32Array(initialCapacity);
  }
  push(value: number): number {
    if (this.length === this.data.length) this.grow();
    this.data[this.length] = value;
    return this.length++;
  }
  private grow(): void {
    const next = new Uint32Array(Math.max(16, this.data.length * 2));
    next.set(this.data);
    this.data = next;
  }
  view(): Uint32Array {
    return this.data.subarray(0, this.length);
  }
  trimmed(): Uint32Array {
    return this.length === this.data.length ? this.data : this.data.slice(0, this.length);
  }
}
