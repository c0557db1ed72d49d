import { mtimeOf } from "./mtime.js";

/**
 * Paths with their modification times, listed newest first (ties by name, byte order, so equal
 * mtimes come out in a stable order and offset paging is deterministic): grep's file lists, which
 * are kept whole for paging (glob shows one page and keeps only that: NewestPage).
 *
 * Compact on purpose: the names live as UTF-8 bytes in one growing buffer, the times in a
 * Float64Array; a list of 100k files keeps no per-file JS object, so the heap (and the process's
 * RSS) barely moves. Names are decoded only for the entries actually shown.
 *
 * The stats are synchronous on purpose: measured on a warm 78k-file tree, statSync of 32k paths
 * took ~100 ms where a bounded pool of fs.promises.stat took 350-550 ms and fs.stat callbacks
 * 160-225 ms (the per-call promise/callback overhead dominates a syscall of a few µs). Callers stat
 * one pipe chunk at a time (a few thousand paths at most), so the event loop gets a turn between
 * chunks while rg keeps walking on another core.
 */
export class MtimeList {
  private bytes = Buffer.allocUnsafe(64 * 1024);
  private used = 0;
  private starts: Uint32Array = new Uint32Array(1024);
  private ends: Uint32Array = new Uint32Array(1024);
  private times = new Float64Array(1024);
  private values: Uint32Array = new Uint32Array(1024);
  private count = 0;
  private sorted: Uint32Array | undefined;

  get size(): number {
    return this.count;
  }

  /** Memory held, in bytes (for the search cache's bounds). */
  get byteSize(): number {
    return (
      this.bytes.length + this.starts.byteLength * 3 + this.times.byteLength + (this.sorted?.byteLength ?? 0)
    );
  }

  /** Gives back the spare room of the buffers (once the list is final, e.g. to be kept). */
  compact(): void {
    const n = this.count;
    if (this.bytes.length > this.used) this.bytes = Buffer.from(this.bytes.subarray(0, this.used));
    if (this.starts.length > n) {
      this.starts = this.starts.slice(0, n);
      this.ends = this.ends.slice(0, n);
      this.values = this.values.slice(0, n);
      this.times = this.times.slice(0, n);
    }
  }

  /** The name of entry `i` (in insertion order). */
  name(i: number): string {
    return this.bytes.toString("utf8", this.starts[i], this.ends[i]);
  }

  /** The number stored with entry `i` (grep's per-file count). */
  value(i: number): number {
    return this.values[i] as number;
  }

  /** Sets the number stored with the entry added last. */
  setLastValue(value: number): void {
    this.values[this.count - 1] = value;
  }

  /** Entry indices newest first, ties by name in byte order; computed once. */
  order(): Uint32Array {
    if (!this.sorted) {
      const order = new Uint32Array(this.count);
      for (let i = 0; i < order.length; i++) order[i] = i;
      const before = this.before;
      order.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
      this.sorted = order;
    }
    return this.sorted;
  }

  /**
   * Whether entry `a` comes before entry `b`: newer, or as new with a smaller name (bytes). The
   * names are compared here byte by byte: sibling paths share long prefixes, and a Buffer#compare
   * call per pair cost more than the loop (the kernel's unpacked tree shares one mtime, so ordering
   * it is all name tie-breaks).
   */
  private readonly before = (a: number, b: number): boolean => {
    const t = this.times;
    const ta = t[a] as number;
    const tb = t[b] as number;
    if (ta !== tb) return ta > tb;
    const { bytes, starts, ends } = this;
    let i = starts[a] as number;
    let j = starts[b] as number;
    const endA = ends[a] as number;
    const endB = ends[b] as number;
    for (; i < endA && j < endB; i++, j++) {
      const x = bytes[i] as number;
      const y = bytes[j] as number;
      if (x !== y) return x < y;
    }
    return endA - i < endB - j;
  };

  /**
   * Stats `absPath` (following symlinks) and records `name`; false when it is gone. When `raw` is
   * given, `raw[start, end)` is the name already encoded (the bytes rg printed) and `name` is unused.
   */
  add(name: string, absPath: string, raw?: Buffer, start = 0, end = 0): boolean {
    const time = mtimeOf(absPath);
    if (time === undefined) return false;
    this.addWithTime(time, name, raw, start, end);
    return true;
  }

  /** Records `name` (or the bytes `raw[start, end)`) with a known modification time. */
  addWithTime(mtimeMs: number, name: string, raw?: Buffer, start = 0, end = 0): void {
    if (raw) {
      this.reserve(end - start);
      for (let i = start; i < end; i++) this.bytes[this.used++] = raw[i] as number;
      this.record(this.used - (end - start), mtimeMs);
    } else {
      this.push(name, mtimeMs);
    }
  }

  push(name: string, mtimeMs: number): void {
    this.reserve(Buffer.byteLength(name));
    const start = this.used;
    this.used += this.bytes.write(name, this.used);
    this.record(start, mtimeMs);
  }

  private reserve(need: number): void {
    if (this.used + need > this.bytes.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.used + need));
      this.bytes.copy(grown, 0, 0, this.used);
      this.bytes = grown;
    }
  }

  private record(start: number, mtimeMs: number): void {
    const i = this.count;
    if (i >= this.times.length) {
      this.starts = grow32(this.starts);
      this.ends = grow32(this.ends);
      this.values = grow32(this.values);
      const t = new Float64Array(Math.max(16, i * 2));
      t.set(this.times);
      this.times = t;
    }
    this.starts[i] = start;
    this.ends[i] = this.used;
    this.times[i] = mtimeMs;
    this.values[i] = 0;
    this.count++;
    this.sorted = undefined;
  }
}

function grow32(a: Uint32Array): Uint32Array {
  const g = new Uint32Array(Math.max(16, a.length * 2));
  g.set(a);
  return g;
}
