import type { Stats } from "node:fs";
import path from "node:path";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { ErrorCode, ioError, ToolError, textResult } from "../core/errors.js";
import { noteFileWritten } from "../core/file-writes.js";
import type { ToolConfig } from "../core/tool-config.js";
import { defineTool, type ToolContext, type ToolDefinition } from "../core/tool-registry.js";
import { openDirInScope, type ScopedDir } from "../scope/scoped-dir.js";
import type { ScopedFile } from "../scope/scoped-open.js";
import { TempFile } from "./atomic-write.js";
import { giveBackReadBuffer, readUpTo, takeReadBuffer } from "./bounded-read.js";
import { accessDenied, assertOpen, openScoped, resolveInScope } from "./file-access.js";
import { withPathLock } from "./path-lock.js";
import { tooLarge } from "./size-limits.js";
import {
  type AppliedEdit,
  applyPlan,
  decodeText,
  editSnippet,
  type MatchPlan,
  matchPlan,
} from "./text-edit.js";
import { formatSize } from "./text-format.js";
import { pathField, type StrReplaceRequest } from "./tool-fields.js";
import { checkViewed, type FileToolNames, recordViewed, STANDARD_NAMES } from "./view-before-edit.js";
import { recheckTarget } from "./write-recheck.js";

export { SNIPPET_CONTEXT_LINES } from "./text-edit.js";

const strReplaceSchema = z.object({
  path: pathField,
  old_str: z
    .string()
    .min(1)
    .describe(
      "Exact text to replace, including whitespace and indentation; must occur exactly once unless replace_all.",
    ),
  new_str: z.string().default("").describe('Replacement text; "" deletes old_str.'),
  replace_all: z
    .boolean()
    .default(false)
    .describe("Replace every occurrence instead of requiring exactly one."),
});

/** Shared by `str_replace` and `str_replace_editor` (command "str_replace"). */
export async function strReplace(
  ctx: ToolContext,
  names: FileToolNames,
  request: StrReplaceRequest,
): Promise<CallToolResult> {
  assertOpen(ctx.session);
  if (request.old_str === "") {
    throw new ToolError(
      ErrorCode.INVALID_INPUT,
      "old_str is empty; pass the exact text to replace (to write a whole file, use create_file).",
    );
  }
  if (request.old_str === request.new_str) {
    throw new ToolError(
      ErrorCode.INVALID_INPUT,
      "old_str and new_str are identical, so there is nothing to change.",
    );
  }
  // Opened under the lock: an edit queued behind another one of the same file reads its result.
  const canonical = await resolveInScope(ctx, request.path);
  return withPathLock(canonical, async () => {
    const file = await openForEdit(ctx, request.path, canonical);
    try {
      return await editFile(ctx, names, request, file);
    } finally {
      file.close();
    }
  });
}

async function openForEdit(ctx: ToolContext, given: string, resolved: string): Promise<ScopedFile> {
  let file: ScopedFile;
  try {
    file = await openScoped(ctx, given, resolved);
  } catch (err) {
    if ((err as NodeJS.ErrnoException)?.code === "ENOENT") {
      throw new ToolError(
        ErrorCode.PATH_NOT_FOUND,
        `${given} does not exist. Check the path (relative paths resolve against the current working directory), or use create_file to create a new file.`,
      );
    }
    if (err instanceof ToolError) throw err;
    throw ioError("stat", given, err);
  }
  const st = file.stats;
  if (st.isFile()) return file;
  file.close();
  if (st.isDirectory()) {
    throw new ToolError(ErrorCode.INVALID_INPUT, `${given} is a directory; str_replace edits a file.`);
  }
  throw new ToolError(
    ErrorCode.IO_ERROR,
    `${given} is not a regular file; str_replace edits regular files only.`,
  );
}

/** Where the edit is written: the checked directory and a temp file in it. */
interface PreparedWrite {
  readonly dir: ScopedDir;
  readonly temp: TempFile;
}

/** Opens the file's (real) directory in scope and creates the temp file, while the file is read. */
async function prepareWrite(
  ctx: ToolContext,
  real: string,
  given: string,
  mode: number,
): Promise<PreparedWrite> {
  const opened = await openDirInScope(ctx.scope, path.dirname(real), given);
  if (!opened.ok) throw accessDenied(opened.reason);
  try {
    return { dir: opened.dir, temp: await TempFile.create(opened.dir, path.basename(real), mode) };
  } catch (err) {
    await opened.dir.close().catch(() => {});
    throw err;
  }
}

/** The edit of `raw` as pieces to write, or the reason there is nothing to write. */
function applyEdit(
  raw: Buffer,
  request: StrReplaceRequest,
  limit: number,
): { edit: AppliedEdit; plan: MatchPlan } {
  const given = request.path;
  const decoded = decodeText(raw, given);
  const plan = matchPlan(decoded.body, request.old_str, request.new_str);
  if (plan.count === 0) {
    throw new ToolError(
      ErrorCode.STR_REPLACE_NOT_FOUND,
      `old_str was not found in ${given}. It must match the file exactly, including whitespace, indentation and line breaks; view the file and copy the text from it.`,
    );
  }
  if (plan.count > 1 && !request.replace_all) {
    throw new ToolError(
      ErrorCode.STR_REPLACE_AMBIGUOUS,
      `old_str occurs ${plan.count} times in ${given}. Add surrounding lines to old_str so it matches exactly one place, or pass replace_all: true to replace all ${plan.count}.`,
    );
  }
  const edit = applyPlan(decoded, plan, request.replace_all);
  if (edit.size > limit) {
    throw tooLarge(`the edited ${given}`, edit.size, limit, "Make a smaller change, or split the file.");
  }
  return { edit, plan };
}

/**
 * Reads, edits and rewrites the opened file; runs under the file's edit lock. The directory and
 * temp file are prepared while the file is read (they do not depend on its content), so the edit
 * costs about as many filesystem round trips as a bare read plus atomic write.
 */
async function editFile(
  ctx: ToolContext,
  names: FileToolNames,
  request: StrReplaceRequest,
  file: ScopedFile,
): Promise<CallToolResult> {
  const given = request.path;
  const limit = ctx.config.maxFileSize;
  const { path: real, stats: st } = file;
  if (st.size > limit) throw tooLarge(given, st.size, limit, "Edit it with bash (e.g. sed) instead.");
  checkViewed(ctx, names, real, given, st, "edit");
  // Settled here, consumed below: a failed read must not leave a rejection unhandled.
  const prepared = prepareWrite(ctx, real, given, st.mode).then(
    (write) => ({ write }),
    (error: unknown) => ({ error }),
  );
  let write: PreparedWrite | undefined;
  let committed = false;
  const buffer = takeReadBuffer(st.size + 1);
  try {
    let raw: Buffer;
    try {
      raw = await readUpTo(file.fd, limit + 1, st.size, buffer);
    } catch (err) {
      throw ioError("read", given, err);
    }
    // The rest works from the bytes read; the descriptor can go while it does.
    file.close();
    if (raw.length > limit) throw tooLarge(given, raw.length, limit, "Edit it with bash (e.g. sed) instead.");
    const { edit, plan } = applyEdit(raw, request, limit);
    const ready = await prepared;
    if ("error" in ready) {
      throw ready.error instanceof ToolError ? ready.error : ioError("write", given, ready.error);
    }
    write = ready.write;
    const { dir } = write;
    const name = path.basename(real);
    committed = true;
    let written: Stats;
    try {
      written = await write.temp.commit(edit.pieces, {
        mode: st.mode,
        uid: st.uid,
        gid: st.gid,
        beforeRename: () =>
          recheckTarget(ctx, dir, name, {
            given,
            names,
            action: "edit",
            expected: st,
            requireUnchanged: true,
          }),
      });
    } catch (err) {
      throw err instanceof ToolError ? err : ioError("write", given, err);
    }
    // What this session wrote counts as seen: the next edit needs no new view.
    recordViewed(ctx.session, real, written);
    noteFileWritten(ctx.config);
    return confirmation(request, edit, plan);
  } finally {
    // The pieces written are views of the read buffer: it is free again only now.
    giveBackReadBuffer(buffer);
    if (!write) {
      const ready = await prepared;
      write = "write" in ready ? ready.write : undefined;
    }
    if (write && !committed) await write.temp.discard();
    await write?.dir.close().catch(() => {});
  }
}

function confirmation(request: StrReplaceRequest, edit: AppliedEdit, plan: MatchPlan): CallToolResult {
  const shown = editSnippet(edit.window, edit.at, plan.new, edit.windowFirstLine);
  const what = request.replace_all
    ? `replaced ${plan.count} occurrence${plan.count === 1 ? "" : "s"}`
    : "replaced 1 occurrence";
  const where = request.replace_all && plan.count > 1 ? " (around the first replacement)" : "";
  return textResult(
    `Edited ${request.path}: ${what} (now ${formatSize(edit.size)}). Lines ${shown.from}-${shown.to}${where}:\n${shown.body}`,
  );
}

export function strReplaceTool(config: ToolConfig): ToolDefinition {
  const rule = config.requireViewBeforeEdit
    ? " The file must have been viewed (or written) in this session and not changed on disk since; otherwise view it first."
    : "";
  return defineTool({
    name: "str_replace",
    description:
      "Edit a text file by replacing an exact string. old_str must match the file exactly (whitespace and indentation included) " +
      "and occur exactly once; include enough surrounding lines to make it unique, or set replace_all to replace every occurrence. " +
      'new_str "" deletes the text. The result shows the edited lines with their numbers. ' +
      "Line endings (CRLF files accept \\n in old_str/new_str), a UTF-8 BOM and the file mode are preserved; the write is atomic." +
      rule,
    inputSchema: strReplaceSchema,
    annotations: {
      title: "Replace text in a file",
      readOnlyHint: false,
      destructiveHint: true,
      openWorldHint: false,
    },
    handler: (args, ctx) => strReplace(ctx, STANDARD_NAMES, args),
  });
}
