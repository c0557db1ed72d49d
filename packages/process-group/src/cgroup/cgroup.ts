import { mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pollUntil } from "../os/poll.js";
import type { Command } from "../run/run.js";

/** The shell that runs the entry wrapper: the smallest one on the system, always at this path. */
export const ENTRY_SHELL = "/bin/sh";

/**
 * Writes its own pid into the cgroup.procs file `$1`, then execs the command (`$2…`), so the
 * command and everything it starts run inside the cgroup from their first instruction. The parent
 * moving the child after the spawn would race with the child's first fork. When the write fails
 * (the cgroup is gone, permissions), the command is not run: exit 126 with one line on stderr.
 */
const ENTRY_SCRIPT =
  'echo $$ 2>/dev/null >"$1" || { echo "$0: could not enter the session cgroup ($1); the command was not run" >&2; exit 126; }; shift; exec "$@"';

function errorCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException).code;
}

/** A cgroup v2 directory: its processes, its kill switch, its removal. */
export class Cgroup {
  constructor(readonly path: string) {}

  /** Creates the cgroup directory (an existing one is reused). Throws the fs error otherwise. */
  static create(path: string): Cgroup {
    try {
      mkdirSync(path);
    } catch (err) {
      if (errorCode(err) !== "EEXIST") throw err;
    }
    return new Cgroup(path);
  }

  get name(): string {
    return this.path.slice(this.path.lastIndexOf("/") + 1);
  }

  /** The command that runs `command` inside this cgroup (see ENTRY_SCRIPT). */
  enter(command: Command): Command {
    return {
      file: ENTRY_SHELL,
      args: ["-c", ENTRY_SCRIPT, "boris", join(this.path, "cgroup.procs"), command.file, ...command.args],
    };
  }

  /** Pids of the processes in this cgroup itself (not its children); none once it is removed. */
  pids(): number[] {
    let text: string;
    try {
      text = readFileSync(join(this.path, "cgroup.procs"), "latin1");
    } catch {
      return [];
    }
    const pids: number[] = [];
    for (const line of text.split("\n")) if (line !== "") pids.push(Number(line));
    return pids;
  }

  /** Whether a live process is in this cgroup or below (zombies do not count). */
  populated(): boolean {
    try {
      return /^populated 1$/m.test(readFileSync(join(this.path, "cgroup.events"), "latin1"));
    } catch {
      return false;
    }
  }

  /** SIGKILLs every process in this cgroup and below at once (cgroup.kill). False when it is gone. */
  kill(): boolean {
    try {
      writeFileSync(join(this.path, "cgroup.kill"), "1");
      return true;
    } catch {
      return false;
    }
  }

  /** Writes one of the cgroup's interface files (`pids.max`, `cgroup.subtree_control` …). Throws. */
  write(file: string, value: string): void {
    writeFileSync(join(this.path, file), value);
  }

  /** Reads one of the cgroup's interface files; undefined when it cannot be read. */
  read(file: string): string | undefined {
    try {
      return readFileSync(join(this.path, file), "latin1");
    } catch {
      return undefined;
    }
  }

  /** The child cgroups. */
  children(): Cgroup[] {
    try {
      return readdirSync(this.path, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => new Cgroup(join(this.path, entry.name)));
    } catch {
      return [];
    }
  }

  /** Resolves true once nothing lives in the cgroup, false after `timeoutMs`. */
  waitEmpty(timeoutMs: number): Promise<boolean> {
    return pollUntil(() => !this.populated(), timeoutMs);
  }

  /**
   * Removes the directory: true when it is gone (or was), false while a process or a child cgroup
   * still holds it.
   */
  remove(): boolean {
    try {
      rmdirSync(this.path);
      return true;
    } catch (err) {
      return errorCode(err) === "ENOENT";
    }
  }
}
