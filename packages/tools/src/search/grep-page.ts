import type { GrepRequest } from "./grep-request.js";
import type { GrepResult, PageFill } from "./grep-result.js";
import { SEARCH_OUTPUT_LIMIT_TEXT } from "./search-output.js";

const NARROW = "path, pattern, include or type";

function unitOf(req: GrepRequest): string {
  if (req.mode === "content") return "lines";
  return req.mode === "count" ? "entries" : "files";
}

/** The result's total for a note: exact when known, else what is known. */
function totalText(result: GrepResult, fill: PageFill): string {
  if (result.complete) return `${result.total}`;
  return `more than ${Math.max(result.total, fill.pager.lastShown)}`;
}

/**
 * How to get the rest when a page does not end the result: every cut (by head_limit or by the
 * character cap) names the offset of the next page.
 */
function moreNote(req: GrepRequest, result: GrepResult, fill: PageFill): string {
  const { pager } = fill;
  const unit = unitOf(req);
  const next = pager.lastShown;
  const limit = SEARCH_OUTPUT_LIMIT_TEXT;
  if (pager.cutInsideLine) {
    return (
      `[Output cut at ${limit} characters: ${unit.replace(/s$/, "")} ${pager.firstShown} alone is longer than that and ` +
      `only its start is shown. Call again with offset=${next} to continue after it, or narrow the search (${NARROW}).]`
    );
  }
  const range =
    pager.firstShown === next ? `${unit.replace(/s$/, "")} ${next}` : `${unit} ${pager.firstShown}-${next}`;
  const shown = `${range} of ${totalText(result, fill)}`;
  if (pager.cut) {
    return (
      `[Output cut at ${limit} characters: showing ${shown}. ` +
      `Call again with offset=${next} to see more, or narrow the search (${NARROW}).]`
    );
  }
  const limitHint = req.headLimit > 0 ? ` (and head_limit=${req.headLimit})` : "";
  return `[Showing ${shown}. Call again with offset=${next}${limitHint} to see more.]`;
}

/** Said when a page came from a result kept from an earlier call that is no longer fresh. */
function staleNote(ageMs: number): string {
  return (
    `[This page comes from the result of this search made ${Math.round(ageMs / 1000)} s ago and kept for ` +
    "paging; edits made through the file tools since would have started a new search, other changes " +
    "are not shown. Call without offset to search again.]"
  );
}

/** The text of a page: its lines and the notes the agent needs (more to get, stale result). */
export function pageText(
  req: GrepRequest,
  result: GrepResult,
  fill: PageFill,
  stale: { ageMs: number } | undefined,
): string {
  const { pager } = fill;
  const notes: string[] = [];
  let text: string;
  if (pager.lines.length === 0) {
    const total = Math.max(result.total, pager.seen);
    if (total === 0 && (result.complete || !fill.more)) {
      text = req.mode === "files_with_matches" ? "No files found" : "No matches found";
    } else if (req.mode === "files_with_matches") {
      text = `No files at offset ${req.offset}: ${total} files matched. Use a smaller offset.`;
    } else {
      const unit = unitOf(req);
      text = `No ${unit} at offset ${req.offset}: the ${req.mode} output has ${total} ${unit}. Use a smaller offset.`;
    }
  } else {
    text = pager.text();
    if (fill.more) notes.push(moreNote(req, result, fill));
  }
  if (stale) notes.push(staleNote(stale.ageMs));
  return notes.length > 0 ? `${text}\n\n${notes.join("\n")}` : text;
}
