import { processIdentity } from "@boris-mcp/process-group";

/**
 * Identity of this server process (`<pid>-<start time>`). Every session marker and the server's
 * cgroup name carry it, so after a crash the next server can tell what no live server owns.
 */
export const SERVER_IDENTITY: string = processIdentity(process.pid) ?? `${process.pid}-0`;

/** The form of a server identity. */
export const SERVER_IDENTITY_PATTERN = /^\d+-\d+$/;

/** Whether the server with `identity` still runs (its pid lives and started at that time). */
export function serverAlive(identity: string): boolean {
  return processIdentity(Number(identity.slice(0, identity.indexOf("-")))) === identity;
}
