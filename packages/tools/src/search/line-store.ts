/**
 * Output lines kept for later pages, compactly: UTF-8 bytes in one growing buffer and the end of
 * each line in a Uint32Array — no JS string per line while a result waits in the cache.
 */
export class LineStore {
  private bytes: Buffer;
  private used = 0;
  private ends: Uint32Array;
  private count = 0;

  /** `bytes` and `lines`: the room to start with (exact when the final size is known: no regrowth). */
  constructor(bytes = 16 * 1024, lines = 256, buffer?: Buffer) {
    this.bytes = buffer ?? Buffer.allocUnsafe(Math.max(1, bytes));
    this.ends = new Uint32Array(Math.max(1, lines));
  }

  /**
   * A store for exactly `bytes` of text in `lines` lines, in the buffer of a released store when one
   * fits (see `release`).
   */
  static exact(bytes: number, lines: number): LineStore {
    return new LineStore(bytes, lines, takeReleased(bytes));
  }

  get size(): number {
    return this.count;
  }

  /** Bytes of line text held. */
  get textBytes(): number {
    return this.used;
  }

  /** Memory held, in bytes. */
  get byteSize(): number {
    return this.bytes.length + this.ends.byteLength;
  }

  push(line: string): void {
    this.reserve(Buffer.byteLength(line));
    this.used += this.bytes.write(line, this.used);
    this.endLine();
  }

  /**
   * Appends the bytes `buf[start, end)` as one line, leaving out NUL bytes (rg's field separators in
   * `lines-nul` output): the line is copied as bytes, never decoded on the way in.
   */
  pushWithoutNuls(buf: Buffer, start: number, end: number): void {
    this.reserve(end - start);
    const { bytes } = this;
    let at = this.used;
    for (let i = start; i < end; i++) {
      const b = buf[i] as number;
      if (b !== 0) bytes[at++] = b;
    }
    this.used = at;
    this.endLine();
  }

  /** Appends lines `from` to `to` (exclusive) of `other`, as bytes. */
  pushFrom(other: LineStore, from: number, to: number): void {
    if (to <= from) return;
    const start = from === 0 ? 0 : (other.ends[from - 1] as number);
    const end = other.ends[to - 1] as number;
    this.reserve(end - start);
    other.bytes.copy(this.bytes, this.used, start, end);
    const shift = this.used - start;
    for (let i = from; i < to; i++) {
      if (this.count === this.ends.length) this.growEnds();
      this.ends[this.count++] = (other.ends[i] as number) + shift;
    }
    this.used += end - start;
  }

  line(i: number): string {
    return this.bytes.toString("utf8", i === 0 ? 0 : this.ends[i - 1], this.ends[i]);
  }

  /** Drops every line from `size` on. */
  truncate(size: number): void {
    if (size >= this.count) return;
    this.count = size;
    this.used = size === 0 ? 0 : (this.ends[size - 1] as number);
  }

  /** Gives back the spare room of the buffers (once the store is final); a little slack stays. */
  compact(): void {
    if (this.bytes.length - this.used > this.bytes.length * SLACK) {
      this.bytes = Buffer.from(this.bytes.subarray(0, this.used));
    }
    if (this.ends.length > this.count) this.ends = this.ends.slice(0, this.count);
  }

  /**
   * Nothing reads this store any more: its buffer goes to the next exact-size store, and the store
   * is left empty (a read after release cannot see another result's lines).
   */
  release(): void {
    keepReleased(this.bytes);
    this.bytes = Buffer.alloc(0);
    this.ends = new Uint32Array(1);
    this.used = 0;
    this.count = 0;
  }

  private reserve(more: number): void {
    const need = this.used + more;
    if (need > this.bytes.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, need));
      this.bytes.copy(grown, 0, 0, this.used);
      this.bytes = grown;
    }
  }

  private endLine(): void {
    if (this.count === this.ends.length) this.growEnds();
    this.ends[this.count++] = this.used;
  }

  private growEnds(): void {
    const grown = new Uint32Array(this.ends.length * 2);
    grown.set(this.ends);
    this.ends = grown;
  }
}

/** The largest scratch store kept for the next search (what a whole-content read may grow to). */
const SCRATCH_MAX_BYTES = 8 * 1024 * 1024;
/** Room a final store may keep unused (a fraction of its buffer), so a released buffer can be reused. */
const SLACK = 1 / 4;
/** Buffers of released stores kept for reuse, at most. */
const RELEASED_MAX = 2;

/**
 * Buffers of results that were dropped (replaced by the same search run again, voided by a write,
 * evicted). V8 frees a buffer only at a full collection, which external memory triggers late (tens
 * of MB), so a result dropped and made anew by each repeated search would leave its megabytes
 * resident until then; reusing them keeps a server that repeats searches flat.
 */
const released: Buffer[] = [];

function keepReleased(buffer: Buffer): void {
  if (buffer.length === 0 || buffer.length > SCRATCH_MAX_BYTES) return;
  released.push(buffer);
  if (released.length > RELEASED_MAX) {
    // Keep the largest: they fit the most results.
    released.sort((a, b) => b.length - a.length);
    released.length = RELEASED_MAX;
  }
}

function takeReleased(bytes: number): Buffer | undefined {
  const at = released.findIndex((b) => b.length >= bytes && b.length - bytes <= b.length * SLACK);
  return at < 0 ? undefined : released.splice(at, 1)[0];
}
let spare: LineStore | undefined;

/**
 * A store for lines that are read, put in order into another store, and dropped (content mode's
 * whole read). Reusing one across searches keeps its megabytes from becoming garbage each time:
 * V8 frees large buffers only at a full collection, so a server doing content searches would hold
 * several dead copies at once. Concurrent searches get fresh stores.
 */
export function takeScratchStore(): LineStore {
  const store = spare ?? new LineStore();
  spare = undefined;
  return store;
}

/** Gives a store from `takeScratchStore` back, emptied, once nothing reads it any more. */
export function returnScratchStore(store: LineStore): void {
  store.truncate(0);
  if (store.byteSize <= SCRATCH_MAX_BYTES) spare = store;
}
