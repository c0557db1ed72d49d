import type { Stats } from "node:fs";
import { ErrorCode, ioError, ToolError } from "../core/errors.js";
import type { ToolContext } from "../core/tool-registry.js";
import { openInScope } from "../scope/scoped-open.js";

/**
 * The single file grep searches, opened once by the file tools' descriptor-checked open
 * (`openInScope`, issue 11 §1, §3): rg is handed `/proc/<pid>/fd/<n>`, which names the opened file
 * itself, so a name swapped for a symlink to somewhere else between the scope check and rg's open
 * cannot redirect the search.
 */
export interface CheckedFile {
  /** fstat of the descriptor: exactly what rg searches. */
  readonly stats: Stats;
  /** A path rg can open that names exactly the checked file. */
  readonly procPath: string;
  /** Closes the descriptor (once; later calls do nothing). */
  close(): void;
}

/**
 * Opens `shown` (the path as the caller gave it; `canonical` is what the scope resolved it to a
 * moment ago) through `openInScope` and checks what was opened: a regular file within the size limit.
 */
export async function openCheckedFile(
  ctx: ToolContext,
  shown: string,
  canonical: string,
  tool: string,
): Promise<CheckedFile> {
  const { scope, session, config } = ctx;
  let opened: Awaited<ReturnType<typeof openInScope>>;
  try {
    opened = await openInScope(scope, shown, session.cwd, canonical);
  } catch (err) {
    if (err instanceof ToolError) throw err;
    throw ioError(`${tool}: open`, shown, err);
  }
  if (!opened.ok) throw new ToolError(ErrorCode.ACCESS_DENIED, opened.reason);
  const { file } = opened;
  const { stats } = file;
  if (!stats.isFile()) {
    file.close();
    throw new ToolError(
      ErrorCode.IO_ERROR,
      `${tool}: ${shown} is not a regular file (${kind(stats)}); only regular files and directories can be searched.`,
    );
  }
  if (stats.size > config.maxFileSize) {
    file.close();
    throw new ToolError(
      ErrorCode.FILE_TOO_LARGE,
      `${tool}: ${shown} is ${stats.size} bytes, over the ${config.maxFileSize}-byte file size limit. ` +
        "Search a smaller file, or raise --max-file-size.",
    );
  }
  return { stats, procPath: `/proc/${process.pid}/fd/${file.fd}`, close: () => file.close() };
}

function kind(st: Stats): string {
  if (st.isFIFO()) return "a FIFO";
  if (st.isCharacterDevice()) return "a character device";
  if (st.isBlockDevice()) return "a block device";
  if (st.isSocket()) return "a socket";
  return "not a file";
}
