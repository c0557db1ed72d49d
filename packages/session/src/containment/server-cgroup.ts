import { join } from "node:path";
import { CGROUP_KILL_WAIT_MS, Cgroup, type KillTally } from "@boris-mcp/process-group";
import { SERVER_IDENTITY, serverAlive } from "../server-identity.js";

/** The name of a server's cgroup under its own: `boris-<server identity>`. */
export function serverCgroupName(identity: string = SERVER_IDENTITY): string {
  return `boris-${identity}`;
}

const SERVER_CGROUP_NAME = /^boris-(\d+-\d+)$/;

/** Limits of each session's cgroup; absent ones are not set. */
export interface CgroupLimits {
  /** `memory.max`, bytes. */
  readonly memoryMax?: number;
  /** `pids.max`, processes. */
  readonly pidsMax?: number;
}

/** The controller each limit needs, and the interface file that sets it. */
export const LIMIT_CONTROLS = {
  memoryMax: { controller: "memory", file: "memory.max" },
  pidsMax: { controller: "pids", file: "pids.max" },
} as const;

/**
 * `<own cgroup>/boris-<server identity>`: the parent of this server's session cgroups. It exists
 * while a session cgroup does — made with the first one, removed with the last — so a server that
 * ends leaves nothing, and one that crashes leaves a name the next server's sweep recognises.
 * Every call is synchronous: no other call of this process can come between its steps.
 */
export class ServerCgroup {
  readonly cgroup: Cgroup;
  /** Session cgroups that could not be removed yet (a process in uninterruptible sleep). */
  private readonly stuck = new Set<Cgroup>();

  constructor(readonly own: Cgroup) {
    this.cgroup = new Cgroup(join(own.path, serverCgroupName()));
  }

  /** Creates the session cgroup `name` with `limits`. Throws the file system's error. */
  createSession(name: string, limits: CgroupLimits): Cgroup {
    Cgroup.create(this.cgroup.path);
    const controls = Object.entries(LIMIT_CONTROLS).filter(([key]) => limits[key as keyof CgroupLimits]);
    const wanted = controls.map(([, { controller }]) => controller);
    const enabled = (this.cgroup.read("cgroup.subtree_control") ?? "").split(/\s+/);
    const missing = wanted.filter((c) => !enabled.includes(c));
    if (missing.length > 0)
      this.cgroup.write("cgroup.subtree_control", missing.map((c) => `+${c}`).join(" "));
    const session = Cgroup.create(join(this.cgroup.path, name));
    try {
      for (const [key, { file }] of controls) session.write(file, String(limits[key as keyof CgroupLimits]));
    } catch (err) {
      this.release(session);
      throw err;
    }
    return session;
  }

  /**
   * Removes an emptied session cgroup (kept for a later try while something still holds it), and
   * this server's cgroup once no session cgroup is left.
   */
  release(session: Cgroup): void {
    this.stuck.add(session);
    for (const cgroup of this.stuck) if (cgroup.remove()) this.stuck.delete(cgroup);
    if (this.stuck.size === 0) this.cgroup.remove();
  }

  /**
   * SIGKILLs, synchronously, every process of every session cgroup of this server (one cgroup.kill
   * on their parent): the last resort before a forced exit. Returns the pids it found there.
   */
  killAllNow(): number[] {
    const found = this.cgroup.children().flatMap((session) => session.pids());
    if (found.length > 0) this.cgroup.kill();
    return found;
  }
}

/**
 * Kills and removes the cgroups that servers which no longer exist left under `own`
 * (`boris-<identity>` of a dead identity, and every session cgroup in it). Live servers' cgroups —
 * this one's included — are not touched. Resolves with how many processes were killed.
 */
export async function sweepOrphanedCgroups(own: Cgroup, tally?: KillTally): Promise<number> {
  let killed = 0;
  for (const server of own.children()) {
    const identity = SERVER_CGROUP_NAME.exec(server.name)?.[1];
    if (identity === undefined || identity === SERVER_IDENTITY || serverAlive(identity)) continue;
    const sessions = server.children();
    const pids = sessions.flatMap((session) => session.pids());
    killed += pids.length;
    tally?.claim("orphan-sweep", pids);
    if (server.populated()) {
      server.kill();
      await server.waitEmpty(CGROUP_KILL_WAIT_MS);
    }
    for (const session of sessions) session.remove();
    server.remove();
  }
  return killed;
}
