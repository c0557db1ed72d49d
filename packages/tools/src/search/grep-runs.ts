// The rg runs of one grep call, and the runs that list files (files_with_matches, count, content's files).
import type { ToolContext } from "../core/tool-registry.js";
import { type GrepPlan, pathFilter } from "./grep-plan.js";
import { MtimeList } from "./mtime-list.js";
import { type GrepOutputShape, grepArgs } from "./rg-args.js";
import type { RgResult } from "./rg-runner.js";
import { runRgInSlot } from "./rg-slots.js";
import { type LineSink, LineSplitter, SEARCH_OUTPUT_LIMIT } from "./search-output.js";

/** What every rg run of one grep call shares. */
export interface GrepRun {
  readonly plan: GrepPlan;
  readonly rgPath: string;
  readonly ctx: ToolContext;
  /** When the call must be over (Date.now() scale). */
  readonly deadline: number;
}

/** Longest line kept while splitting rg's output: the cap plus room for a path, in UTF-8 bytes. */
const MAX_LINE_BYTES = SEARCH_OUTPUT_LIMIT * 4 + 8192;
export const NUL = 0;
export const NL = 0x0a;

/** One rg run of a grep call over `paths` (none: the walk), its output lines handed to `sink`. */
export async function runGrepRg(
  r: GrepRun,
  shape: GrepOutputShape,
  paths: readonly string[],
  inOrder: boolean,
  sink: LineSink,
  delimiter: number,
): Promise<RgResult> {
  const { req } = r.plan;
  const args = grepArgs({
    pattern: req.pattern,
    shape,
    caseInsensitive: req.caseInsensitive,
    multiline: req.multiline,
    lineNumbers: req.lineNumbers,
    before: req.mode === "content" ? req.before : 0,
    after: req.mode === "content" ? req.after : 0,
    maxFileSize: r.ctx.config.maxFileSize,
    // Explicitly named files are searched whatever the filters say; the walk applied them.
    typeGlobs: paths.length > 0 ? undefined : r.plan.typeGlobs,
    excludes: paths.length > 0 ? [] : r.plan.excludes,
    paths,
    inOrder,
  });
  const splitter = new LineSplitter(sink, MAX_LINE_BYTES, delimiter);
  const result = await runRgInSlot(
    r.rgPath,
    { args, cwd: r.plan.cwd, onChunk: (chunk) => splitter.push(chunk) },
    r.ctx,
    r.deadline,
  );
  if (result.stop === "done") splitter.end();
  return result;
}

/** The walk's root for a directory search, the checked file's /proc path for a single file. */
function walkPaths(p: GrepPlan): string[] {
  return p.file ? [p.file.procPath] : [];
}

/** The absolute path of `rel`, a path rg reported relative to the searched root. */
export function absolute(p: GrepPlan, rel: string): string {
  return p.root.endsWith("/") ? p.root + rel : `${p.root}/${rel}`;
}

export interface FileListing {
  readonly list: MtimeList;
  readonly rg: RgResult;
}

/** The matching files with their mtimes (files_with_matches, and the files of content mode). */
export async function matchingFiles(r: GrepRun): Promise<FileListing> {
  const p = r.plan;
  const list = new MtimeList();
  const filter = pathFilter(p);
  const rg = await runGrepRg(
    r,
    "files",
    walkPaths(p),
    false,
    (buf, start, end) => {
      if (end === start) return false;
      if (p.file) {
        list.addWithTime(p.file.stats.mtimeMs, p.label);
        return false;
      }
      const rel = buf.toString("utf8", start, end);
      if (filter && !filter(rel)) return false;
      list.add(rel, absolute(p, rel), buf, start, end);
      return false;
    },
    NUL,
  );
  return { list, rg };
}

/** The files to read in content mode: every matching file, or the one file searched. */
export async function contentFiles(r: GrepRun): Promise<FileListing> {
  const { file, label } = r.plan;
  if (!file) return matchingFiles(r);
  const list = new MtimeList();
  list.addWithTime(file.stats.mtimeMs, label);
  return { list, rg: { code: 0, stop: "done", stderr: "" } };
}

/** count mode: matching lines per file (with multiline, the lines the matches span). */
export async function fileCounts(r: GrepRun): Promise<FileListing> {
  const p = r.plan;
  const list = new MtimeList();
  const filter = pathFilter(p);
  const record = (rel: string, n: number): void => {
    if (p.file) list.addWithTime(p.file.stats.mtimeMs, p.label);
    else if (!filter || filter(rel)) list.add(rel, absolute(p, rel));
    else return;
    list.setLastValue(n);
  };
  if (!p.req.multiline) {
    const rg = await runGrepRg(
      r,
      "count-nul",
      walkPaths(p),
      false,
      (buf, start, end) => {
        const nul = buf.indexOf(NUL, start);
        if (nul < 0 || nul >= end) return false;
        record(buf.toString("utf8", start, nul), Number(buf.toString("latin1", nul + 1, end)));
        return false;
      },
      NL,
    );
    return { list, rg };
  }
  // rg -c counts matches in multiline mode; the spec counts lines: count rg's match lines per file.
  let current: string | undefined;
  let n = 0;
  const rg = await runGrepRg(
    r,
    "lines-nul",
    walkPaths(p),
    false,
    (buf, start, end) => {
      const nul = buf.indexOf(NUL, start);
      if (nul < 0 || nul >= end) return false;
      const rel = buf.toString("utf8", start, nul);
      if (rel === current) {
        n++;
        return false;
      }
      if (current !== undefined) record(current, n);
      current = rel;
      n = 1;
      return false;
    },
    NL,
  );
  if (current !== undefined && rg.stop === "done") record(current, n);
  return { list, rg };
}
