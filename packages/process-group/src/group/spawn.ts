import type { ChildProcess } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";
import { join, resolve as resolvePath } from "node:path";
import type { Readable, Writable } from "node:stream";
import { childProcess } from "../os/builtins.js";
import type { ExitInfo, ProcessGroup } from "../types.js";

export interface SpawnGroupOptions {
  readonly cwd: string;
  /** Extra environment merged over process.env (e.g. the session marker). */
  readonly env?: Readonly<Record<string, string>>;
  /** Also open a pipe to the child's file descriptor 3 (`child.stdio[3]`, writable here). */
  readonly fd3?: boolean;
  /**
   * The command `file args` was wrapped from (a wrapper that execs it). It is checked before the
   * spawn, and failures name it: the wrapper itself would start and only then fail to exec it.
   */
  readonly wrapped?: string;
}

/** The command could not be started (missing binary, bad cwd, resource limits). */
export class SpawnError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SpawnError";
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Why `file` cannot be started in `cwd`, or undefined when nothing visible stands in the way. */
export function startProblem(file: string, cwd: string, path: string | undefined): string | undefined {
  try {
    if (!statSync(cwd).isDirectory()) return `working directory ${cwd} is not a directory`;
  } catch {
    return `working directory ${cwd} does not exist`;
  }
  if (file.includes("/")) {
    if (!isExecutable(resolvePath(cwd, file))) return `${file} does not exist or is not an executable file`;
  } else if (!(path ?? "").split(":").some((dir) => dir !== "" && isExecutable(join(dir, file)))) {
    return `${file} was not found on PATH (${path ?? "unset"})`;
  }
  return undefined;
}

/** Node reports every spawn failure as ENOENT, whether the binary or the cwd is missing: find out which. */
function explainSpawnFailure(file: string, cwd: string, path: string | undefined): string {
  return (
    startProblem(file, cwd, path) ??
    `${file} could not be executed (bad interpreter line or out of resources)`
  );
}

/** A started group's ends of its pipes: stdout and stderr to read, fd 3 to write when asked for. */
export interface GroupPipes {
  readonly stdout: Readable;
  readonly stderr: Readable;
  readonly fd3?: Writable;
}

/** A started group; its pipes stay inside this package (the runner reads and closes them). */
export class SpawnedGroup implements ProcessGroup {
  readonly pgid: number;
  exitInfo: ExitInfo | undefined;
  readonly exited: Promise<ExitInfo>;

  constructor(
    readonly pid: number,
    readonly pipes: GroupPipes,
    exited: Promise<ExitInfo>,
  ) {
    this.pgid = pid;
    this.exited = exited.then((exit) => {
      this.exitInfo = exit;
      return exit;
    });
  }

  /** The group of a child spawned here, by this process. */
  static of(child: ChildProcess): SpawnedGroup {
    const exited = new Promise<ExitInfo>((resolve) => {
      child.once("exit", (code, signal) => resolve({ code, signal }));
    });
    const pipes = {
      stdout: child.stdout!,
      stderr: child.stderr!,
      fd3: child.stdio[3] as Writable | undefined,
    };
    return new SpawnedGroup(child.pid!, pipes, exited);
  }
}

/**
 * Starts `file args` as the leader of a new process group (and session, so no controlling
 * terminal), stdin from /dev/null, stdout and stderr piped. Throws SpawnError when it cannot start.
 */
export function spawnGroup(file: string, args: readonly string[], options: SpawnGroupOptions): SpawnedGroup {
  const env = options.env ? { ...process.env, ...options.env } : process.env;
  const named = options.wrapped ?? file;
  if (options.wrapped !== undefined) {
    const problem = startProblem(options.wrapped, options.cwd, env.PATH);
    if (problem !== undefined) throw new SpawnError(`could not start ${named}: ${problem}`);
  }
  let child: ChildProcess;
  try {
    const stdio = options.fd3 ? ["ignore", "pipe", "pipe", "pipe"] : ["ignore", "pipe", "pipe"];
    child = childProcess().spawn(file, args, {
      cwd: options.cwd,
      env,
      detached: true,
      stdio: stdio as ["ignore", "pipe", "pipe"],
    });
  } catch (err) {
    // Some failures (ENOTDIR, EACCES…) are thrown at once, argument errors (ERR_…) too.
    const code = (err as NodeJS.ErrnoException).code;
    const reason =
      code?.startsWith("E") && !code.startsWith("ERR_")
        ? explainSpawnFailure(file, options.cwd, env.PATH)
        : (err as Error).message;
    throw new SpawnError(`could not start ${named}: ${reason}`);
  }
  if (child.pid === undefined) {
    // The failure is emitted asynchronously; swallow it here, the caller gets the thrown error.
    child.once("error", () => {});
    throw new SpawnError(`could not start ${named}: ${explainSpawnFailure(file, options.cwd, env.PATH)}`);
  }
  child.once("error", () => {});
  return SpawnedGroup.of(child);
}
