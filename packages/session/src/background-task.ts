import type { ExitInfo, OutputBuffer, Run } from "@boris-mcp/process-group";

export type TaskStatus = "running" | "completed";

/**
 * A command started with `run_in_background`: a thin view of its Run. The output goes into the
 * run's bounded head + tail buffers; the task completes when the leader exits (plus a short drain),
 * even if children it left behind still hold its pipes — those belong to the session and die when
 * it closes.
 */
export class BackgroundTask {
  readonly startedAt = new Date();
  /** Resolves once the task has completed and its output is final. */
  readonly done: Promise<void>;
  private state: TaskStatus = "running";
  private exit: ExitInfo | undefined;

  constructor(
    readonly id: string,
    readonly command: string,
    readonly run: Run,
  ) {
    this.done = run.result.then(
      (result) => {
        this.exit = result.exit;
        this.state = "completed";
      },
      () => {
        // No consumer that could throw: a task keeps its output in the run's buffers only.
        this.state = "completed";
      },
    );
  }

  get pid(): number {
    return this.run.pid;
  }

  get stdout(): OutputBuffer {
    return this.run.stdout;
  }

  get stderr(): OutputBuffer {
    return this.run.stderr;
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

  /** The safety-net timeout (the session's backgroundTaskTimeoutMs) ended it. */
  get timedOut(): boolean {
    return this.run.reason === "timeout";
  }

  /** Ended by `kill()` (task_kill) or by the session's close. */
  get killed(): boolean {
    return this.run.reason === "killed" || this.run.reason === "session-closed";
  }

  /**
   * TERM → grace → KILL on the task's group; resolves when it has completed. A task whose leader
   * already exited is not signalled: it ended by itself, and what it left behind belongs to the
   * session.
   */
  async kill(): Promise<void> {
    if (this.state === "running" && !this.run.exitInfo) await this.run.kill("killed");
    await this.done;
  }
}
