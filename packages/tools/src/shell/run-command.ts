import { constants } from "node:os";
import {
  drained,
  type ExitInfo,
  isGroupAlive,
  type ProcessGroup,
  spawnGroup,
  terminate,
} from "@boris-mcp/process-group";
import { OutputBuffer } from "@boris-mcp/session";
import type { StreamName } from "./progress.js";

export interface RunCommandOptions {
  readonly shell: string;
  readonly script: string;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  /** TERM → KILL grace on timeout and cancellation. */
  readonly killGraceMs: number;
  /** How long the pipes are still read after the shell exits. */
  readonly drainMs: number;
  /** Characters kept per stream (head + tail). */
  readonly outputLimit: number;
  /** Aborting kills the command's group (client cancel, HTTP disconnect). */
  readonly signal: AbortSignal;
  /** Sees every chunk while output is collected (progress streaming). */
  readonly onOutput?: (stream: StreamName, chunk: Buffer) => void;
  /** Registers the group with its owner while it runs; returns how to forget it again. */
  readonly track?: (group: ProcessGroup) => () => void;
}

export interface CommandOutcome {
  /** The exit code as a shell reports it: 128 + signal number when killed by a signal. */
  readonly exitCode: number;
  readonly exit: ExitInfo;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
  readonly cancelled: boolean;
}

/** A shell's `$?` for an exit: the code, or 128 + the signal number. */
export function exitCodeOf(exit: { code: number | null; signal: NodeJS.Signals | null }): number {
  if (exit.code !== null) return exit.code;
  const signo = exit.signal ? constants.signals[exit.signal] : undefined;
  return signo !== undefined ? 128 + signo : 1;
}

/**
 * Runs `<shell> -c <script>` as its own process group and collects bounded output. Returns when
 * the shell exits (plus a short drain for output still in the pipes), not when the pipes close:
 * children left running in the background do not hold the call. On timeout or abort the whole
 * group is terminated (TERM → grace → KILL) and the call returns once it is gone.
 * Throws SpawnError when the shell cannot be started.
 */
export async function runCommand(options: RunCommandOptions): Promise<CommandOutcome> {
  const group = spawnGroup(options.shell, ["-c", options.script], { cwd: options.cwd, env: options.env });
  const untrack = options.track?.(group) ?? (() => {});
  const stdout = new OutputBuffer({ limit: options.outputLimit });
  const stderr = new OutputBuffer({ limit: options.outputLimit });
  const { onOutput } = options;
  const onStdout = (chunk: Buffer) => {
    stdout.append(chunk);
    onOutput?.("stdout", chunk);
  };
  const onStderr = (chunk: Buffer) => {
    stderr.append(chunk);
    onOutput?.("stderr", chunk);
  };
  group.stdout.on("data", onStdout);
  group.stderr.on("data", onStderr);

  let timedOut = false;
  let cancelled = false;
  let killing: Promise<void> | undefined;
  const kill = () => {
    killing ??= terminate(group, { graceMs: options.killGraceMs });
  };
  const timer = setTimeout(() => {
    timedOut = true;
    kill();
  }, options.timeoutMs);
  const onAbort = () => {
    cancelled = true;
    kill();
  };
  if (options.signal.aborted) onAbort();
  else options.signal.addEventListener("abort", onAbort, { once: true });

  let exit: ExitInfo;
  try {
    exit = await group.exited;
    clearTimeout(timer);
    await Promise.all([drained(group.stdout, options.drainMs), drained(group.stderr, options.drainMs)]);
    // After a kill, return only once nothing of the group is left.
    if (killing) await killing;
  } finally {
    clearTimeout(timer);
    options.signal.removeEventListener("abort", onAbort);
    // Children left behind may keep writing: keep the pipes flowing into nothing so they never
    // block on a full pipe, but this call's output is final now.
    group.stdout.off("data", onStdout);
    group.stderr.off("data", onStderr);
    group.stdout.resume();
    group.stderr.resume();
  }
  stdout.end();
  stderr.end();
  // While the group still has members (`server &`) its owner keeps it, to kill it on close.
  if (!isGroupAlive(group.pgid)) untrack();
  return {
    exitCode: exitCodeOf(exit),
    exit,
    stdout: stdout.toString(),
    stderr: stderr.toString(),
    timedOut,
    cancelled,
  };
}
