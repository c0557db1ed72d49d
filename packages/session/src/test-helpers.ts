// Shared by the tests of this package: ask the OS about processes instead of trusting our own state.
// (A copy of the process-group test helpers: packages do not import each other's test code.)
import { readdirSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { type ProcessGroup, spawnGroup } from "@boris-mcp/process-group";
import type { BackgroundTask } from "./background-task.js";
import type { Session } from "./session.js";

export interface Stat {
  readonly state: string;
  readonly ppid: number;
  readonly pgrp: number;
  readonly session: number;
}

/** Fields of /proc/<pid>/stat, undefined when there is no such entry. */
export function stat(pid: number): Stat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "latin1");
  } catch {
    return undefined;
  }
  const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return { state: f[0] ?? "", ppid: Number(f[1]), pgrp: Number(f[2]), session: Number(f[3]) };
}

/** kill(pid, 0) succeeds and the process is not a zombie. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ESRCH") return false;
    throw err;
  }
  const s = stat(pid);
  return s !== undefined && s.state !== "Z" && s.state !== "X";
}

/** kill(pid, 0) fails with ESRCH: not even a zombie is left. */
export function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/** Every /proc entry (zombies included) whose process group is `pgid`. */
export function groupEntries(pgid: number): number[] {
  const found: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    if (stat(Number(name))?.pgrp === pgid) found.push(Number(name));
  }
  return found;
}

/** Polls `cond` until it holds or `timeoutMs` passes; returns its last value. */
export async function waitFor(cond: () => boolean, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) return false;
    await sleep(10);
  }
  return true;
}

/** Waits until `read()` holds `count` whole lines that are pids, and returns them. */
export async function readPids(read: () => string, count: number, timeoutMs = 5000): Promise<number[]> {
  const pids = () =>
    read()
      .split("\n")
      .slice(0, -1)
      .filter((line) => /^\d+$/.test(line))
      .map(Number);
  if (!(await waitFor(() => pids().length >= count, timeoutMs))) {
    throw new Error(`expected ${count} pids, got output ${JSON.stringify(read())}`);
  }
  return pids().slice(0, count);
}

/** SIGKILLs `pid`, ignoring a process that is already gone. */
export function killQuietly(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

/** Records pids and groups to SIGKILL after a test, so a failing test leaves nothing behind. */
export class Leftovers {
  private readonly pids = new Set<number>();
  private readonly groups = new Set<number>();

  pid(pid: number): number {
    this.pids.add(pid);
    return pid;
  }

  group(pgid: number): number {
    this.groups.add(pgid);
    return pgid;
  }

  cleanup(): void {
    for (const pgid of this.groups) if (pgid > 1) killQuietly(-pgid);
    for (const pid of this.pids) if (pid > 1) killQuietly(pid);
    this.pids.clear();
    this.groups.clear();
  }
}

/** A spawn function for addTask: `script` in bash, in the session's cwd, with its marker. */
export function bash(session: Session, script: string, leftovers: Leftovers): () => ProcessGroup {
  return () => {
    const group = spawnGroup("bash", ["-c", script], { cwd: session.cwd, env: session.env });
    leftovers.group(group.pgid);
    return group;
  };
}

/** Waits until the task's stdout contains `text` (e.g. a script's `ready` once its trap is set). */
export async function waitForOutput(task: BackgroundTask, text: string, timeoutMs = 5000): Promise<void> {
  if (!(await waitFor(() => task.stdout.toString().includes(text), timeoutMs))) {
    throw new Error(
      `task ${task.id} did not print ${JSON.stringify(text)}: ${JSON.stringify(task.stdout.toString())}`,
    );
  }
}

/** Ignores TERM (so do its `sleep` children: an ignored signal is inherited); only KILL ends it. */
export const TRAP_TERM = 'trap "" TERM; echo ready; while :; do sleep 0.1; done';
