// What only the stress tests ask about processes; the shared questions are in @boris-mcp/test-support.
import { isRunning, markedPids, markedProcesses, procStat } from "@boris-mcp/test-support";

/** `<pid>-<start time>`: the identity a server's session markers start with. */
export function processIdentity(pid: number): string {
  const s = procStat(pid);
  if (!s) throw new Error(`process ${pid} is gone`);
  return `${pid}-${s.startTime}`;
}

/** Live processes started by sessions of the server whose identity is `serverIdentity`. */
export function processesOfServer(serverIdentity: string): number[] {
  return markedPids(`${serverIdentity}.`);
}

/** Live processes started by the session whose marker value is `marker`. */
export function processesOfSession(marker: string): number[] {
  return markedProcesses()
    .filter((p) => p.marker === marker)
    .map((p) => p.pid);
}

/** The recorded pids that are still alive. */
export function survivors(pids: Iterable<number>): number[] {
  return [...pids].filter(isRunning);
}
