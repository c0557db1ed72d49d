import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { textResult } from "../core/errors.js";
import { fileWriteCount } from "../core/file-writes.js";
import type { ToolConfig } from "../core/tool-config.js";
import { defineTool, type ToolContext, type ToolDefinition } from "../core/tool-registry.js";
import { rgFailure } from "./grep-errors.js";
import { pageText } from "./grep-page.js";
import { closedDuringSearch, closePlan, planGrep, resultKey } from "./grep-plan.js";
import {
  compatSchema,
  type GrepRequest,
  grepArguments,
  RESULT_ORDER,
  standardSchema,
} from "./grep-request.js";
import { ContentResult, type GrepResult, ListResult, type PageFill } from "./grep-result.js";
import { fileCounts, type GrepRun, matchingFiles } from "./grep-runs.js";
import { resolveRgPath } from "./rg-path.js";
import type { RgResult } from "./rg-runner.js";
import { searchDeadline } from "./rg-slots.js";
import { searchCacheFor } from "./search-cache.js";
import { LinePager, SEARCH_OUTPUT_LIMIT } from "./search-output.js";

const DESCRIPTION =
  "Search file contents with a regular expression (ripgrep). Searches hidden files, honours .gitignore " +
  "(also outside git repositories), skips .git, node_modules, binary files and files over the size limit, " +
  "follows directory symlinks. Paths are relative to the searched directory. Use output_mode to get matching " +
  `files (default), matching lines with optional context, or counts. ${RESULT_ORDER} Page with offset and ` +
  "head_limit: the pages of one search together hold every result exactly once. Output is cut at 30000 " +
  "characters with a note saying how to get the rest.";

/** Runs the search for a result nobody kept, filling the page on the way. */
async function search(run: GrepRun, fill: PageFill): Promise<{ result: GrepResult; rg: RgResult }> {
  const { mode } = run.plan.req;
  if (mode === "content") {
    return ContentResult.build(run, fill, searchCacheFor(run.ctx.config).options.sessionBytes / 2);
  }
  const { list, rg } = mode === "count" ? await fileCounts(run) : await matchingFiles(run);
  const result = new ListResult(list, mode === "count", rg.stop === "done");
  await result.serve(run, fill);
  return { result, rg };
}

async function grep(req: GrepRequest, ctx: ToolContext): Promise<CallToolResult> {
  const { config, session } = ctx;
  const deadline = searchDeadline(ctx);
  const plan = await planGrep(req, ctx);
  try {
    const run: GrepRun = { plan, rgPath: await resolveRgPath(config), ctx, deadline };
    const cache = searchCacheFor(config);
    // Read before searching: a write during the search makes its result stale.
    const writes = fileWriteCount(config);
    const key = resultKey(plan);
    const fill: PageFill = {
      pager: new LinePager({ offset: req.offset, headLimit: req.headLimit, maxChars: SEARCH_OUTPUT_LIMIT }),
      more: false,
    };
    // A first page always searches afresh; later pages reuse the result when it is still kept.
    const kept = req.offset > 0 ? cache.get(session, key, writes) : undefined;
    let result: GrepResult;
    let rg: RgResult | undefined;
    let stale: { ageMs: number } | undefined;
    if (kept) {
      result = kept.result;
      rg = await result.serve(run, fill);
      const ageMs = Date.now() - kept.createdAt;
      if (ageMs > cache.options.staleNoteMs) stale = { ageMs };
    } else {
      ({ result, rg } = await search(run, fill));
      if (rg.stop === "done" || rg.stop === "enough") cache.put(session, key, result, writes);
    }
    switch (rg?.stop ?? "done") {
      case "closed":
        throw closedDuringSearch();
      case "cancelled":
        return textResult("Search cancelled.");
      case "timeout": {
        const secs = Math.round(config.searchTimeoutMs / 100) / 10;
        const note =
          `[The search was stopped at its ${secs} s deadline; the results are incomplete. ` +
          "Narrow it with path, include or type, or a more specific pattern.]";
        const empty = fill.pager.lines.length === 0;
        return textResult(
          empty ? `No matches found before the deadline.\n\n${note}` : `${fill.pager.text()}\n\n${note}`,
        );
      }
      default:
        if (rg?.code === 2 && result.complete && result.total === 0) {
          const failure = rgFailure(req, rg.stderr);
          if (failure) throw failure;
        }
        return textResult(pageText(req, result, fill, stale));
    }
  } finally {
    await closePlan(plan);
  }
}

/** The grep tool; it advertises the standard or (compat) Claude Code's names and accepts both. */
export function grepTool(config: ToolConfig): ToolDefinition {
  return defineTool({
    name: "grep",
    description: DESCRIPTION,
    inputSchema: grepArguments,
    advertisedSchema: config.anthropicCompat ? compatSchema : standardSchema,
    annotations: { title: "Search file contents", readOnlyHint: true, openWorldHint: false },
    handler: grep,
  });
}
