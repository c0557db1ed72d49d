/**
 * Sends `sig` (0: only asks) to `target` (a pid, or minus a process group's id); false when there
 * is no such process or it may not be signalled. The error Node throws then is thrown away, so it is
 * made without a stack trace: capturing one (async frames included) cost ~0.1 ms on a server's
 * deep call paths, and every finished command's group is asked after once.
 */
export function sendSignal(target: number, sig: NodeJS.Signals | 0): boolean {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    process.kill(target, sig);
    return true;
  } catch {
    return false;
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** Sends `sig` to `pid`; a process that is gone meanwhile is no error (the caller checks what is left). */
export function signalPid(pid: number, sig: NodeJS.Signals): void {
  sendSignal(pid, sig);
}
