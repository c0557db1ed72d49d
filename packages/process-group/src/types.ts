import type { ChildProcess } from "node:child_process";
import type { Readable } from "node:stream";

/** An environment variable that tags every process a session starts. */
export interface Marker {
  readonly name: string;
  readonly value: string;
}

export interface SpawnGroupOptions {
  readonly cwd: string;
  /** Extra environment merged over process.env (e.g. the session marker). */
  readonly env?: Readonly<Record<string, string>>;
}

export interface ExitInfo {
  /** Exit code, or null when the leader was killed by a signal. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A command running as the leader of its own process group, stdin from /dev/null. */
export interface ProcessGroup {
  readonly pid: number;
  /** Equals pid: the leader starts a new session and group. */
  readonly pgid: number;
  readonly child: ChildProcess;
  readonly stdout: Readable;
  readonly stderr: Readable;
  /** Resolves when the leader exits (not when its pipes close). Never rejects. */
  readonly exited: Promise<ExitInfo>;
  /** The leader's exit once known. */
  readonly exitInfo: ExitInfo | undefined;
}

export interface TerminateOptions {
  /** Time between SIGTERM and SIGKILL, ms. Default 5000. */
  readonly graceMs?: number;
}
