import { randomBytes } from "node:crypto";
import {
  DEFAULT_GRACE_MS,
  DEFAULT_OUTPUT_LIMIT,
  isGroupAlive,
  type KillObserver,
  KillTally,
  killMarkedProcesses,
  killNow,
  type Marker,
  type Run,
  type RunOptions,
  startRun,
  terminateMarked,
} from "@boris-mcp/process-group";
import { BackgroundTask } from "./background-task.js";
import { type Containment, defaultContainment } from "./containment/containment.js";
import type { SessionCgroup } from "./containment/session-cgroup.js";
import { MARKER_NAME } from "./marker-name.js";
import { SERVER_IDENTITY } from "./server-identity.js";

export { MARKER_NAME };

/** Running background tasks a session allows at once (SPEC §3.1, `BASH_TASK_LIMIT`). */
export const MAX_RUNNING_TASKS = 10;

/** How long output is still read after a background task's leader exits, ms. */
const DEFAULT_TASK_DRAIN_MS = 100;

export interface SessionOptions {
  /** Initial working directory (absolute). */
  readonly workdir: string;
  /** TERM → KILL grace of every kill of the session's processes, ms. Default DEFAULT_GRACE_MS. */
  readonly graceMs?: number;
  /** Running background tasks allowed at once. Default MAX_RUNNING_TASKS. */
  readonly maxRunningTasks?: number;
  /** Background-task safety net, ms; 0 (default) = off. */
  readonly backgroundTaskTimeoutMs?: number;
  /** Characters kept per output stream of a background task. Default DEFAULT_OUTPUT_LIMIT. */
  readonly outputLimit?: number;
  /** Drain window after a background task's leader exits, ms. Default 100. */
  readonly drainMs?: number;
  /** Prefix of the marker value; default this server's identity, so a crash can be cleaned up. */
  readonly markerPrefix?: string;
  /**
   * How the session's processes are held: its own cgroup where cgroup v2 is writable, else the
   * marker alone. Default `defaultContainment()` (`auto`, probed once per process).
   */
  readonly containment?: Containment;
  /** Told how many processes each kill path signalled (a metrics counter). Must not throw. */
  readonly onKilled?: KillObserver;
}

/** How to run a command as the session's: the session adds its marker, its grace and its cgroup. */
export type SessionRunOptions = Omit<RunOptions, "graceMs" | "onKilled">;

export interface ViewedFile {
  readonly size: number;
  readonly mtimeMs: number;
}

export type SessionErrorCode = "SESSION_CLOSED" | "BASH_TASK_LIMIT";

export class SessionError extends Error {
  constructor(
    readonly code: SessionErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "SessionError";
  }
}

/**
 * One client's state: tracked cwd, sentinel nonce, viewed files, background tasks, and every
 * process it started. `close()` ends all of them; afterwards it refuses new work.
 */
export class Session {
  readonly id: string;
  /** Random per session; the bash cwd sentinel carries it so output cannot forge it. */
  readonly nonce = randomBytes(8).toString("hex");
  readonly marker: Marker;
  readonly env: Readonly<Record<string, string>>;
  readonly viewed = new Map<string, ViewedFile>();
  readonly graceMs: number;
  cwd: string;

  private readonly options: SessionOptions;
  private readonly tasks = new Map<string, BackgroundTask>();
  /** Every run this session started whose group may still have members. */
  private readonly runs = new Set<Run>();
  private readonly closeHooks = new Set<() => void | Promise<void>>();
  private readonly cgroup: SessionCgroup | undefined;
  /** Counts what close and killNow signal, each process once across both. */
  private readonly closeTally: KillTally | undefined;
  private closing: Promise<void> | undefined;
  private nextTask = 1;

  constructor(options: SessionOptions) {
    this.options = options;
    this.cwd = options.workdir;
    this.graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
    this.id = randomBytes(8).toString("hex");
    const value = `${options.markerPrefix ?? SERVER_IDENTITY}.${this.id}`;
    this.marker = { name: MARKER_NAME, value };
    this.env = { [MARKER_NAME]: value };
    this.cgroup = (options.containment ?? defaultContainment()).sessionCgroup(this.id);
    this.closeTally = options.onKilled && new KillTally(options.onKilled);
  }

  /** The session's cgroup directory, once its first command made it (cgroup containment only). */
  get cgroupPath(): string | undefined {
    return this.cgroup?.path;
  }

  get closed(): boolean {
    return this.closing !== undefined;
  }

  get taskCount(): number {
    return this.tasks.size;
  }

  get runningTaskCount(): number {
    let n = 0;
    for (const task of this.tasks.values()) if (task.status === "running") n++;
    return n;
  }

  /** Throws SESSION_CLOSED once close() has begun. */
  assertOpen(): void {
    if (this.closed) {
      throw new SessionError(
        "SESSION_CLOSED",
        "this session is closed; start a new MCP session to run commands",
      );
    }
  }

  /**
   * Starts `file args` as one of the session's processes, in one call: its marker in the
   * environment (over `options.env`), inside the session's cgroup from its first instruction (cgroup
   * containment), the session's grace for every kill, and adopted, so that it and whatever it leaves
   * in its group die on close. Throws SESSION_CLOSED once close has begun (nothing is started), or
   * SpawnError.
   */
  run(file: string, args: readonly string[], options: SessionRunOptions): Run {
    this.assertOpen();
    const run = startRun(file, args, {
      ...options,
      env: { ...options.env, ...this.env },
      graceMs: this.graceMs,
      // Outermost: the cgroup is entered before anything else of the command runs.
      launcher: this.cgroup?.launcher(file),
      onKilled: this.options.onKilled,
    });
    // Runs whose groups are gone need no killing: forget them as new ones come.
    for (const r of this.runs) if (r.exitInfo && !isGroupAlive(r.pgid)) this.runs.delete(r);
    this.runs.add(run);
    return run;
  }

  /**
   * Starts a background task: checks the session is open and under the running-task limit (nothing
   * is started when it refuses), then runs the command with bounded output and the safety net.
   */
  startTask(
    command: string,
    file: string,
    args: readonly string[],
    options: Pick<SessionRunOptions, "cwd" | "env" | "fd3Input">,
  ): BackgroundTask {
    this.assertOpen();
    const limit = this.options.maxRunningTasks ?? MAX_RUNNING_TASKS;
    if (this.runningTaskCount >= limit) {
      throw new SessionError(
        "BASH_TASK_LIMIT",
        `${limit} background tasks are already running (the limit); wait for one with task_output (block: true) or stop one with task_kill`,
      );
    }
    const run = this.run(file, args, {
      ...options,
      outputLimit: this.options.outputLimit ?? DEFAULT_OUTPUT_LIMIT,
      drainMs: this.options.drainMs ?? DEFAULT_TASK_DRAIN_MS,
      timeoutMs: this.options.backgroundTaskTimeoutMs ?? 0,
    });
    const id = `${this.nextTask++}-${randomBytes(3).toString("hex")}`;
    const task = new BackgroundTask(id, command, run);
    this.tasks.set(id, task);
    return task;
  }

  getTask(id: string): BackgroundTask | undefined {
    return this.tasks.get(id);
  }

  /** Forgets a task (its output was read). A running one keeps running and still dies on close. */
  removeTask(id: string): boolean {
    return this.tasks.delete(id);
  }

  /**
   * Runs `hook` (sync or async) at the start of close(), for what the session holds besides its
   * processes (cached results, queued work); processes are ended by close() itself. Returns a
   * function that removes the hook. A throwing hook does not stop the close.
   */
  onClose(hook: () => void | Promise<void>): () => void {
    this.closeHooks.add(hook);
    return () => {
      this.closeHooks.delete(hook);
    };
  }

  /**
   * Ends everything the session started. At once: TERM to the group of every run (running or not:
   * what a finished command left in its group goes too), to every process that carries the marker
   * outside those groups (`setsid`/`setpgid` daemons) and to every other process in the session's
   * cgroup (daemons that dropped the marker). After the grace, KILL to whatever is left of them,
   * then `cgroup.kill` and a last KILL sweep of the marker; the cgroup is removed once empty.
   * Idempotent; concurrent callers share one run; never rejects.
   */
  close(): Promise<void> {
    this.closing ??= this.runClose();
    return this.closing;
  }

  /**
   * Kills everything of the session NOW: SIGKILL to every group, every marked process and the
   * session's cgroup, no grace; resolves once they are gone and the cgroup is removed. For a second termination signal during close. Also starts
   * close() (the session refuses new work), which then ends quickly.
   */
  async killNow(): Promise<void> {
    void this.close();
    await this.cgroup?.closeLauncher().catch(() => {});
    try {
      await killNow({
        groups: [...this.runs],
        marker: this.marker,
        cgroup: this.cgroup?.target,
        tally: this.closeTally,
      });
    } catch {
      // An unreadable /proc leaves the group kill; this must still resolve.
    }
    // The server may exit right after this: leave no cgroup behind.
    await this.cgroup?.remove().catch(() => {});
  }

  private async runClose(): Promise<void> {
    const runs = [...this.runs];
    const tasks = [...this.tasks.values()];
    const hooks = [...this.closeHooks];
    const { cgroup, closeTally: tally, marker, graceMs } = this;
    this.closeHooks.clear();
    // The launcher's waiting process is the server's, not the session's: it goes first, uncounted.
    await cgroup?.closeLauncher().catch(() => {});
    const exceptGroups = new Set(runs.map((run) => run.pgid));
    await Promise.all([
      ...hooks.map(async (hook) => {
        try {
          await hook();
        } catch {
          // A failing hook must not keep the rest of the session alive.
        }
      }),
      ...runs.map((run) => run.kill("session-closed", tally)),
      terminateMarked(marker, { graceMs, exceptGroups, tally }).catch(() => {}),
      cgroup?.terminate({ graceMs, exceptGroups, exceptMarker: marker, tally }).catch(() => {}),
    ]);
    // Every path had its grace: now whatever is left in the cgroup (forked meanwhile, TERM ignored).
    await cgroup?.kill(tally).catch(() => {});
    try {
      await killMarkedProcesses(marker, { tally });
    } catch {
      // An unreadable /proc leaves the group kill as the only cleanup; close() must still resolve.
    }
    await Promise.all(tasks.map((task) => task.done));
    await cgroup?.remove().catch(() => {});
    this.runs.clear();
    this.tasks.clear();
  }
}
