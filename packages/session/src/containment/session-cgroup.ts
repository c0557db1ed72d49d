import {
  CGROUP_KILL_WAIT_MS,
  type Cgroup,
  CgroupLauncher,
  type Command,
  type KillTally,
  killCgroup,
  SpawnError,
  type SpawnHelper,
  type TerminateCgroupOptions,
  terminateCgroup,
} from "@boris-mcp/process-group";
import { MARKER_NAME } from "../marker-name.js";
import type { CgroupLimits, ServerCgroup } from "./server-cgroup.js";

/**
 * One session's cgroup, `<server cgroup>/session-<id>`: made when the session starts its first
 * command (a session that only reads files never has one), every command of the session starts
 * inside it, and close ends everything in it and removes it.
 */
export class SessionCgroup {
  private cgroup: Cgroup | undefined;
  private starter: CgroupLauncher | undefined;
  private removed = false;

  constructor(
    private readonly server: ServerCgroup,
    private readonly name: string,
    private readonly limits: CgroupLimits,
    private readonly helper?: SpawnHelper,
  ) {}

  /** The cgroup's directory once made. */
  get path(): string | undefined {
    return this.cgroup?.path;
  }

  /** The cgroup once made, for `killNow`. */
  get target(): Cgroup | undefined {
    return this.cgroup;
  }

  /**
   * `command` rewritten to enter this cgroup before it runs; the cgroup is made on first use.
   * Throws SpawnError when it cannot be made (or is already removed): nothing must run outside it.
   */
  enter(command: Command): Command {
    return this.made(command.file).enter(command);
  }

  /**
   * What starts the session's commands inside its cgroup (a process that entered it ahead of time,
   * see CgroupLauncher); the cgroup is made on first use. Throws SpawnError as `enter` does.
   */
  launcher(file: string): CgroupLauncher {
    const cgroup = this.made(file);
    // The waiting process is not the session's until it runs a command: no marker until then.
    this.starter ??= new CgroupLauncher(cgroup, [MARKER_NAME], this.helper);
    return this.starter;
  }

  /** Ends the launcher's waiting process, so that only the session's own processes are left. */
  async closeLauncher(): Promise<void> {
    await this.starter?.close();
  }

  private made(file: string): Cgroup {
    if (this.removed) throw new SpawnError(`could not start ${file}: the session's cgroup is removed`);
    if (!this.cgroup) {
      try {
        this.cgroup = this.server.createSession(this.name, this.limits);
      } catch (err) {
        const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
        throw new SpawnError(
          `could not start ${file}: the session's cgroup could not be made under ${this.server.cgroup.path} (${why})`,
        );
      }
    }
    return this.cgroup;
  }

  /** TERM to what only the cgroup holds, until it is gone or the grace is over (see terminateCgroup). */
  async terminate(options: TerminateCgroupOptions): Promise<void> {
    if (this.cgroup) await terminateCgroup(this.cgroup, options);
  }

  /** cgroup.kill, and wait until the cgroup is empty. */
  async kill(tally?: KillTally): Promise<void> {
    if (this.cgroup) await killCgroup(this.cgroup, { tally });
  }

  /**
   * Kills whatever is still in the cgroup, waits (bounded) until it is empty and removes it; it
   * cannot be made again. A cgroup still held by an unkillable process is removed later.
   */
  async remove(): Promise<void> {
    this.removed = true;
    await this.closeLauncher();
    const cgroup = this.cgroup;
    if (!cgroup) return;
    if (cgroup.populated()) {
      cgroup.kill();
      await cgroup.waitEmpty(CGROUP_KILL_WAIT_MS);
    }
    this.server.release(cgroup);
  }
}
