/** Sends `sig` to `pid`; a process that is gone meanwhile is no error (the caller checks what is left). */
export function signalPid(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // Gone meanwhile.
  }
}
