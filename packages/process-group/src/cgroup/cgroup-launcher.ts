import type { ChildProcess } from "node:child_process";
import { resolve } from "node:path";
import { SpawnedGroup, spawnGroup, startProblem } from "../group/spawn.js";
import { signalGroup } from "../group/terminate.js";
import type { SpawnHelper } from "../helper/spawn-helper.js";
import { childProcess } from "../os/builtins.js";
import type { Command } from "../run/run.js";
import { type Cgroup, ENTRY_SHELL } from "./cgroup.js";
import { queueSpare } from "./spare-queue.js";

/**
 * Entering a cgroup means writing to its cgroup.procs, and the kernel makes that write wait for an
 * RCU grace period (cgroup_threadgroup_rwsem, unless the hierarchy is mounted with favordynmods)
 * whenever no other migration happened in the last few milliseconds: measured 10–13 ms on a busy
 * 2-core box, 0.1 ms when writes come back to back. Every command would pay it, since an agent's
 * commands come seconds apart. So the launcher keeps one process that has entered the cgroup
 * already and waits for its command (the spare): a command starts by handing its argv to the spare,
 * which execs it — inside the cgroup from its first instruction, as with the entry wrapper — and
 * the next spare enters while the command runs.
 *
 * The spare reads its command from fd 3 (with builtins only: no fork), one shell-quoted word list
 * (cwd, whether PWD is set, PWD, the withheld variables, then the argv) until end of file, and
 * execs it in that directory with that environment. A failed entry is exit 126 with one line on
 * stderr, as with the wrapper.
 */
const SPARE_SCRIPT = [
  'echo $$ 2>/dev/null >"$1" || { echo "$0: could not enter the session cgroup ($1); the command was not run" >&2; exit 126; }',
  '__boris_m=; while IFS= read -r __boris_l; do __boris_m="$__boris_m$__boris_l\n"; done <&3',
  '__boris_m="$__boris_m$__boris_l"; exec 3<&-',
  // Nothing came (the server discarded the spare or went away): nothing to run.
  '[ -n "$__boris_m" ] || exit 125',
  'eval "set -- $__boris_m"; unset __boris_m __boris_l',
  // cd updates OLDPWD: the command gets the server's, as a spawned one would.
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell parameter expansion, not a template
  '[ -n "${OLDPWD+x}" ] && __boris_o=$OLDPWD',
  'cd -- "$1" || exit 126',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell parameter expansion, not a template
  'if [ -n "${__boris_o+x}" ]; then OLDPWD=$__boris_o; unset __boris_o; else unset OLDPWD; fi',
  // PWD as a spawned command would have it: the run's, else the server's, else none.
  'if [ "$2" = set ]; then PWD=$3; export PWD; else unset PWD; fi; shift 3',
  // The withheld variables (NAME=value words, counted): the command carries them, the spare did not.
  '__boris_n=$1; shift; while [ "$__boris_n" -gt 0 ]; do export "$1"; shift; __boris_n=$((__boris_n - 1)); done',
  'unset __boris_n; exec "$@"',
].join("\n");

/**
 * The longest word list handed to a spare: dash's `read` takes a pipe one byte per system call, so
 * a bigger command starts through the wrapper instead.
 */
const MAX_SPARE_MESSAGE = 16 * 1024;

/** How long close() waits for a spare the spawn helper is making (see madeOrLate). */
const MAKING_WAIT_MS = 1000;

function quoted(word: string): string {
  return `'${word.replaceAll("'", "'\\''")}'`;
}

/** What a command started by the launcher needs: the run's spawn options, without fd 3. */
export interface LaunchOptions {
  readonly cwd: string;
  /** Extra environment over process.env; only PWD may differ between commands that share spares. */
  readonly env: Readonly<Record<string, string>>;
  readonly fd3?: boolean;
}

/**
 * A variable of `env` over process.env, read by name: copying process.env (each variable a call
 * into Node's environment) took ~80 µs, on every command's path.
 */
function envValue(env: Readonly<Record<string, string>>, name: string): string | undefined {
  return Object.hasOwn(env, name) ? env[name] : process.env[name];
}

/** Everything of `env` but PWD, as one comparable string. */
function envKey(env: Readonly<Record<string, string>>): string {
  return JSON.stringify(
    Object.entries(env)
      .filter(([k]) => k !== "PWD")
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}

interface Spare {
  readonly group: SpawnedGroup;
  readonly envKey: string;
}

/**
 * Starts commands inside one cgroup (see SPARE_SCRIPT): through a spare when one is ready for the
 * command's environment, else through the entry wrapper (`Cgroup.enter`); `prepare()` makes the
 * spare for the next command. `close()` ends the spare; no spare is made after it.
 */
export class CgroupLauncher {
  private spare: Spare | undefined;
  private closed = false;
  /** Cancels the spare queued by prepare() and not made yet. */
  private cancelQueued: (() => void) | undefined;
  /** A spare the spawn helper is making. */
  private making: Promise<void> | undefined;
  /** The environment of the last command: the next spare is made for the same. */
  private lastEnv: Readonly<Record<string, string>> | undefined;

  /**
   * `withhold`: variables the spare must not carry while it waits (a session marker: it is not one of
   * the session's processes until it runs a command); the command gets them as given.
   */
  constructor(
    readonly cgroup: Cgroup,
    private readonly withhold: readonly string[] = [],
    /** Makes the spares off this event loop (see SpawnHelper); without it they are spawned here. */
    private readonly helper?: SpawnHelper,
  ) {}

  /** The pid of the waiting spare, if any (for tests and diagnostics). */
  get sparePid(): number | undefined {
    return this.spare && !this.spare.group.exitInfo ? this.spare.group.pid : undefined;
  }

  /**
   * Starts `command` (already wrapped by the caller's own wrappers) in the cgroup. `named` is the
   * command as the caller asked for it, for failures. Throws SpawnError as spawnGroup does. The
   * caller calls `prepare()` once the command's result is out.
   */
  start(command: Command, options: LaunchOptions, named: string): SpawnedGroup {
    const key = envKey(options.env);
    this.lastEnv = options.env;
    const spare = this.take(key);
    let group: SpawnedGroup | undefined;
    if (spare && !options.fd3) group = this.handOver(spare, command, options, named);
    else if (spare) this.discard(spare);
    if (!group) {
      const entering = this.cgroup.enter(command);
      group = spawnGroup(entering.file, entering.args, { ...options, wrapped: named });
    }
    return group;
  }

  /** Ends the spare (SIGKILL) and resolves once it is gone; nothing is started after this. */
  async close(): Promise<void> {
    this.closed = true;
    this.cancelQueued?.();
    this.cancelQueued = undefined;
    await this.madeOrLate();
    const spare = this.spare;
    this.spare = undefined;
    if (spare) await this.discard(spare);
  }

  /**
   * Waits for a spare the helper is making, up to MAKING_WAIT_MS: a helper that does not answer
   * (stopped by someone) must not hold a session's close. A spare that comes later is ended on
   * arrival (keep()).
   */
  private async madeOrLate(): Promise<void> {
    if (!this.making) return;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, MAKING_WAIT_MS);
    });
    await Promise.race([this.making, late]);
    clearTimeout(timer);
  }

  private take(key: string): Spare | undefined {
    const spare = this.spare;
    this.spare = undefined;
    if (!spare) return undefined;
    // A spare that wrote anything (its entry failed) or that is gone is no use.
    const { pipes, exitInfo } = spare.group;
    const quiet = pipes.stdout.readableLength === 0 && pipes.stderr.readableLength === 0;
    if (!exitInfo && quiet && spare.envKey === key) return spare;
    void this.discard(spare);
    return undefined;
  }

  private handOver(
    spare: Spare,
    command: Command,
    options: LaunchOptions,
    named: string,
  ): SpawnedGroup | undefined {
    const problem = startProblem(named, options.cwd, envValue(options.env, "PATH"));
    if (problem !== undefined) {
      void this.discard(spare);
      // The wrapper path reports it (SpawnError naming the command).
      return undefined;
    }
    const pwd = envValue(options.env, "PWD");
    // Absolute: the spare waits in "/", where a spawn would resolve a relative cwd against ours.
    const words = [
      resolve(options.cwd),
      pwd === undefined ? "unset" : "set",
      pwd ?? "",
      ...this.withheld(options.env),
      command.file,
      ...command.args,
    ];
    const message = words.map(quoted).join(" ");
    // A NUL would be dropped by `read`, where a spawn refuses the argument: the wrapper refuses it.
    if (Buffer.byteLength(message) > MAX_SPARE_MESSAGE || message.includes("\0")) {
      void this.discard(spare);
      return undefined;
    }
    spare.group.pipes.fd3!.end(message);
    return spare.group;
  }

  /** The withheld variables of `env` as a count and NAME=value words. */
  private withheld(env: Readonly<Record<string, string>>): string[] {
    const pairs = this.withhold.flatMap((name) => {
      const value = envValue(env, name);
      return value === undefined ? [] : [`${name}=${value}`];
    });
    return [String(pairs.length), ...pairs];
  }

  /**
   * Asks for the spare of the next command (with the last command's environment), unless there is
   * one, one is asked for already, or the launcher is closed. It is made in a later event-loop turn,
   * one spare per turn across every launcher (see spare-queue.ts).
   */
  prepare(): void {
    if (this.closed || this.spare || this.cancelQueued || this.making || this.lastEnv === undefined) return;
    this.cancelQueued = queueSpare(() => {
      this.cancelQueued = undefined;
      this.makeSpare();
    });
  }

  /** Starts the spare now, unless there is one already or the launcher is closed. */
  private makeSpare(): void {
    const env = this.lastEnv;
    if (this.closed || this.spare || this.making || env === undefined) return;
    const args = ["-c", SPARE_SCRIPT, "boris", `${this.cgroup.path}/cgroup.procs`];
    const key = envKey(env);
    // Through the helper when there is one that works; else here.
    const helped = this.helper?.spawn(ENTRY_SHELL, args, { cwd: "/", env: this.spareEnv(env) });
    if (helped) {
      this.making = helped.then((group) => {
        this.making = undefined;
        if (group) this.keep({ group, envKey: key });
      });
      return;
    }
    let child: ChildProcess;
    try {
      child = childProcess().spawn(ENTRY_SHELL, args, {
        cwd: "/",
        env: this.spareEnv(env),
        detached: true,
        stdio: ["ignore", "pipe", "pipe", "pipe"],
      });
    } catch {
      // No spare: the next command starts through the wrapper.
      return;
    }
    child.once("error", () => {});
    if (child.pid === undefined) return;
    this.keep({ group: SpawnedGroup.of(child), envKey: key });
  }

  /** Holds `spare` for the next command, or ends it when the launcher closed or has one already. */
  private keep(spare: Spare): void {
    spare.group.pipes.fd3?.on("error", () => {});
    if (this.closed || this.spare) {
      void this.discard(spare);
      return;
    }
    void spare.group.exited.then(() => {
      if (this.spare === spare) this.spare = undefined;
    });
    this.spare = spare;
  }

  /** The spare's environment: the command's, without the withheld variables. */
  private spareEnv(env: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
    const all: NodeJS.ProcessEnv = { ...process.env, ...env };
    for (const name of this.withhold) delete all[name];
    return all;
  }

  /** SIGKILLs a spare's group and resolves once it has exited. */
  private discard(spare: Spare): Promise<void> {
    const { group } = spare;
    if (group.exitInfo) return Promise.resolve();
    signalGroup(group.pid, "SIGKILL");
    group.pipes.stdout.destroy();
    group.pipes.stderr.destroy();
    group.pipes.fd3?.destroy();
    return group.exited.then(() => {});
  }
}
