import type { Stats } from "node:fs";
import path from "node:path";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { ErrorCode, ioError, ToolError, textResult } from "../core/errors.js";
import { noteFileWritten } from "../core/file-writes.js";
import type { ToolConfig } from "../core/tool-config.js";
import { defineTool, type ToolContext, type ToolDefinition } from "../core/tool-registry.js";
import { makeDirInScope, openDirInScope, type ScopedDirOpen } from "../scope/scoped-dir.js";
import { replaceInDir } from "./atomic-write.js";
import { accessDenied, assertOpen, openScoped, resolveInScope } from "./file-access.js";
import { withPathLock } from "./path-lock.js";
import { tooLarge } from "./size-limits.js";
import { formatSize } from "./text-format.js";
import { type CreateFileRequest, pathField } from "./tool-fields.js";
import { checkViewed, type FileToolNames, recordViewed, STANDARD_NAMES } from "./view-before-edit.js";
import { recheckTarget } from "./write-recheck.js";

export const NEW_FILE_MODE = 0o644;
export const NEW_DIR_MODE = 0o755;

const createFileSchema = z.object({
  path: pathField,
  content: z.string().describe("The complete file content (may be empty). Written as given."),
});

/** What is at the path now: an existing regular file (its real path and stats), or nothing. */
type Existing = { readonly path: string; readonly stats: Stats } | undefined;

async function existingFile(ctx: ToolContext, given: string, resolved: string): Promise<Existing> {
  let file: Awaited<ReturnType<typeof openScoped>>;
  try {
    file = await openScoped(ctx, given, resolved);
  } catch (err) {
    if ((err as NodeJS.ErrnoException)?.code === "ENOENT") return undefined;
    if (err instanceof ToolError) throw err;
    throw ioError("create", given, err);
  }
  file.close();
  if (file.stats.isDirectory()) {
    throw new ToolError(
      ErrorCode.INVALID_INPUT,
      `${given} is a directory; pass the path of a file to create.`,
    );
  }
  if (!file.stats.isFile()) {
    throw new ToolError(
      ErrorCode.IO_ERROR,
      `${given} exists and is not a regular file; create_file writes regular files only.`,
    );
  }
  return { path: file.path, stats: file.stats };
}

/** Shared by `create_file` and `str_replace_editor` (command "create"). */
export async function createFile(
  ctx: ToolContext,
  names: FileToolNames,
  request: CreateFileRequest,
): Promise<CallToolResult> {
  assertOpen(ctx.session);
  const given = request.path;
  const canonical = await resolveInScope(ctx, given);
  const bytes = Buffer.from(request.content, "utf8");
  const limit = ctx.config.maxFileSize;
  if (bytes.length > limit) {
    throw tooLarge(`The content for ${given}`, bytes.length, limit, "Split it into smaller files.");
  }
  return withPathLock(canonical, async () => {
    const existing = await existingFile(ctx, given, canonical);
    // A new file needs no view; replacing one the session has not seen could destroy work.
    if (existing) checkViewed(ctx, names, existing.path, given, existing.stats, "overwrite");
    const target = existing?.path ?? canonical;
    const { scope } = ctx;
    let opened: ScopedDirOpen;
    try {
      opened = existing
        ? await openDirInScope(scope, path.dirname(target), given)
        : await makeDirInScope(scope, path.dirname(target), given, NEW_DIR_MODE);
    } catch (err) {
      throw ioError(existing ? "overwrite" : "create", given, err);
    }
    if (!opened.ok) throw accessDenied(opened.reason);
    const dir = opened.dir;
    const name = path.basename(target);
    try {
      const written = await replaceInDir(dir, name, bytes, {
        ...(existing
          ? { mode: existing.stats.mode, uid: existing.stats.uid, gid: existing.stats.gid }
          : { mode: NEW_FILE_MODE }),
        beforeRename: () =>
          recheckTarget(ctx, dir, name, {
            given,
            names,
            action: existing ? "overwrite" : "create",
            expected: existing?.stats,
            // Without view-before-edit an overwrite is what was asked for; only a swap is refused.
            requireUnchanged: ctx.config.requireViewBeforeEdit,
          }),
      });
      recordViewed(ctx.session, target, written);
      noteFileWritten(ctx.config);
    } catch (err) {
      if (err instanceof ToolError) throw err;
      throw ioError(existing ? "overwrite" : "create", given, err);
    } finally {
      await dir.close().catch(() => {});
    }
    const size = `${formatSize(bytes.length)}${bytes.length >= 1024 ? `, ${bytes.length} bytes` : ""}`;
    return textResult(existing ? `Overwrote ${given} (${size}).` : `Created ${given} (${size}).`);
  });
}

export function createFileTool(config: ToolConfig): ToolDefinition {
  const rule = config.requireViewBeforeEdit
    ? " Overwriting an existing file requires viewing it in this session first (and it must not have changed since); a new file needs no view."
    : "";
  return defineTool({
    name: "create_file",
    description:
      "Create a file with the given content, or replace an existing file's content entirely. Missing parent directories are created. " +
      `Content over ${formatSize(config.maxFileSize)} is refused. An overwritten file keeps its mode; the write is atomic. ` +
      "For changes to part of a file prefer str_replace." +
      rule,
    inputSchema: createFileSchema,
    annotations: {
      title: "Create or overwrite a file",
      readOnlyHint: false,
      destructiveHint: true,
      openWorldHint: false,
    },
    handler: (args, ctx) => createFile(ctx, STANDARD_NAMES, args),
  });
}
