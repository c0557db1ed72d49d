/**
 * Output lines kept for later pages, compactly: UTF-8 bytes in one growing buffer and the end of
 * each line in a Uint32Array — no JS string per line while a result waits in the cache.
 */
export class LineStore {
  private bytes = Buffer.allocUnsafe(16 * 1024);
  private used = 0;
  private ends = new Uint32Array(256);
  private count = 0;

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
    const need = this.used + Buffer.byteLength(line);
    if (need > this.bytes.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, need));
      this.bytes.copy(grown, 0, 0, this.used);
      this.bytes = grown;
    }
    this.used += this.bytes.write(line, this.used);
    if (this.count === this.ends.length) {
      const grown = new Uint32Array(this.count * 2);
      grown.set(this.ends);
      this.ends = grown;
    }
    this.ends[this.count++] = this.used;
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

  /** Gives back the spare room of the buffers (once the store is final). */
  compact(): void {
    if (this.bytes.length > this.used) this.bytes = Buffer.from(this.bytes.subarray(0, this.used));
    if (this.ends.length > this.count) this.ends = this.ends.slice(0, this.count);
  }
}
