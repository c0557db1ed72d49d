interface Entry {
  readonly time: number;
  /** The name's UTF-8 bytes (the order's tie-break). */
  readonly bytes: Uint8Array;
  readonly name: string;
}

/** Whether `a` comes after `b` in the stated order: older, or as old with a greater name (bytes). */
function after(a: Entry, b: Entry): boolean {
  if (a.time !== b.time) return a.time < b.time;
  return compareBytes(a.bytes, 0, a.bytes.length, b.bytes) > 0;
}

/** `x[xs, xe)` against all of `y`, in byte order; a loop: these names are short. */
function compareBytes(x: Uint8Array, xs: number, xe: number, y: Uint8Array): number {
  const n = Math.min(xe - xs, y.length);
  for (let i = 0; i < n; i++) {
    const d = (x[xs + i] as number) - (y[i] as number);
    if (d !== 0) return d;
  }
  return xe - xs - y.length;
}

/**
 * The entries of a newest-first list (ties by name, byte order) that can appear on its first page
 * of at most `maxChars` characters (names joined with `\n`), and how many entries there were.
 *
 * glob shows only that first page, so it keeps only what can still be on it: a max-heap of the best
 * entries seen so far, whose worst entry is dropped as soon as the entries before it fill the page
 * (it can never be shown, and neither can anything worse that comes later). A glob matching 32k
 * files keeps ~1000 names instead of all of them, and ordering them is done while ripgrep is still
 * walking: nothing is left to sort once it is done.
 */
export class NewestPage {
  /** Every entry offered. */
  total = 0;
  private readonly maxChars: number;
  /** Max-heap: the entry that comes last is at the top. */
  private readonly heap: Entry[] = [];
  /** Characters the heap's entries take on a page, each with its `\n`. */
  private chars = 0;

  constructor(maxChars: number) {
    this.maxChars = maxChars;
  }

  /** Offers the entry named by the bytes `raw[start, end)` (the decoded name is made only if it is kept). */
  offerBytes(time: number, raw: Buffer, start: number, end: number): void {
    this.total++;
    const top = this.heap[0];
    // Once the kept entries fill the page, one that comes after all of them cannot be shown.
    if (top && this.chars > this.maxChars) {
      const later = time !== top.time ? time < top.time : compareBytes(raw, start, end, top.bytes) > 0;
      if (later) return;
    }
    // A copy by hand: most names fit V8's on-heap typed arrays, cheaper than a Buffer per name.
    const bytes = new Uint8Array(end - start);
    for (let i = start; i < end; i++) bytes[i - start] = raw[i] as number;
    this.keep({ time, bytes, name: raw.toString("utf8", start, end) });
  }

  /** Offers an entry given as a string. */
  offerName(time: number, name: string): void {
    const bytes = Buffer.from(name);
    this.offerBytes(time, bytes, 0, bytes.length);
  }

  /** The kept names in the stated order: the first page's, and possibly a few after it. */
  names(): string[] {
    return [...this.heap].sort((a, b) => (after(a, b) ? 1 : after(b, a) ? -1 : 0)).map((e) => e.name);
  }

  private keep(entry: Entry): void {
    const { heap } = this;
    this.chars += entry.name.length + 1;
    // Sift up (moving parents down into the hole).
    let i = heap.length;
    heap.push(entry);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] as Entry;
      if (!after(entry, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = entry;
    // Drop the last entry while the ones before it already fill the page (beyond maxChars + 1:
    // then not even an empty name would fit after them).
    for (;;) {
      const top = heap[0] as Entry;
      if (this.chars - (top.name.length + 1) <= this.maxChars) break;
      this.chars -= top.name.length + 1;
      this.popTop();
    }
  }

  private popTop(): void {
    const { heap } = this;
    const last = heap.pop() as Entry;
    const n = heap.length;
    if (n === 0) return;
    // Sift `last` down from the root (moving children up into the hole).
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      let child = heap[l] as Entry;
      if (r < n && after(heap[r] as Entry, child)) {
        c = r;
        child = heap[r] as Entry;
      }
      if (!after(child, last)) break;
      heap[i] = child;
      i = c;
    }
    heap[i] = last;
  }
}
