import { constants } from "node:os";
import type { CgroupLauncher } from "../cgroup/cgroup-launcher.js";
import { type SpawnedGroup, spawnGroup } from "../group/spawn.js";
import { DEFAULT_GRACE_MS, terminate } from "../group/terminate.js";
import { type KillObserver, KillTally } from "../kill-tally.js";
import type { ExitInfo, ProcessGroup } from "../types.js";
import { OutputBuffer } from "./output-buffer.js";
import { PipeReader } from "./pipe-reader.js";

/** Why a run ended: by itself, or which of the ways of ending it came first. */
export type TerminationReason = "exited" | "timeout" | "cancelled" | "killed" | "session-closed";

export type StreamName = "stdout" | "stderr";

/** What gets spawned. */
export interface Command {
  readonly file: string;
  readonly args: readonly string[];
}

export interface RunOptions {
  readonly cwd: string;
  /** Extra environment merged over process.env (e.g. the session marker). */
  readonly env?: Readonly<Record<string, string>>;
  /** Characters kept per stream in the head + tail buffers `run.stdout`/`run.stderr`; 0 (default): none. */
  readonly outputLimit?: number;
  /**
   * Sees each chunk as it is read. The chunk's memory is reused for the next read: copy what you
   * keep. A throw ends the run (reason `killed`) and rejects `result` with the error.
   */
  readonly onOutput?: (stream: StreamName, chunk: Buffer) => void;
  /** Terminates the command after this many ms (reason `timeout`); 0 or absent: never. */
  readonly timeoutMs?: number;
  /** Aborting terminates the command (reason `cancelled`). */
  readonly signal?: AbortSignal;
  /** TERM → KILL grace, ms. Default DEFAULT_GRACE_MS. */
  readonly graceMs?: number;
  /**
   * How long output is still read after the leader exits, ms: children it left behind may hold the
   * pipes forever. Absent: until every writer has closed them.
   */
  readonly drainMs?: number;
  /**
   * On any kill, stop reading at once (closing our ends, so a command still writing gets EPIPE):
   * for a consumer that wants nothing written after it gave up, such as a search past its deadline.
   */
  readonly closeOutputOnKill?: boolean;
  /** Written to the command's file descriptor 3, then closed: data too big for an argument. */
  readonly fd3Input?: string;
  /**
   * Rewrites the command just before it is spawned: the place for containment that must hold before
   * the command runs (a wrapper that enters a cgroup, then execs the command).
   */
  readonly wrap?: (command: Command) => Command;
  /**
   * Starts the (wrapped) command inside a cgroup from its first instruction, through a process
   * that entered the cgroup ahead of time when one is ready (see CgroupLauncher).
   */
  readonly launcher?: CgroupLauncher;
  /** Told how many processes each kill of this run signalled (kill path `group`). */
  readonly onKilled?: KillObserver;
}

export interface RunResult {
  /** How the leader ended. */
  readonly exit: ExitInfo;
  /** As a shell's `$?`: the exit code, or 128 + the signal number. */
  readonly exitCode: number;
  readonly reason: TerminationReason;
  /** The kept output (empty without `outputLimit`). */
  readonly stdout: string;
  readonly stderr: string;
}

/** A shell's `$?` for an exit: the code, or 128 + the signal number. */
export function exitCodeOf(exit: ExitInfo): number {
  if (exit.code !== null) return exit.code;
  const signo = exit.signal ? constants.signals[exit.signal] : undefined;
  return signo !== undefined ? 128 + signo : 1;
}

/**
 * A command running as the leader of its own process group, stdin from /dev/null, its output read
 * into one reused buffer per pipe. `result` resolves when the leader has exited and its output is
 * final (plus the drain), not when the pipes close: children left running keep their pipes flowing
 * into nothing and are the owner's to end (`kill()` ends whatever is left in the group).
 */
export class Run implements ProcessGroup {
  readonly pid: number;
  readonly pgid: number;
  readonly exited: Promise<ExitInfo>;
  /** Resolves once the leader exited, the output is final and any kill is over. */
  readonly result: Promise<RunResult>;
  readonly stdout: OutputBuffer;
  readonly stderr: OutputBuffer;

  private readonly group: SpawnedGroup;
  private readonly readers: PipeReader[];
  private readonly graceMs: number;
  private readonly closeOutputOnKill: boolean;
  private readonly onKilled: KillObserver | undefined;
  private recordedReason: TerminationReason | undefined;
  private killing: Promise<void> | undefined;
  private outputError: { error: unknown } | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(file: string, args: readonly string[], options: RunOptions) {
    const command = options.wrap ? options.wrap({ file, args }) : { file, args };
    const fd3 = options.fd3Input !== undefined;
    this.group = options.launcher
      ? options.launcher.start(command, { cwd: options.cwd, env: options.env ?? {}, fd3 }, file)
      : spawnGroup(command.file, command.args, {
          cwd: options.cwd,
          env: options.env,
          fd3,
          wrapped: command.file === file ? undefined : file,
        });
    this.onKilled = options.onKilled;
    this.pid = this.group.pid;
    this.pgid = this.group.pgid;
    this.graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
    this.closeOutputOnKill = options.closeOutputOnKill === true;
    const limit = options.outputLimit ?? 0;
    this.stdout = new OutputBuffer({ limit });
    this.stderr = new OutputBuffer({ limit });
    const { pipes } = this.group;
    // Before any read: the readers take the pipes over in this same tick.
    this.readers = [
      new PipeReader(pipes.stdout, this.sink("stdout", this.stdout, limit > 0, options.onOutput)),
      new PipeReader(pipes.stderr, this.sink("stderr", this.stderr, limit > 0, options.onOutput)),
    ];
    if (options.fd3Input !== undefined) {
      const fd3 = pipes.fd3!;
      // The command may exit without reading it all (EPIPE): nothing to report.
      fd3.on("error", () => {});
      fd3.end(options.fd3Input);
    }
    if (options.timeoutMs && options.timeoutMs > 0) {
      this.timer = setTimeout(() => void this.kill("timeout"), options.timeoutMs);
      // The child itself keeps the event loop alive while it runs.
      this.timer.unref();
    }
    this.exited = this.group.exited.then((exit) => {
      clearTimeout(this.timer);
      return exit;
    });
    const { signal } = options;
    const onAbort = () => void this.kill("cancelled");
    if (signal?.aborted) onAbort();
    else signal?.addEventListener("abort", onAbort, { once: true });
    this.result = this.settle(options.drainMs).finally(() => {
      signal?.removeEventListener("abort", onAbort);
      // The next command's spare, made in a later event-loop turn (its spawn blocks the loop).
      options.launcher?.prepare();
    });
    // Only a throwing onOutput rejects it, and its caller awaits it; never an unhandled rejection.
    this.result.catch(() => {});
  }

  get exitInfo(): ExitInfo | undefined {
    return this.group.exitInfo;
  }

  /** What ended the leader; undefined while it runs and no kill was asked for. */
  get reason(): TerminationReason | undefined {
    return this.recordedReason ?? (this.group.exitInfo ? "exited" : undefined);
  }

  /**
   * Terminates the group: TERM, then KILL after the grace; resolves once no live process of it is
   * left. `reason` is recorded when the leader still runs (the first one wins); after it exited this
   * only ends what it left in its group. Concurrent calls share one termination. The processes it
   * signals are counted in `tally` when given (one shared by the other paths of a session's close),
   * else reported to the run's `onKilled`.
   */
  kill(reason: Exclude<TerminationReason, "exited"> = "killed", tally?: KillTally): Promise<void> {
    if (!this.group.exitInfo) this.recordedReason ??= reason;
    if (this.closeOutputOnKill) this.closeOutput();
    const counted = tally ?? (this.onKilled ? new KillTally(this.onKilled) : undefined);
    this.killing ??= terminate(this.group, { graceMs: this.graceMs, tally: counted }).finally(() => {
      this.killing = undefined;
    });
    return this.killing;
  }

  /** Stops reading and closes our ends of the pipes: a command still writing gets EPIPE. */
  closeOutput(): void {
    for (const reader of this.readers) reader.destroy();
  }

  private sink(
    stream: StreamName,
    buffer: OutputBuffer,
    keep: boolean,
    onOutput: RunOptions["onOutput"],
  ): (chunk: Buffer) => void {
    return (chunk) => {
      if (keep) buffer.append(chunk);
      if (!onOutput || this.outputError) return;
      try {
        onOutput(stream, chunk);
      } catch (error) {
        this.outputError = { error };
        void this.kill("killed");
      }
    };
  }

  private async settle(drainMs: number | undefined): Promise<RunResult> {
    const exit = await this.exited;
    await Promise.all(
      this.readers.map((reader) => (drainMs === undefined ? reader.whenClosed() : reader.drained(drainMs))),
    );
    // After a kill, the result comes once nothing of the group is left.
    if (this.killing) await this.killing;
    // Children left behind may keep writing: the pipes keep flowing into nothing so that they
    // never block on a full pipe, but this run's output is final now.
    for (const reader of this.readers) reader.redirect(() => {});
    this.stdout.end();
    this.stderr.end();
    if (this.outputError) throw this.outputError.error;
    return {
      exit,
      exitCode: exitCodeOf(exit),
      reason: this.reason ?? "exited",
      stdout: this.stdout.toString(),
      stderr: this.stderr.toString(),
    };
  }
}

/**
 * Starts `file args` as a Run (see there). Throws SpawnError when the command cannot be started.
 */
export function startRun(file: string, args: readonly string[], options: RunOptions): Run {
  return new Run(file, args, options);
}
