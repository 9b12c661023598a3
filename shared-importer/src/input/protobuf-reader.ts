import { TraceImportError } from '../errors.ts';

// Just enough of the protobuf wire format to read pprof: varints,
// length-delimited fields and packed repeated varints. Fixed-width fields are
// skipped correctly but never interpreted.

const utf8 = new TextDecoder();

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_FIXED32 = 5;

/**
 * Reads fields from a byte range. Malformed data throws TraceImportError:
 * 'truncated' when a field runs past the end of the input, 'invalid-data'
 * when it runs past the end of its enclosing message or is otherwise wrong.
 */
export class ProtobufReader {
  pos: number;
  readonly end: number;

  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    end = bytes.length,
  ) {
    this.pos = start;
    this.end = end;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /**
   * An unsigned varint as a number. Values above 2^53 (64-bit addresses, or
   * negative int64s, which are encoded as ten-byte varints) lose low bits,
   * which no field we use cares about.
   */
  varint(): number {
    const bytes = this.bytes;
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw this.overrun();
      const b = bytes[this.pos++];
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 128;
    }
    throw new TraceImportError('invalid-data', 'Malformed protobuf: a varint is longer than 10 bytes.');
  }

  /**
   * An int64 varint. Negatives are ten-byte two's complement, which a float
   * sum cannot hold exactly, so the two 32-bit halves are read separately.
   */
  int64(): number {
    const bytes = this.bytes;
    let lo = 0;
    let hi = 0;
    for (let i = 0; ; i++) {
      if (i === 10) throw new TraceImportError('invalid-data', 'Malformed protobuf: a varint is longer than 10 bytes.');
      if (this.pos >= this.end) throw this.overrun();
      const b = bytes[this.pos++];
      if (i < 4) lo |= (b & 0x7f) << (7 * i);
      else if (i === 4) {
        lo |= (b & 0x0f) << 28;
        hi |= (b & 0x7f) >> 4;
      } else hi |= (b & 0x7f) << (7 * i - 32);
      if (b < 0x80) break;
    }
    lo >>>= 0;
    hi >>>= 0;
    if (hi < 0x80000000) return hi * 2 ** 32 + lo;
    const negLo = (~lo + 1) >>> 0;
    const negHi = (~hi + (negLo === 0 ? 1 : 0)) >>> 0;
    return -(negHi * 2 ** 32 + negLo);
  }

  /** Field number and wire type of the next field. */
  tag(): { field: number; wireType: number } {
    const key = this.varint();
    const field = Math.floor(key / 8);
    const wireType = key & 7;
    if (field === 0) throw new TraceImportError('invalid-data', 'Malformed protobuf: field number 0.');
    return { field, wireType };
  }

  /** Start and end offsets of a length-delimited field's contents; the reader moves past it. */
  lengthDelimited(): { start: number; end: number } {
    const length = this.varint();
    const start = this.pos;
    if (length > this.end - start) throw this.overrun();
    this.pos = start + length;
    return { start, end: this.pos };
  }

  /** A reader over the next length-delimited field (an embedded message). */
  message(): ProtobufReader {
    const { start, end } = this.lengthDelimited();
    return new ProtobufReader(this.bytes, start, end);
  }

  bytesField(): Uint8Array {
    const { start, end } = this.lengthDelimited();
    return this.bytes.subarray(start, end);
  }

  /** A UTF-8 string field; invalid bytes become U+FFFD. */
  string(): string {
    const { start, end } = this.lengthDelimited();
    return start === end ? '' : utf8.decode(this.bytes.subarray(start, end));
  }

  /** Appends a repeated varint field, packed (wire type 2) or not (wire type 0). */
  repeatedVarint(wireType: number, out: number[], signed = false): void {
    if (wireType === WIRE_VARINT) {
      out.push(signed ? this.int64() : this.varint());
      return;
    }
    if (wireType !== WIRE_LEN) throw wrongWireType(wireType);
    // Decoded in place (no reader or range object per field: samples have millions of these).
    const length = this.varint();
    if (length > this.end - this.pos) throw this.overrun();
    const stop = this.pos + length;
    if (signed) while (this.pos < stop) out.push(this.int64());
    else while (this.pos < stop) out.push(this.varint());
    if (this.pos !== stop) throw new TraceImportError('invalid-data', 'Malformed protobuf: a packed field ends inside a varint.');
  }

  skip(wireType: number): void {
    switch (wireType) {
      case WIRE_VARINT:
        this.varint();
        return;
      case WIRE_FIXED64:
        this.advance(8);
        return;
      case WIRE_LEN:
        this.lengthDelimited();
        return;
      case WIRE_FIXED32:
        this.advance(4);
        return;
      default:
        throw wrongWireType(wireType);
    }
  }

  private overrun(): TraceImportError {
    if (this.end < this.bytes.length) {
      return new TraceImportError('invalid-data', 'Malformed protobuf: a field runs past the end of its message.');
    }
    return new TraceImportError('truncated', 'The protobuf data ends in the middle of a field (the file looks truncated).');
  }

  private advance(n: number): void {
    if (n > this.end - this.pos) throw this.overrun();
    this.pos += n;
  }
}

function wrongWireType(wireType: number): TraceImportError {
  return new TraceImportError('invalid-data', `Malformed protobuf: unexpected wire type ${wireType}.`);
}
