import type { KillObserver } from "@boris-mcp/process-group";
import { type Containment, defaultContainment } from "./containment/containment.js";
import { killProcessesOfThisServer, sweepOrphanedProcesses } from "./orphans.js";

/** Signals that end a server: the first starts the orderly shutdown, a second one kills at once. */
export const TERMINATION_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/** How long past the sessions' kill grace the orderly shutdown may take before everything is killed. */
export const SHUTDOWN_MARGIN_MS = 1000;

/**
 * How long after the start the sweep of dead servers' processes waits: it reads every process's
 * environment under /proc, synchronously, and a client's first requests come first.
 */
export const SWEEP_DELAY_MS = 1000;

/** Rounds of the kill-now loop: scan, SIGKILL, short pause (about half a second at most). */
const KILL_NOW_ROUNDS = 20;
/** How long a kill-now waits for the sessions' processes to be gone before it exits anyway. */
const KILL_NOW_WAIT_MS = 2000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The log calls the lifecycle makes (@boris-mcp/config's logger fits). */
export interface LifecycleLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
  fatal(fields: object, message: string): void;
}

/** The part of `process` the lifecycle uses; tests hand in a fake. */
export interface LifecycleHost {
  on(event: string, listener: (value?: unknown) => void): unknown;
  exit(code: number): void;
}

export interface ServerLifecycleOptions {
  readonly logger: LifecycleLogger;
  /**
   * Closes everything the server serves (its transports and every session); resolves once the
   * sessions are closed, i.e. their processes are gone.
   */
  readonly close: () => Promise<void>;
  /** The sessions' TERM → KILL grace, ms: the orderly shutdown gets this plus SHUTDOWN_MARGIN_MS. */
  readonly graceMs: number;
  /**
   * SIGKILLs every process of the served sessions at once — their groups and their marked
   * processes — and resolves when they are gone (`SessionRegistry.killAllNow`, `Session.killNow`).
   */
  readonly killSessionsNow?: () => Promise<void>;
  /**
   * SIGKILLs every live process carrying this server's marker; returns how many it signalled.
   * Default `killProcessesOfThisServer`; it also catches what a session still closing holds.
   */
  readonly killNow?: () => number;
  /** Sweeps processes that servers which no longer exist left behind; resolves with how many. */
  readonly sweepOrphans?: () => Promise<number>;
  /**
   * How the served sessions are contained (the one the sessions were given): the start-up sweep
   * and the last-resort kill reach the session cgroups through it. Default `defaultContainment()`.
   */
  readonly containment?: Containment;
  /** Told how many processes the start-up sweep killed (kill path `orphan-sweep`). */
  readonly onKilled?: KillObserver;
  readonly host?: LifecycleHost;
}

/**
 * The life of a server process, the same for `boris` and `boris-http`: at start, processes left by
 * crashed servers are swept; SIGINT, SIGTERM, SIGHUP, an uncaught exception or the app itself
 * (stdin ended, transport closed …) start the one orderly shutdown — every session closed, then
 * exit. It is bounded: past the grace plus a margin, or when another termination signal arrives
 * meanwhile (an SDK client sends SIGTERM 2 s after closing stdin and SIGKILL 2 s later), every
 * process of this server is killed at once and the process exits with status 1.
 */
export class ServerLifecycle {
  private readonly options: ServerLifecycleOptions;
  private readonly host: LifecycleHost;
  private stopping: Promise<void> | undefined;
  private killing = false;
  private exited = false;

  constructor(options: ServerLifecycleOptions) {
    this.options = options;
    this.host = options.host ?? process;
  }

  /** True once the orderly shutdown has begun (a load balancer should stop sending work). */
  get shuttingDown(): boolean {
    return this.stopping !== undefined;
  }

  /**
   * Installs the signal and crash handlers, logs the ready line with `fields`, then sweeps, in the
   * background and SWEEP_DELAY_MS later, processes of servers that no longer exist. Call once,
   * when the server serves.
   */
  start(readyMessage: string, fields: Record<string, unknown>): void {
    const { logger } = this.options;
    for (const signal of TERMINATION_SIGNALS) {
      this.host.on(signal, () => {
        if (this.stopping) void this.killNowAndExit(`${signal} during shutdown`);
        else void this.shutdown(signal);
      });
    }
    this.host.on("uncaughtException", (err) => {
      logger.fatal({ err }, "unexpected error");
      void this.shutdown("unexpected error", 1);
    });
    this.host.on("unhandledRejection", (err) => logger.error({ err }, "unhandled rejection"));
    logger.info(fields, readyMessage);
    setTimeout(() => void this.sweep(), SWEEP_DELAY_MS).unref();
  }

  /**
   * The orderly shutdown: closes everything, then exits with `code`. Idempotent: later calls share
   * the first one's run. Past the deadline, everything is killed and the exit status is 1.
   */
  shutdown(reason: string, code = 0): Promise<void> {
    if (!this.stopping) {
      const { logger, graceMs } = this.options;
      logger.info({ reason }, "shutting down");
      // Not unref'd: a close waiting on nothing that keeps the loop alive must still end in the kill.
      const deadline = setTimeout(
        () => void this.killNowAndExit("shutdown overran its deadline"),
        graceMs + SHUTDOWN_MARGIN_MS,
      );
      this.stopping = (async () => {
        try {
          await this.options.close();
        } catch (err) {
          logger.error({ err }, "closing failed");
          code ||= 1;
        }
        clearTimeout(deadline);
        // Once the kill-now loop runs (second signal, deadline), it makes the exit, with status 1.
        if (!this.killing) this.exit(code);
      })();
    }
    return this.stopping;
  }

  /**
   * SIGKILLs every process of this server's sessions, scanning again until none is left (a process
   * may fork between a scan and the kill, and a killed one is listed until the kernel has torn it
   * down), then exits with status 1.
   */
  private async killNowAndExit(reason: string): Promise<void> {
    if (this.killing || this.exited) return;
    this.killing = true;
    const sessions = this.options.killSessionsNow?.().catch(() => {});
    const containment = this.options.containment ?? defaultContainment();
    const killNow = this.options.killNow ?? (() => killProcessesOfThisServer(containment));
    const killed = killNow();
    // Logged before the rescans: a client's SIGKILL may end this process at any moment now.
    this.options.logger.warn({ reason, killed }, "killed every process of this server");
    for (let round = 1, left = killed; left > 0 && round < KILL_NOW_ROUNDS; round++) {
      await sleep(round <= 3 ? 5 : 25);
      left = killNow();
    }
    // Bounded like terminate(): a process in uninterruptible sleep must not keep the server alive.
    await Promise.race([sessions, sleep(KILL_NOW_WAIT_MS)]);
    this.exit(1);
  }

  private exit(code: number): void {
    if (this.exited) return;
    this.exited = true;
    this.host.exit(code);
  }

  private async sweep(): Promise<void> {
    const { logger } = this.options;
    try {
      const { containment, onKilled } = this.options;
      const sweep = this.options.sweepOrphans ?? (() => sweepOrphanedProcesses({ containment, onKilled }));
      const killed = await sweep();
      if (killed > 0) {
        logger.warn({ killed }, `killed ${killed} processes left by servers that no longer exist`);
      }
    } catch (err) {
      logger.warn({ err }, "sweeping processes of dead servers failed");
    }
  }
}
