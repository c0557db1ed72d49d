import type { Stats } from "node:fs";
import { chmod, mkdir, stat } from "node:fs/promises";
import path from "node:path";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { ErrorCode, ioError, ToolError, textResult } from "../core/errors.js";
import { noteFileWritten } from "../core/file-writes.js";
import type { ToolConfig } from "../core/tool-config.js";
import { defineTool, type ToolContext, type ToolDefinition } from "../core/tool-registry.js";
import { atomicWrite } from "./atomic-write.js";
import {
  assertOpen,
  checkViewed,
  type FileToolNames,
  formatSize,
  recordViewed,
  resolveInScope,
  STANDARD_NAMES,
  tooLarge,
} from "./file-common.js";
import { withPathLock } from "./path-lock.js";
import { pathField } from "./view.js";

export const NEW_FILE_MODE = 0o644;
export const NEW_DIR_MODE = 0o755;

const createFileSchema = z.object({
  path: pathField,
  content: z.string().describe("The complete file content (may be empty). Written as given."),
});

/** mkdir -p with exactly NEW_DIR_MODE on every directory it creates, whatever the umask. */
async function makeParents(dir: string): Promise<void> {
  const firstCreated = await mkdir(dir, { recursive: true, mode: NEW_DIR_MODE });
  if (firstCreated === undefined) return;
  const rel = path.relative(firstCreated, dir);
  let current = firstCreated;
  await chmod(current, NEW_DIR_MODE);
  for (const part of rel === "" ? [] : rel.split(path.sep)) {
    current = path.join(current, part);
    await chmod(current, NEW_DIR_MODE);
  }
}

/** Shared by `create_file` and `str_replace_editor` (command "create"). */
export async function createFile(
  ctx: ToolContext,
  names: FileToolNames,
  given: string,
  content: string,
): Promise<CallToolResult> {
  assertOpen(ctx.session);
  const canonical = await resolveInScope(ctx, given);
  const bytes = Buffer.from(content, "utf8");
  const limit = ctx.config.maxFileSize;
  if (bytes.length > limit) {
    throw tooLarge(`The content for ${given}`, bytes.length, limit, "Split it into smaller files.");
  }
  return withPathLock(ctx.session, canonical, async () => {
    let existing: Stats | undefined;
    try {
      existing = await stat(canonical);
    } catch (err) {
      if ((err as NodeJS.ErrnoException)?.code !== "ENOENT") throw ioError("create", given, err);
    }
    if (existing?.isDirectory()) {
      throw new ToolError(
        ErrorCode.INVALID_INPUT,
        `${given} is a directory; pass the path of a file to create.`,
      );
    }
    if (existing && !existing.isFile()) {
      throw new ToolError(
        ErrorCode.IO_ERROR,
        `${given} exists and is not a regular file; create_file writes regular files only.`,
      );
    }
    // A new file needs no view; replacing one the session has not seen could destroy work.
    if (existing) checkViewed(ctx, names, canonical, given, existing, "overwrite");
    try {
      if (!existing) await makeParents(path.dirname(canonical));
      const written = await atomicWrite(
        canonical,
        bytes,
        existing ? { mode: existing.mode, uid: existing.uid, gid: existing.gid } : { mode: NEW_FILE_MODE },
      );
      recordViewed(ctx.session, canonical, written.stats);
      noteFileWritten(ctx.config);
    } catch (err) {
      throw ioError(existing ? "overwrite" : "create", given, err);
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
    handler: (args, ctx) => createFile(ctx, STANDARD_NAMES, args.path, args.content),
  });
}
