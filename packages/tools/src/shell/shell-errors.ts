import { statSync } from "node:fs";
import path from "node:path";
import { SpawnError } from "@boris-mcp/process-group";
import type { Session } from "@boris-mcp/session";
import { ErrorCode, ToolError } from "../core/errors.js";
import { fromSessionError } from "../core/session-errors.js";

export function isDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/** The closest directory at or above `dir` that still exists. */
function nearestExistingDir(dir: string): string {
  let current = dir;
  while (!isDirectory(current)) {
    const parent = path.dirname(current);
    if (parent === current) return current;
    current = parent;
  }
  return current;
}

/**
 * When the session's tracked cwd no longer exists (deleted by a command), moves the session to its
 * nearest existing parent so that the next call can run at all; returns the directory that was gone,
 * or undefined when the cwd exists.
 */
export function leaveDeletedCwd(session: Session): string | undefined {
  if (isDirectory(session.cwd)) return undefined;
  const gone = session.cwd;
  session.cwd = nearestExistingDir(gone);
  return gone;
}

/**
 * Turns what starting a command can throw into the tool error to return: the session's refusals
 * (SESSION_CLOSED, BASH_TASK_LIMIT) as such; a SpawnError is BASH_START_FAILED naming the shell and
 * the reason, or the deleted cwd (`goneCwd`, from leaveDeletedCwd) and where the session is now.
 * Anything else is rethrown.
 */
export function startError(
  err: unknown,
  shell: string,
  session: Session,
  goneCwd: string | undefined,
): ToolError {
  const refused = fromSessionError(err);
  if (refused) return refused;
  if (!(err instanceof SpawnError)) throw err;
  if (goneCwd !== undefined) {
    return new ToolError(
      ErrorCode.BASH_START_FAILED,
      `could not start the shell ${shell}: the working directory ${goneCwd} no longer exists. The session's working directory is now ${session.cwd}; call again (cd to where you want to be first).`,
    );
  }
  const reason = err.message.replace(/^could not start [^:]*: /, "");
  return new ToolError(
    ErrorCode.BASH_START_FAILED,
    `could not start the shell ${shell}: ${reason}. Check the server's --shell option (it must be an executable that accepts -c <command>).`,
  );
}

export function taskNotFound(id: string): ToolError {
  return new ToolError(
    ErrorCode.BASH_TASK_NOT_FOUND,
    `no background task with id '${id}' in this session. Task ids are per session (another MCP session's ids are unknown here), and a completed task's output can be read only once (task_output or task_kill removes it); start the command again with bash run_in_background: true if you need it.`,
  );
}
