/** An environment variable that tags every process a session starts. */
export interface Marker {
  readonly name: string;
  readonly value: string;
}

export interface ExitInfo {
  /** Exit code, or null when the leader was killed by a signal. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A command running as the leader of its own process group. */
export interface ProcessGroup {
  readonly pid: number;
  /** Equals pid: the leader starts a new session and group. */
  readonly pgid: number;
  /** Resolves when the leader exits (not when its pipes close). Never rejects. */
  readonly exited: Promise<ExitInfo>;
  /** The leader's exit once known. */
  readonly exitInfo: ExitInfo | undefined;
}

export interface TerminateOptions {
  /** Time between SIGTERM and SIGKILL, ms. Default DEFAULT_GRACE_MS. */
  readonly graceMs?: number;
}
