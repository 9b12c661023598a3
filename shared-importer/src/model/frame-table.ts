// Every distinct function ("frame") is stored once; timelines refer to frames
// by index. Interning by key keeps a 1 GB trace's millions of events down to a
// few thousand strings.

export interface FrameInfo {
  /** Display name, e.g. "renderList" or "(garbage collector)". */
  name: string;
  /** Source file or module, when the trace has one. */
  file?: string;
  /** 1-based line and column, when known. */
  line?: number;
  column?: number;
  /** Trace category ("v8", "blink.user_timing", "disabled-by-default-devtools.timeline", ...). */
  category?: string;
}

export class FrameTable {
  readonly names: string[] = [];
  readonly files: (string | undefined)[] = [];
  readonly lines: (number | undefined)[] = [];
  readonly columns: (number | undefined)[] = [];
  readonly categories: (string | undefined)[] = [];
  private readonly byKey = new Map<string, number>();

  get length(): number {
    return this.names.length;
  }

  /** Returns the index of the frame, adding it the first time its key is seen. */
  intern(info: FrameInfo): number {
    const key = frameKey(info);
    const existing = this.byKey.get(key);
    if (existing !== undefined) return existing;
    const index = this.names.length;
    this.names.push(info.name);
    this.files.push(info.file);
    this.lines.push(info.line);
    this.columns.push(info.column);
    this.categories.push(info.category);
    this.byKey.set(key, index);
    return index;
  }

  /** Fast path for importers whose frames are a bare name. */
  internName(name: string, category?: string): number {
    return this.intern({ name, category });
  }

  get(index: number): FrameInfo {
    return {
      name: this.names[index],
      file: this.files[index],
      line: this.lines[index],
      column: this.columns[index],
      category: this.categories[index],
    };
  }

  /** Stable id for a frame: the same function in the same trace always gets the same id. */
  idOf(index: number): string {
    return `fn${index}`;
  }
}

function frameKey(info: FrameInfo): string {
  // \u0000 cannot occur in names from JSON or text traces, so keys cannot collide.
  return `${info.name}\u0000${info.file ?? ''}\u0000${info.line ?? ''}\u0000${info.column ?? ''}\u0000${info.category ?? ''}`;
}
