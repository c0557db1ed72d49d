import { type ContentSink, contentLines, type WholeContent, wholeContent } from "./grep-content-runs.js";
import { contentFiles, type GrepRun } from "./grep-runs.js";
import { LineStore, returnScratchStore } from "./line-store.js";
import type { MtimeList } from "./mtime-list.js";
import type { RgResult } from "./rg-runner.js";
import type { LinePager } from "./search-output.js";

/**
 * A page being filled: the pager, and whether a line exists after the ones it shows (known once
 * the pager is full and one more line was offered, or the result's total is known).
 */
export interface PageFill {
  readonly pager: LinePager;
  more: boolean;
}

/** Offers a line to the page; true once the page is full and it is known whether more follow. */
function offer(fill: PageFill, line: string): boolean {
  const { pager } = fill;
  if (pager.full) {
    fill.more = true;
    return true;
  }
  pager.pushString(line);
  if (pager.cut && !pager.cutInsideLine) {
    // The line that did not fit is the next one.
    fill.more = true;
    return true;
  }
  return false;
}

/** A grep result in its stated order, complete or the part of it that is known. */
export interface GrepResult {
  /** Every line of the result is known (or can be read again): the total is exact. */
  readonly complete: boolean;
  /** Lines in the result when complete; else lines known so far (a lower bound). */
  readonly total: number;
  /** Memory held. */
  readonly byteSize: number;
  /** Fills a page; may read files again (content results larger than the store). */
  serve(run: GrepRun, fill: PageFill): Promise<RgResult | undefined>;
  /** Nobody serves pages from this result any more (the cache dropped it): its memory may be reused. */
  release(): void;
}

/** files_with_matches and count: one entry per file, all held. */
export class ListResult implements GrepResult {
  readonly complete: boolean;
  private readonly list: MtimeList;
  private readonly withCounts: boolean;

  constructor(list: MtimeList, withCounts: boolean, complete: boolean) {
    this.list = list;
    this.withCounts = withCounts;
    this.complete = complete;
    list.order();
    list.compact();
  }

  get total(): number {
    return this.list.size;
  }

  get byteSize(): number {
    return this.list.byteSize;
  }

  release(): void {}

  async serve(_run: GrepRun, fill: PageFill): Promise<undefined> {
    const { list } = this;
    const order = list.order();
    fill.pager.skipTo(Math.min(fill.pager.offset, order.length));
    for (let i = fill.pager.seen; i < order.length; i++) {
      const entry = order[i] as number;
      const line = this.withCounts ? `${list.name(entry)}:${list.value(entry)}` : list.name(entry);
      if (offer(fill, line)) return undefined;
    }
    fill.more = false;
    return undefined;
  }
}

/**
 * content: the matching files in order, and their output lines as far as the store holds them
 * (whole files only, up to `storeLimit` bytes). Lines past the store are read again from the
 * files, starting at the first file the store does not hold, whenever a page needs them.
 */
export class ContentResult implements GrepResult {
  private readonly files: MtimeList;
  private readonly store: LineStore;
  /** Files (in order) whose lines are all in the store, and the lines they have. */
  private storedFiles = 0;
  private storedLines = 0;
  /** The store holds the whole result. */
  private whole = false;
  /** Lines seen by the first read, past the store included (a lower bound of the total). */
  private seen = 0;
  private released = false;

  private constructor(files: MtimeList, store = new LineStore()) {
    this.files = files;
    this.store = store;
  }

  get complete(): boolean {
    return this.whole;
  }

  get total(): number {
    return this.whole ? this.storedLines : Math.max(this.seen, this.storedLines);
  }

  get byteSize(): number {
    return this.files.byteSize + this.store.byteSize;
  }

  /**
   * Lists the files, then reads their lines in order into the store and the page at once. Reading
   * goes on past a full page while the store has room, so the next pages cost no search.
   */
  static async build(
    run: GrepRun,
    fill: PageFill,
    storeLimit: number,
  ): Promise<{ result: ContentResult; rg: RgResult }> {
    if (!run.plan.file) {
      // Most results fit the store: one parallel walk reads them whole, put in order here.
      const quick = await wholeContent(run, storeLimit);
      // Not whole after a complete run: too big, or a file's lines came apart; read in order instead.
      const useQuick = quick.whole || (quick.rg.stop !== "enough" && quick.rg.stop !== "done");
      const ordered = useQuick
        ? ContentResult.inOrder(quick, run.plan.req.before > 0 || run.plan.req.after > 0)
        : undefined;
      returnScratchStore(quick.lines);
      if (ordered) {
        const result = ordered;
        await result.serve(run, fill);
        return { result, rg: quick.rg };
      }
    }
    const listing = await contentFiles(run);
    const result = new ContentResult(listing.list);
    if (listing.rg.stop !== "done") return { result, rg: listing.rg };
    const order = listing.list.order();
    if (order.length === 0) {
      // Nothing matched (or rg failed: its exit code and message are in listing.rg).
      result.whole = true;
      fill.more = false;
      return { result, rg: listing.rg };
    }
    let storing = true;
    let file = -1;
    let pageDone = false;
    const sink: ContentSink = (line, position) => {
      if (position !== file) {
        file = position;
        if (storing) {
          result.storedFiles = position;
          result.storedLines = result.store.size;
        }
      }
      result.seen++;
      if (storing) {
        result.store.push(line);
        if (result.store.textBytes > storeLimit) {
          // Too big to keep: keep whole files only, and read the rest again when asked.
          storing = false;
          result.store.truncate(result.storedLines);
        }
      }
      if (!pageDone) pageDone = offer(fill, line);
      return pageDone && !storing;
    };
    const rg = await contentLines(run, listing.list, 0, 0, sink);
    if (rg.stop === "done") {
      if (storing) {
        result.storedFiles = order.length;
        result.storedLines = result.store.size;
        result.whole = true;
      }
      if (!pageDone) fill.more = false;
    }
    result.store.compact();
    listing.list.compact();
    return { result, rg };
  }

  /** A result read whole (or cut short by the deadline or a cancel: then not whole). */
  private static inOrder(quick: WholeContent, separated: boolean): ContentResult {
    const { lines, starts, list } = quick;
    // The exact size is known: one allocation, and the lines are moved as bytes, never decoded.
    const separators = separated ? Math.max(0, list.size - 1) : 0;
    const store = LineStore.exact(lines.textBytes + separators * 2, lines.size + separators);
    const result = new ContentResult(list, store);
    for (const entry of list.order()) {
      const from = starts[entry] as number;
      const to = entry + 1 < starts.length ? (starts[entry + 1] as number) : lines.size;
      if (separated && store.size > 0) store.push("--");
      store.pushFrom(lines, from, to);
    }
    store.compact();
    list.compact();
    result.whole = quick.whole;
    result.storedFiles = quick.list.size;
    result.storedLines = store.size;
    result.seen = store.size;
    return result;
  }

  release(): void {
    this.store.release();
    this.released = true;
  }

  async serve(run: GrepRun, fill: PageFill): Promise<RgResult | undefined> {
    // The cache serves only results it holds, synchronously after taking them: never a released one.
    if (this.released) throw new Error("internal error: a released grep result was served");
    const { pager } = fill;
    pager.skipTo(Math.min(pager.offset, this.storedLines));
    for (let i = pager.seen; i < this.storedLines; i++) if (offer(fill, this.store.line(i))) return undefined;
    if (this.whole) {
      fill.more = false;
      return undefined;
    }
    // Past the store: read the files after it again, in order (lines before the offset are counted
    // and skipped by the pager).
    let done = false;
    const rg = await contentLines(run, this.files, this.storedFiles, this.storedLines, (line) => {
      done = offer(fill, line);
      return done;
    });
    if (rg.stop === "done" && !done) fill.more = false;
    return rg;
  }
}
