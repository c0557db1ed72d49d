import type { ChildProcess } from "node:child_process";
import { Socket } from "node:net";
import { SpawnedGroup } from "../group/spawn.js";
import { signalGroup } from "../group/terminate.js";
import { childProcess } from "../os/builtins.js";
import { exitOfWaitStatus, listPids, readStat } from "../os/proc.js";
import { sendSignal, signalPid } from "../os/signal.js";
import type { ExitInfo } from "../types.js";
import { HELPER_SCRIPT } from "./helper-script.js";

/**
 * spawn() blocks the calling event loop for the whole fork and until the child has exec'ed: 5–13 ms
 * for a 100–150 MB server on a busy 2-core box, most of it waiting for the child to be scheduled.
 * Under many sessions (boris-http) that is most of what holds the loop, while requests and new
 * connections wait (Node accepts one connection per loop turn). The helper — a small Node process
 * the server starts once — does those spawns instead: the server sends the command over IPC and
 * gets back its ends of the pipes as handles and, later, the leader's exit. What the loop pays is a
 * few IPC messages (~1 ms) instead of the spawn. It is used for the commands nobody waits for (the
 * cgroup launcher's spares, made after a result); a command a caller waits for is spawned here.
 */

/**
 * The helper allocates a little per spawn (a ChildProcess, the request's environment), all of it
 * short-lived: V8 would grow its young generation to 16 MB semi-spaces under a burst of spawns and
 * keep them. With 1 MB semi-spaces its peak RSS over `pnpm bench`'s HTTP load went from 68 to 57 MB,
 * of which ~39 MB are pages of the node binary that the server maps too (its own memory: ~17 MB).
 * The extra scavenges cost it little, and they are off the server's event loop.
 * (`--heap-growing-percent=20` and `--single-threaded` on top: 56 MB; not kept.)
 */
const HELPER_NODE_FLAGS = ["--max-semi-space-size=1"];

/** How often a process is looked for once the helper that started it is gone (its exit is lost). */
const ORPHAN_POLL_MS = 100;

/**
 * How often, while commands it started run, the helper is checked for being stopped (SIGSTOP from
 * anyone with the server's uid, a debugger): a stopped helper relays no exit, so the results of
 * commands that ended meanwhile are taken from /proc instead, where each waits as a zombie.
 */
const STOPPED_POLL_MS = 500;

/** A libuv pipe handle as IPC hands it over (`net.Native`). */
interface PipeHandle {
  close(): void;
}

type HelperMessage =
  | { readonly id: number; readonly pid: number; readonly fd: 1 | 2 | 3 }
  | { readonly id: number; readonly exit: [number | null, NodeJS.Signals | null] }
  | { readonly id: number; readonly error: string };

interface Started {
  pid?: number;
  stdout?: Socket;
  stderr?: Socket;
  fd3?: Socket;
  resolve: (group: SpawnedGroup | undefined) => void;
  exit?: (exit: ExitInfo) => void;
}

/** One helper process and the commands it started that are not over yet. */
class HelperProcess {
  private readonly child: ChildProcess;
  private nextId = 1;
  /** By request id: commands asked for whose exit has not come yet. */
  private readonly started = new Map<number, Started>();
  gone = false;
  /** Whether it ever answered: one that dies before it does cannot run here (see SpawnHelper). */
  answered = false;
  /** Checks for a stopped helper while commands are out (see STOPPED_POLL_MS). */
  private stoppedWatch: NodeJS.Timeout | undefined;

  get pid(): number | undefined {
    return this.child.pid;
  }

  constructor(
    node: string,
    private readonly onLost: () => void,
  ) {
    this.child = childProcess().spawn(node, [...HELPER_NODE_FLAGS, "-e", HELPER_SCRIPT], {
      cwd: "/",
      stdio: ["ignore", "ignore", "inherit", "ipc"],
      serialization: "json",
    });
    this.child.on("error", () => this.lost());
    this.child.once("exit", () => this.lost());
    // A server that exits takes its helper along at once, with whatever it is starting (it would go
    // by itself, but only once it notices: see the helper's script).
    process.once("exit", this.killOnExit);
    this.child.on("message", (message: HelperMessage, handle?: PipeHandle) => this.receive(message, handle));
    this.child.unref();
    this.idle();
  }

  /** Starts `file args` through the helper; undefined when the helper is gone or the spawn failed. */
  spawn(
    file: string,
    args: readonly string[],
    options: { readonly cwd: string; readonly env: NodeJS.ProcessEnv },
  ): Promise<SpawnedGroup | undefined> {
    if (this.gone) return Promise.resolve(undefined);
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.started.set(id, { resolve });
      this.busy();
      try {
        this.child.send({ id, file, args, cwd: options.cwd, env: options.env });
      } catch {
        this.lost();
      }
    });
  }

  /** Ends the helper (the commands it started go on; their exits are lost then, see lost()). */
  close(): void {
    this.child.kill("SIGKILL");
  }

  /**
   * SIGKILLs the helper and every process it started, synchronously; returns their pids. The helper
   * is stopped first: a spare it is forking would otherwise enter a session's cgroup after that
   * cgroup was killed, and keep it from being removed.
   */
  killNow(): number[] {
    const pid = this.child.pid;
    if (pid === undefined || this.gone) return [];
    if (!sendSignal(pid, "SIGSTOP")) return [];
    waitStopped(pid);
    // Stopped, it forks no more: its children now are all it started that still runs.
    const children = listPids().filter((child) => readStat(child)?.ppid === pid);
    for (const child of children) {
      // Each leads its own group (a spare, or the command it became, and that command's children).
      signalGroup(child, "SIGKILL");
      signalPid(child, "SIGKILL");
    }
    this.child.kill("SIGKILL");
    return children;
  }

  private readonly killOnExit = (): void => {
    this.killNow();
  };

  private receive(message: HelperMessage, handle: PipeHandle | undefined): void {
    this.answered = true;
    const entry = this.started.get(message.id);
    if (!entry) {
      handle?.close();
      return;
    }
    if ("error" in message) {
      this.forget(message.id);
      entry.resolve(undefined);
    } else if ("exit" in message) {
      this.forget(message.id);
      const [code, signal] = message.exit;
      entry.exit?.({ code, signal });
    } else if (handle) {
      entry.pid = message.pid;
      // Sockets as spawn() would have made them: the runner reads the output ones into its buffer.
      const socket = new Socket({ handle, readable: message.fd !== 3, writable: message.fd === 3 } as never);
      if (message.fd === 1) entry.stdout = socket;
      else if (message.fd === 2) entry.stderr = socket;
      else entry.fd3 = socket;
      if (entry.stdout && entry.stderr && entry.fd3) this.ready(entry);
    }
  }

  private ready(entry: Started): void {
    const { pid, stdout, stderr, fd3 } = entry;
    const exited = new Promise<ExitInfo>((resolve) => {
      entry.exit = resolve;
    });
    entry.resolve(new SpawnedGroup(pid!, { stdout: stdout!, stderr: stderr!, fd3 }, exited));
  }

  private forget(id: number): void {
    this.started.delete(id);
    if (this.started.size === 0) this.idle();
  }

  /** While commands are out, the channel keeps the server alive (their exits come through it). */
  private busy(): void {
    this.child.channel?.ref();
    if (!this.stoppedWatch) {
      this.stoppedWatch = setInterval(() => this.exitsWhileStopped(), STOPPED_POLL_MS);
      this.stoppedWatch.unref();
    }
  }

  private idle(): void {
    this.child.channel?.unref();
    clearInterval(this.stoppedWatch);
    this.stoppedWatch = undefined;
  }

  /**
   * While the helper is stopped, the commands it started that have ended are zombies it cannot
   * reap: their exits are read from /proc and reported (what the helper says once it runs again
   * is for ids already forgotten, and dropped). One gone altogether was reaped just before the stop,
   * its exit still unsent: it is reported with no known status.
   */
  private exitsWhileStopped(): void {
    const pid = this.child.pid;
    const state = pid === undefined ? undefined : readStat(pid)?.state;
    if (state !== "T" && state !== "t") return;
    for (const [id, entry] of this.started) {
      if (!entry.exit || entry.pid === undefined) continue;
      const stat = readStat(entry.pid);
      if (stat && stat.state !== "Z") continue;
      const exit = (stat && exitOfWaitStatus(stat.waitStatus)) ?? { code: null, signal: null };
      this.forget(id);
      entry.exit(exit);
    }
  }

  /**
   * The helper is gone (it crashed or was killed): nothing more is started through it. The commands
   * it started are orphans now, reaped by init; their exits are lost, so each is watched until it
   * is gone and reported as ended with no known status.
   */
  private lost(): void {
    if (this.gone) return;
    this.gone = true;
    clearInterval(this.stoppedWatch);
    process.off("exit", this.killOnExit);
    this.onLost();
    for (const [id, entry] of this.started) {
      this.started.delete(id);
      const { pid, exit } = entry;
      entry.resolve(undefined);
      if (!exit) for (const socket of [entry.stdout, entry.stderr, entry.fd3]) socket?.destroy();
      if (exit && pid !== undefined) watchUntilGone(pid, () => exit({ code: null, signal: null }));
    }
  }
}

/** How long killNow() waits for the helper to stop before it goes on regardless. */
const STOP_WAIT_MS = 200;

/** Waits (blocking: killNow() runs in exit paths) until `pid` is stopped, gone, or STOP_WAIT_MS passed. */
function waitStopped(pid: number): void {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  const deadline = Date.now() + STOP_WAIT_MS;
  for (;;) {
    const state = readStat(pid)?.state;
    if (state === undefined || state === "T" || state === "t" || state === "Z" || Date.now() > deadline)
      return;
    Atomics.wait(pause, 0, 0, 1);
  }
}

/**
 * Calls `onGone` once `pid` has exited (a zombie counts, as its exit is all that is waited for) or
 * its number belongs to another process. Unref'd, like the helper: it keeps nothing alive.
 */
function watchUntilGone(pid: number, onGone: () => void): void {
  const startTime = readStat(pid)?.startTime;
  const timer = setInterval(() => {
    const stat = readStat(pid);
    if (stat && stat.state !== "Z" && stat.startTime === startTime) return;
    clearInterval(timer);
    onGone();
  }, ORPHAN_POLL_MS);
  timer.unref();
}

/**
 * Starts commands through a helper process (see above), started at the first command and again
 * after it was lost (unless it never worked). Used for the commands nobody waits for: the cgroup
 * launcher's spares.
 */
export class SpawnHelper {
  private process: HelperProcess | undefined;
  private closed = false;

  /** `node`: the Node binary that runs the helper (tests give one that cannot). */
  constructor(private readonly node = process.execPath) {}

  /**
   * Starts `file args` (stdout, stderr and fd 3 piped, in a new session and group, stdin from
   * /dev/null); the promise resolves undefined when it could not start. Returns undefined when
   * there is no helper to do it — closed, or one died before it ever answered (it cannot run
   * here): the caller spawns it itself.
   */
  spawn(
    file: string,
    args: readonly string[],
    options: { readonly cwd: string; readonly env: NodeJS.ProcessEnv },
  ): Promise<SpawnedGroup | undefined> | undefined {
    if (this.closed) return undefined;
    if (!this.process) {
      const started = new HelperProcess(this.node, () => {
        if (this.process === started) this.process = undefined;
        if (!started.answered) this.closed = true;
      });
      this.process = started;
    }
    return this.process.spawn(file, args, options);
  }

  /** The helper process's pid while one runs (tests, diagnostics). */
  get pid(): number | undefined {
    return this.process?.pid;
  }

  /** Ends the helper process; nothing is started through it afterwards. */
  close(): void {
    this.closed = true;
    this.process?.close();
    this.process = undefined;
  }

  /**
   * For the kill-now paths (a second signal): SIGKILLs the helper and every process it started,
   * synchronously, stopping it first so that it starts nothing meanwhile; returns their pids.
   * Nothing is started through it afterwards.
   */
  killNow(): number[] {
    this.closed = true;
    const killed = this.process?.killNow() ?? [];
    this.process = undefined;
    return killed;
  }
}
