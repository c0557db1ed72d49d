import { drained, type ExitInfo, type ProcessGroup, terminate } from "@boris-mcp/process-group";
import { OutputBuffer } from "./output-buffer.js";

export type TaskStatus = "running" | "completed";

export interface TaskOptions {
  /** TERM → KILL grace, ms. */
  readonly graceMs: number;
  /** Safety-net timeout, ms; 0 = off. */
  readonly timeoutMs?: number;
  /** Characters kept per stream. */
  readonly outputLimit?: number;
  /** How long output is still read after the leader exits, ms. */
  readonly drainMs?: number;
}

/**
 * A command started with `run_in_background`. Its output goes into bounded head + tail buffers;
 * it completes when the leader exits (plus a short drain), even if children it left behind still
 * hold its pipes — those belong to the session and die when it closes.
 */
export class BackgroundTask {
  readonly stdout: OutputBuffer;
  readonly stderr: OutputBuffer;
  readonly startedAt = new Date();
  /** Resolves once the task has completed and its output is final. */
  readonly done: Promise<void>;
  private state: TaskStatus = "running";
  private exit: ExitInfo | undefined;
  private timedOutFlag = false;
  private killedFlag = false;
  private safetyNet: NodeJS.Timeout | undefined;

  constructor(
    readonly id: string,
    readonly command: string,
    readonly group: ProcessGroup,
    private readonly options: TaskOptions,
  ) {
    this.stdout = new OutputBuffer({ limit: options.outputLimit });
    this.stderr = new OutputBuffer({ limit: options.outputLimit });
    const onOut = (chunk: Buffer) => this.stdout.append(chunk);
    const onErr = (chunk: Buffer) => this.stderr.append(chunk);
    group.stdout.on("data", onOut);
    group.stderr.on("data", onErr);
    if (options.timeoutMs && options.timeoutMs > 0) {
      this.safetyNet = setTimeout(() => {
        this.timedOutFlag = true;
        void terminate(this.group, { graceMs: this.options.graceMs });
      }, options.timeoutMs);
      this.safetyNet.unref();
    }
    this.done = group.exited.then(async (exit) => {
      clearTimeout(this.safetyNet);
      const drainMs = options.drainMs ?? 100;
      await Promise.all([drained(group.stdout, drainMs), drained(group.stderr, drainMs)]);
      // Left-behind children may keep writing: keep draining so they never block on a full pipe,
      // but the task's output is final now.
      group.stdout.off("data", onOut);
      group.stderr.off("data", onErr);
      group.stdout.resume();
      group.stderr.resume();
      this.stdout.end();
      this.stderr.end();
      this.exit = exit;
      this.state = "completed";
    });
  }

  get pid(): number {
    return this.group.pid;
  }

  get status(): TaskStatus {
    return this.state;
  }

  /** Exit code once completed; null when killed by a signal or still running. */
  get exitCode(): number | null {
    return this.exit?.code ?? null;
  }

  get signal(): NodeJS.Signals | null {
    return this.exit?.signal ?? null;
  }

  /** The safety-net timeout fired. */
  get timedOut(): boolean {
    return this.timedOutFlag;
  }

  /** Ended by `kill()` (task_kill or session close). */
  get killed(): boolean {
    return this.killedFlag;
  }

  /**
   * TERM → grace → KILL on the task's group; resolves when it has completed. A task whose leader
   * already exited is not signalled (what it left behind belongs to the session).
   */
  async kill(): Promise<void> {
    // Once the leader has exited the task is only draining its output: it ended by itself.
    if (this.state === "running" && !this.group.exitInfo) {
      this.killedFlag = true;
      await terminate(this.group, { graceMs: this.options.graceMs });
    }
    await this.done;
  }

  /** Stops the safety net without touching the process (used when the task is dropped). */
  dispose(): void {
    clearTimeout(this.safetyNet);
  }
}
