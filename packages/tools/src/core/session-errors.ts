import { type Session, SessionError } from "@boris-mcp/session";
import { ErrorCode, ToolError } from "./errors.js";

/** The one text of SESSION_CLOSED, whichever tool meets the closed session. */
const SESSION_CLOSED_MESSAGE = "this session is closed; reconnect to start a new session.";

/** SESSION_CLOSED as a tool error. */
export function sessionClosed(): ToolError {
  return new ToolError(ErrorCode.SESSION_CLOSED, SESSION_CLOSED_MESSAGE);
}

/** Throws SESSION_CLOSED once the session's close has begun. */
export function assertSessionOpen(session: Session): void {
  if (session.closed) throw sessionClosed();
}

/**
 * The tool error for a SessionError (SESSION_CLOSED, BASH_TASK_LIMIT), or undefined for anything
 * else. Every translation of the session's refusals goes through here.
 */
export function fromSessionError(err: unknown): ToolError | undefined {
  if (!(err instanceof SessionError)) return undefined;
  if (err.code === "SESSION_CLOSED") return sessionClosed();
  return new ToolError(ErrorCode.BASH_TASK_LIMIT, `${err.message}.`);
}
