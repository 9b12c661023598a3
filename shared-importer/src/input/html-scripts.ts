// The <script> elements of an HTML page, streamed: each element's start tag,
// then its content as byte chunks, so neither the page nor an element is ever
// one string (systrace reports run to tens of MB, most of it the viewer's code
// and one data block).
//
// As much of HTML's tokenizer as pages written by tools need: comments are
// skipped, and a script's content runs to the first "</script" in any case,
// as browsers parse it. Script content holds no markup, so a "<script" inside
// one (the viewer's own code names its data tags) starts nothing.

export interface HtmlScript {
  /** The start tag as written, e.g. `<script class="trace-data" type="application/text">`. */
  tag: string;
  /** The element's content. Read it, or stop early, before asking for the next script. */
  content: AsyncIterable<Uint8Array>;
}

const LT = 0x3c; // <
const GT = 0x3e; // >
const COMMENT_START = ascii('<!--');
const COMMENT_END = ascii('-->');
const SCRIPT_START = ascii('<script');
const SCRIPT_END = ascii('</script');
/** A start tag longer than this is not one (it would otherwise be buffered whole). */
const MAX_TAG_BYTES = 64 * 1024;

export async function* htmlScripts(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<HtmlScript> {
  const cursor = new ByteCursor(chunks[Symbol.asyncIterator]());
  try {
    for (;;) {
      const lt = await cursor.find(LT);
      if (lt < 0) return;
      if (await cursor.startsWith(COMMENT_START, false)) {
        await cursor.skipPast(COMMENT_END);
      } else if ((await cursor.startsWith(SCRIPT_START, true)) && isTagNameEnd(await cursor.byteAt(SCRIPT_START.length))) {
        const tag = await cursor.readTag();
        if (tag === undefined) continue;
        const content = new ScriptContent(cursor);
        yield { tag, content };
        // Whatever the reader left of the element is skipped.
        for await (const _ of content) void _;
      } else {
        cursor.at++;
      }
    }
  } finally {
    await cursor.close();
  }
}

/** One script element's content, read from the shared cursor up to "</script". */
class ScriptContent implements AsyncIterable<Uint8Array> {
  private finished = false;

  constructor(private readonly cursor: ByteCursor) {}

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    const cursor = this.cursor;
    while (!this.finished) {
      const end = indexOfSequence(cursor.buffer, SCRIPT_END, cursor.at, true);
      if (end >= 0) {
        const last = cursor.take(end);
        this.finished = true;
        cursor.at = end + SCRIPT_END.length;
        await cursor.skipPast(Uint8Array.of(GT));
        if (last.length > 0) yield last;
        return;
      }
      // All but the bytes that could be the start of "</script" split across chunks.
      const safe = Math.max(cursor.at, cursor.buffer.length - (SCRIPT_END.length - 1));
      const bytes = cursor.take(safe);
      if (bytes.length > 0) yield bytes;
      if (!(await cursor.more())) {
        // An unterminated script runs to the end of the page.
        this.finished = true;
        const rest = cursor.take(cursor.buffer.length);
        if (rest.length > 0) yield rest;
      }
    }
  }
}

/** A read position over a chunk stream, holding only the chunk being read (plus a few bytes at a boundary). */
class ByteCursor {
  buffer: Uint8Array = new Uint8Array(0);
  at = 0;
  private ended = false;

  constructor(private readonly iterator: AsyncIterator<Uint8Array>) {}

  /** Appends the next chunk to the unread bytes; false at the end of the input. */
  async more(): Promise<boolean> {
    if (this.ended) return false;
    const next = await this.iterator.next();
    if (next.done) {
      this.ended = true;
      return false;
    }
    const rest = this.buffer.subarray(this.at);
    this.buffer = rest.length === 0 ? next.value : concat(rest, next.value);
    this.at = 0;
    return true;
  }

  /** The bytes from the position up to `end`, moving past them. */
  take(end: number): Uint8Array {
    const bytes = this.buffer.subarray(this.at, end);
    this.at = end;
    return bytes;
  }

  /** Moves to the next `byte`; its index in `buffer`, or -1 (at the end) when there is none. */
  async find(byte: number): Promise<number> {
    for (;;) {
      const found = this.buffer.indexOf(byte, this.at);
      if (found >= 0) return (this.at = found);
      this.at = this.buffer.length;
      if (!(await this.more())) return -1;
    }
  }

  async byteAt(offset: number): Promise<number> {
    while (this.buffer.length - this.at <= offset) if (!(await this.more())) return -1;
    return this.buffer[this.at + offset];
  }

  async startsWith(sequence: Uint8Array, ignoreCase: boolean): Promise<boolean> {
    while (this.buffer.length - this.at < sequence.length) if (!(await this.more())) return false;
    return matchesAt(this.buffer, this.at, sequence, ignoreCase);
  }

  /** Moves past the next occurrence of `sequence` (to the end when there is none). */
  async skipPast(sequence: Uint8Array): Promise<void> {
    for (;;) {
      const found = indexOfSequence(this.buffer, sequence, this.at, false);
      if (found >= 0) {
        this.at = found + sequence.length;
        return;
      }
      this.at = Math.max(this.at, this.buffer.length - (sequence.length - 1));
      if (!(await this.more())) {
        this.at = this.buffer.length;
        return;
      }
    }
  }

  /** The start tag from "<" to ">", moving past it; undefined (moving one byte on) when it has no end. */
  async readTag(): Promise<string | undefined> {
    for (;;) {
      const gt = this.buffer.indexOf(GT, this.at);
      if (gt >= 0) return new TextDecoder().decode(this.take(gt + 1));
      if (this.buffer.length - this.at > MAX_TAG_BYTES || !(await this.more())) {
        this.at++;
        return undefined;
      }
    }
  }

  async close(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    await this.iterator.return?.();
  }
}

function isTagNameEnd(byte: number): boolean {
  // Whitespace, "/" or ">" after "<script"; not "<scripts".
  return byte === GT || byte === 0x2f || byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0c || byte === 0x0d;
}

function indexOfSequence(buffer: Uint8Array, sequence: Uint8Array, from: number, ignoreCase: boolean): number {
  const first = sequence[0];
  for (let i = buffer.indexOf(first, from); i >= 0 && i + sequence.length <= buffer.length; i = buffer.indexOf(first, i + 1)) {
    if (matchesAt(buffer, i, sequence, ignoreCase)) return i;
  }
  return -1;
}

/** `sequence` is lower case; with `ignoreCase`, letters in `buffer` match in either case. */
function matchesAt(buffer: Uint8Array, at: number, sequence: Uint8Array, ignoreCase: boolean): boolean {
  for (let k = 0; k < sequence.length; k++) {
    const b = buffer[at + k];
    if (b !== sequence[k] && !(ignoreCase && b >= 0x41 && b <= 0x5a && (b | 0x20) === sequence[k])) return false;
  }
  return true;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function ascii(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}
