import { statSync } from "node:fs";
import path from "node:path";
import { SpawnError } from "@boris-mcp/process-group";
import { type Session, SessionError } from "@boris-mcp/session";
import { ErrorCode, ToolError } from "../core/errors.js";

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
 * Turns what starting a command can throw into the tool error to return: SessionError keeps its
 * code (SESSION_CLOSED, BASH_TASK_LIMIT); SpawnError is BASH_START_FAILED naming the shell and the
 * reason. When the reason is that the tracked cwd was deleted, the session moves to the nearest
 * existing parent so that the next call can run at all. Anything else is rethrown.
 */
export function startError(err: unknown, shell: string, session: Session): ToolError {
  if (err instanceof SessionError) return new ToolError(err.code, `${err.message}.`);
  if (!(err instanceof SpawnError)) throw err;
  const reason = err.message.replace(/^could not start [^:]*: /, "");
  if (!isDirectory(session.cwd)) {
    const gone = session.cwd;
    session.cwd = nearestExistingDir(gone);
    return new ToolError(
      ErrorCode.BASH_START_FAILED,
      `could not start the shell ${shell}: the working directory ${gone} no longer exists. The session's working directory is now ${session.cwd}; call again (cd to where you want to be first).`,
    );
  }
  return new ToolError(
    ErrorCode.BASH_START_FAILED,
    `could not start the shell ${shell}: ${reason}. Check the server's --shell option (it must be an executable that accepts -c <command>).`,
  );
}

/** Rethrows SESSION_CLOSED as a tool error. */
export function assertSessionOpen(session: Session): void {
  try {
    session.assertOpen();
  } catch (err) {
    if (err instanceof SessionError) throw new ToolError(err.code, `${err.message}.`);
    throw err;
  }
}

export function taskNotFound(id: string): ToolError {
  return new ToolError(
    ErrorCode.BASH_TASK_NOT_FOUND,
    `no background task with id '${id}' in this session. Task ids are per session (another MCP session's ids are unknown here), and a completed task's output can be read only once (task_output or task_kill removes it); start the command again with bash run_in_background: true if you need it.`,
  );
}
