import { randomBytes } from "node:crypto";
import {
  isGroupAlive,
  killMarkedProcesses,
  type Marker,
  type ProcessGroup,
  terminate,
} from "@boris-mcp/process-group";
import { BackgroundTask } from "./background-task.js";
import { MARKER_NAME } from "./marker-name.js";
import { SERVER_IDENTITY } from "./orphans.js";

export { MARKER_NAME };

export const DEFAULT_GRACE_MS = 5000;
export const MAX_RUNNING_TASKS = 10;

export interface SessionOptions {
  /** Initial working directory (absolute). */
  readonly workdir: string;
  /** TERM → KILL grace on close, ms. Default 5000. */
  readonly graceMs?: number;
  /** Running background tasks allowed at once. Default 10. */
  readonly maxRunningTasks?: number;
  /** Background-task safety net, ms; 0 (default) = off. */
  readonly backgroundTaskTimeoutMs?: number;
  /** Characters kept per output stream. Default 30000. */
  readonly outputLimit?: number;
  /** Drain window after a background task's leader exits, ms. Default 100. */
  readonly drainMs?: number;
  /** Prefix of the marker value; default this server's identity, so a crash can be cleaned up. */
  readonly markerPrefix?: string;
}

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
 * One client's state: tracked cwd, sentinel nonce, viewed files, background tasks. `close()` ends
 * everything the session started; afterwards it refuses new work.
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
  private readonly groups = new Set<ProcessGroup>();
  private readonly closeHooks = new Set<() => void | Promise<void>>();
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
   * Starts a background task: checks the session is open and under the running-task limit, then
   * calls `spawn` and tracks the result.
   */
  addTask(command: string, spawn: () => ProcessGroup): BackgroundTask {
    this.assertOpen();
    const limit = this.options.maxRunningTasks ?? MAX_RUNNING_TASKS;
    if (this.runningTaskCount >= limit) {
      throw new SessionError(
        "BASH_TASK_LIMIT",
        `${limit} background tasks are already running (the limit); wait for one with task_output (block: true) or stop one with task_kill`,
      );
    }
    const group = spawn();
    const id = `${this.nextTask++}-${randomBytes(3).toString("hex")}`;
    const task = new BackgroundTask(id, command, group, {
      graceMs: this.graceMs,
      timeoutMs: this.options.backgroundTaskTimeoutMs ?? 0,
      outputLimit: this.options.outputLimit,
      drainMs: this.options.drainMs,
    });
    this.tasks.set(id, task);
    return task;
  }

  getTask(id: string): BackgroundTask | undefined {
    return this.tasks.get(id);
  }

  removeTask(id: string): boolean {
    const task = this.tasks.get(id);
    task?.dispose();
    return this.tasks.delete(id);
  }

  /**
   * Remembers a foreground command's group so that whatever it left running in its group is
   * killed on close. Returns a function that forgets it. Dead groups are pruned as new ones come.
   * A group tracked after close() began is terminated at once.
   */
  trackGroup(group: ProcessGroup): () => void {
    if (this.closed) {
      // Started while close() was already under way: it would otherwise outlive the session.
      void terminate(group, { graceMs: this.graceMs });
      return () => {};
    }
    for (const g of this.groups) if (g.exitInfo && !isGroupAlive(g.pgid)) this.groups.delete(g);
    this.groups.add(group);
    return () => {
      this.groups.delete(group);
    };
  }

  /** Runs `hook` at the start of close(). Returns a function that removes it. */
  onClose(hook: () => void | Promise<void>): () => void {
    this.closeHooks.add(hook);
    return () => {
      this.closeHooks.delete(hook);
    };
  }

  /**
   * Terminates every running task and remembered group in parallel (TERM → grace → KILL), along
   * with whatever completed tasks left in their groups, then kills whatever still carries the
   * session marker. Idempotent; concurrent callers share one run; never rejects.
   */
  close(): Promise<void> {
    this.closing ??= this.runClose();
    return this.closing;
  }

  private async runClose(): Promise<void> {
    const hooks = [...this.closeHooks];
    this.closeHooks.clear();
    const tasks = [...this.tasks.values()];
    const groups = [...this.groups];
    this.groups.clear();
    await Promise.all([
      ...hooks.map(async (hook) => {
        try {
          await hook();
        } catch {
          // A failing hook must not keep the rest of the session alive.
        }
      }),
      // kill() leaves a completed task alone; what any task left in its group afterwards belongs
      // to the session and goes with it, marker or not.
      ...tasks.map(async (task) => {
        await task.kill();
        await terminate(task.group, { graceMs: this.graceMs });
      }),
      ...groups.map((group) => terminate(group, { graceMs: this.graceMs })),
    ]);
    try {
      await killMarkedProcesses(this.marker);
    } catch {
      // An unreadable /proc leaves the group kill as the only cleanup; close() must still resolve.
    }
    for (const task of tasks) task.dispose();
    this.tasks.clear();
  }
}
