// content mode's rg runs: the whole output in one parallel walk, or the files' lines in their order.
import { pathFilter } from "./grep-plan.js";
import { absolute, type GrepRun, NL, NUL, runGrepRg } from "./grep-runs.js";
import { type LineStore, takeScratchStore } from "./line-store.js";
import { MtimeList } from "./mtime-list.js";
import type { RgResult } from "./rg-runner.js";

/** Path bytes handed to one in-order rg run: far below the kernel's argument limits. */
const BATCH_PATH_BYTES = 96 * 1024;
const BATCH_FILES = 4096;

/** content mode's whole output read in one parallel walk, each file's lines together. */
export interface WholeContent {
  readonly rg: RgResult;
  /**
   * The files with output lines; entry i's lines are `lines[starts[i], starts[i + 1])`, in a scratch
   * store (`returnScratchStore` once they are copied).
   */
  readonly list: MtimeList;
  readonly lines: LineStore;
  readonly starts: readonly number[];
  /** Every line is here: the output stayed within the limit and each file's lines came together. */
  readonly whole: boolean;
}

/**
 * content mode in one parallel rg walk, for outputs up to `limit` bytes: rg prints each file's lines
 * together (in whatever order its threads finish the files), so they are kept per file and put in
 * order afterwards. Stops as soon as the output is over the limit, or a file's lines come apart
 * (then the caller lists the files and reads them in order instead).
 */
export async function wholeContent(r: GrepRun, limit: number): Promise<WholeContent> {
  const p = r.plan;
  const filter = pathFilter(p);
  const list = new MtimeList();
  // Given back by the caller once the lines are in order (returnScratchStore).
  const lines = takeScratchStore();
  const starts: number[] = [];
  const met = new Set<string>();
  let current: string | undefined;
  let keep = false;
  let pendingSeparator = false;
  let whole = true;
  const rg = await runGrepRg(
    r,
    "lines-nul",
    [],
    false,
    (buf, start, end) => {
      const nul = buf.indexOf(NUL, start);
      if (nul < 0 || nul >= end) {
        // `--` between groups; between files it is made again when the files are in order.
        if (end - start === 2 && buf[start] === 0x2d && buf[start + 1] === 0x2d) pendingSeparator = true;
        return false;
      }
      const rel = buf.toString("utf8", start, nul);
      if (rel !== current) {
        current = rel;
        pendingSeparator = false;
        if (met.has(rel)) {
          whole = false;
          return true;
        }
        met.add(rel);
        keep = (!filter || filter(rel)) && list.add(rel, absolute(p, rel));
        if (keep) starts.push(lines.size);
      }
      if (!keep) return false;
      if (pendingSeparator) {
        pendingSeparator = false;
        lines.push("--");
      }
      // The path, then the rest with rg's NUL field separators left out, copied as bytes.
      lines.pushWithoutNuls(buf, start, end);
      if (lines.textBytes > limit) whole = false;
      return !whole;
    },
    NL,
  );
  return { rg, list, lines, starts, whole: whole && rg.stop === "done" };
}

/** Receives content output lines in order, with the order position of their file; true = enough. */
export type ContentSink = (line: string, position: number) => boolean;

/**
 * content mode: the output lines of `files` in their order, from order position `from` on, read
 * with rg searching the files one after the other. Context separators between files are made here
 * (`--` before a file's first line when `separated` and a line came before it), so the output is
 * the same however the files are split across rg runs.
 */
export async function contentLines(
  r: GrepRun,
  files: MtimeList,
  from: number,
  linesBefore: number,
  sink: ContentSink,
): Promise<RgResult> {
  const order = files.order();
  const separated = r.plan.req.before > 0 || r.plan.req.after > 0;
  let emitted = linesBefore > 0;
  let result: RgResult = { code: 0, stop: "done", stderr: "" };
  for (let batchStart = from; batchStart < order.length; ) {
    const names: string[] = [];
    const argv: string[] = [];
    let bytes = 0;
    let end = batchStart;
    while (end < order.length && names.length < BATCH_FILES && bytes < BATCH_PATH_BYTES) {
      const name = files.name(order[end] as number);
      names.push(name);
      argv.push(r.plan.file ? r.plan.file.procPath : name);
      bytes += name.length + 1;
      end++;
    }
    let k = -1; // index in this batch of the file whose lines are coming
    let pendingSeparator = false;
    let done = false;
    result = await runGrepRg(
      r,
      "lines-nul",
      argv,
      true,
      (buf, start, lineEnd) => {
        const nul = buf.indexOf(NUL, start);
        if (nul < 0 || nul >= lineEnd) {
          // `--` between groups; anything else without a path is a notice (a binary file).
          if (lineEnd - start === 2 && buf[start] === 0x2d && buf[start + 1] === 0x2d)
            pendingSeparator = true;
          return false;
        }
        const path = buf.toString("utf8", start, nul);
        if (k < 0 || path !== argv[k]) {
          let next = k + 1;
          while (next < argv.length && argv[next] !== path) next++;
          if (next === argv.length) return false;
          k = next;
          pendingSeparator = separated && emitted;
        }
        const text = buf.toString("utf8", nul + 1, lineEnd).replaceAll("\0", "");
        const position = batchStart + k;
        if (pendingSeparator) {
          pendingSeparator = false;
          done = sink("--", position);
          if (done) return true;
        }
        emitted = true;
        done = sink(names[k] + text, position);
        return done;
      },
      NL,
    );
    if (done || result.stop !== "done") break;
    batchStart = end;
  }
  return result;
}
