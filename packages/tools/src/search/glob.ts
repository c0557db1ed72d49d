import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { ErrorCode, ioError, ToolError, textResult } from "../core/errors.js";
import { sessionClosed } from "../core/session-errors.js";
import type { ToolConfig } from "../core/tool-config.js";
import { defineTool, type ToolContext, type ToolDefinition } from "../core/tool-registry.js";
import { findFileLessDirs } from "./glob-dirs.js";
import { GlobListing } from "./glob-listing.js";
import { compatSchema, type GlobRequest, globArguments, standardSchema } from "./glob-request.js";
import { filesArgs } from "./rg-args.js";
import { resolveRgPath } from "./rg-path.js";
import { runRgInSlot, searchDeadline } from "./rg-slots.js";
import { LinePager, LineSplitter, SEARCH_OUTPUT_LIMIT, SEARCH_OUTPUT_LIMIT_TEXT } from "./search-output.js";
import {
  denyPruneGlobs,
  ReportedPathScope,
  resolveSearchRoot,
  type SearchRoot,
  scopeIsOpen,
} from "./search-scope.js";

const DESCRIPTION =
  "Find files and directories by name with a glob pattern. Returns paths relative to the searched directory, " +
  "newest modification first (ties by path). Includes hidden files, honours .gitignore (also outside git " +
  "repositories), skips .git and node_modules, does not descend into directory symlinks. Output is cut at " +
  "30000 characters with a note giving the exact total.";

/** Names the walk never enters (rg's `--glob=!name` exclusions). */
function skippedNames(excludes: readonly string[]): Set<string> {
  return new Set([".git", "node_modules", ...excludes.map((g) => g.replace(/^--glob=!/, ""))]);
}

async function glob(req: GlobRequest, ctx: ToolContext): Promise<CallToolResult> {
  const { config } = ctx;
  const deadline = searchDeadline(ctx);
  let found: SearchRoot;
  try {
    found = await resolveSearchRoot(req.path, ctx);
  } catch (err) {
    if (err instanceof ToolError) throw err;
    throw ioError("glob: stat", req.path ?? ctx.session.cwd, err);
  }
  const { target, stats: st, path: root } = found;
  if (!st) return textResult("No files found");
  if (!st.isDirectory()) {
    throw new ToolError(
      ErrorCode.INVALID_INPUT,
      `glob: ${target} is a file, not a directory. Give the directory to search in 'path'.`,
    );
  }
  const scope = scopeIsOpen(ctx.scope) ? undefined : new ReportedPathScope(root, ctx.scope);
  const rootSlash = root.endsWith("/") ? root : `${root}/`;
  const listing = new GlobListing(req, rootSlash, scope, SEARCH_OUTPUT_LIMIT);
  // Only files are wanted and only their name decides: rg filters by name itself (as a type, which
  // keeps .gitignore in force, where --glob would override it). Directories need every file.
  const { matcher } = req;
  const nameGlobs =
    req.type === "file" && matcher.baseNameGlob !== undefined ? [matcher.baseNameGlob] : undefined;
  const excludes = denyPruneGlobs(ctx.scope);
  const splitter = new LineSplitter(listing.sink, 64 * 1024, 0);
  const rg = await runRgInSlot(
    await resolveRgPath(config),
    { args: filesArgs(excludes, nameGlobs), cwd: root, onChunk: (c) => splitter.push(c) },
    ctx,
    deadline,
  );
  if (rg.stop === "closed") throw sessionClosed();
  if (rg.stop === "cancelled") return textResult("Search cancelled.");
  if (rg.stop === "done") {
    splitter.end();
    if (req.type !== "file") {
      findFileLessDirs({
        rootSlash,
        known: listing.known,
        nlinkOf: listing.nlinkOf,
        skipNames: skippedNames(excludes),
        found: (rel) => listing.addDir(rel),
      });
    }
  }

  const { page } = listing;
  const { total } = page;
  let text: string;
  if (total === 0) {
    text = "No files found";
  } else {
    const pager = new LinePager({ offset: 0, headLimit: 0, maxChars: SEARCH_OUTPUT_LIMIT });
    for (const name of page.names()) if (pager.pushString(name)) break;
    text = pager.text();
    // The page keeps only what can be shown: paths left out are the ones it does not show.
    if (pager.cut || pager.lines.length < total) {
      text +=
        `\n\n[Output cut at ${SEARCH_OUTPUT_LIMIT_TEXT} characters: showing the ` +
        `${pager.lines.length} newest of ${total} paths. Narrow the pattern or the path to see the others.]`;
    }
  }
  if (rg.stop === "timeout") {
    const secs = Math.round(config.searchTimeoutMs / 100) / 10;
    text +=
      `\n\n[The walk was stopped at its ${secs} s deadline; the list is incomplete. ` +
      "Search a smaller directory or a more specific pattern.]";
  }
  return textResult(text);
}

/** The glob tool; in compat mode it advertises only `pattern` and `path` (type is still accepted). */
export function globTool(config: ToolConfig): ToolDefinition {
  return defineTool({
    name: "glob",
    description: DESCRIPTION,
    inputSchema: globArguments,
    advertisedSchema: config.anthropicCompat ? compatSchema : standardSchema,
    annotations: { title: "Find files by name", readOnlyHint: true, openWorldHint: false },
    handler: glob,
  });
}
