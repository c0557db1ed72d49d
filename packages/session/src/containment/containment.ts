import { enableControllers, type KillTally, probeCgroupV2, SpawnHelper } from "@boris-mcp/process-group";
import {
  type CgroupLimits,
  LIMIT_CONTROLS,
  ServerCgroup,
  serverCgroupName,
  sweepOrphanedCgroups,
} from "./server-cgroup.js";
import { SessionCgroup } from "./session-cgroup.js";

/** What holds a session's processes: its own cgroup (and the marker), or the marker alone. */
export type ContainmentKind = "cgroup" | "marker";

/** `auto`: a cgroup per session where cgroup v2 is writable, the marker elsewhere; `off`: the marker. */
export type CgroupMode = "auto" | "off";

export interface ContainmentSettings extends CgroupLimits {
  /** Default `auto`. */
  readonly mode?: CgroupMode;
  /**
   * Make the sessions' spare processes through a helper process instead of on the server's event
   * loop (process-group's SpawnHelper): for a server with many sessions. Default false.
   */
  readonly spawnHelper?: boolean;
}

/** A limit was asked for that this system cannot enforce. */
export class ContainmentError extends Error {
  constructor(
    /** The setting that cannot be honoured. */
    readonly limit: keyof CgroupLimits,
    message: string,
  ) {
    super(message);
    this.name = "ContainmentError";
  }
}

/** What a delegated cgroup needs, said once for every refusal of a limit. */
const LIMIT_FIX =
  "drop the option, or run the server where cgroup v2 offers the controller to it (a systemd service with Delegate=yes, a container with its own cgroup namespace on a cgroup v2 host)";

/**
 * How a server contains its sessions, decided once at start: with cgroups (`<own cgroup>/boris-<server
 * identity>/session-<id>`, only ever under the server's own cgroup) where cgroup v2 is writable and
 * mode is `auto`, else with the marker alone. Shared by every session of the server.
 */
export class Containment {
  private constructor(
    readonly kind: ContainmentKind,
    /** Why sessions rely on the marker alone (`--cgroup off`, or what the probe found). */
    readonly reason: string | undefined,
    readonly limits: CgroupLimits,
    private readonly server: ServerCgroup | undefined,
    private readonly helper?: SpawnHelper,
  ) {}

  /** Containment by the marker alone, for `reason`. */
  static marker(reason: string): Containment {
    return new Containment("marker", reason, {}, undefined);
  }

  /** Containment by a cgroup per session below `server`, their spares made by `helper` if given. */
  static cgroup(server: ServerCgroup, limits: CgroupLimits, helper?: SpawnHelper): Containment {
    return new Containment("cgroup", undefined, limits, server, helper);
  }

  /** The directory that holds the session cgroups (`…/boris-<server identity>`). */
  get cgroupPath(): string | undefined {
    return this.server?.cgroup.path;
  }

  /** What the start-up log line says about it. */
  describe(): Record<string, unknown> {
    if (this.kind === "marker") return { containment: "marker", cgroups: this.reason };
    return { containment: "cgroup", cgroup: this.cgroupPath, ...this.limits };
  }

  /** A new session's cgroup (made when it starts its first command); none for the marker. */
  sessionCgroup(sessionId: string): SessionCgroup | undefined {
    return this.server && new SessionCgroup(this.server, `session-${sessionId}`, this.limits, this.helper);
  }

  /** Kills and removes the cgroups of servers that no longer exist; resolves with how many processes. */
  sweepOrphans(tally?: KillTally): Promise<number> {
    return this.server ? sweepOrphanedCgroups(this.server.own, tally) : Promise.resolve(0);
  }

  /**
   * SIGKILLs every process of this server's session cgroups, synchronously; returns their pids. The
   * spawn helper goes first, with what it is starting: nothing enters a cgroup after its kill.
   */
  killAllNow(): number[] {
    const helped = this.helper?.killNow() ?? [];
    return [...new Set([...helped, ...(this.server?.killAllNow() ?? [])])];
  }
}

/**
 * Decides how sessions are contained. `auto` probes cgroup v2 (creating and removing this server's
 * cgroup once) and falls back to the marker with the reason; limits need the cgroup and their
 * controller, else a ContainmentError says why.
 */
export function openContainment(settings: ContainmentSettings = {}): Containment {
  const { mode = "auto" } = settings;
  const limits: CgroupLimits = { memoryMax: settings.memoryMax, pidsMax: settings.pidsMax };
  const asked = (Object.keys(LIMIT_CONTROLS) as (keyof CgroupLimits)[]).filter(
    (k) => limits[k] !== undefined,
  );
  if (mode === "off") {
    if (asked[0]) throw new ContainmentError(asked[0], "needs the session cgroups, which are off");
    return Containment.marker("off");
  }
  const support = probeCgroupV2(serverCgroupName());
  if (!support.usable) {
    if (asked[0]) {
      throw new ContainmentError(
        asked[0],
        `cgroup v2 is not writable here (${support.reason}); ${LIMIT_FIX}`,
      );
    }
    return Containment.marker(support.reason);
  }
  for (const key of asked) {
    const problem = enableControllers(support.own, [LIMIT_CONTROLS[key].controller]);
    if (problem) throw new ContainmentError(key, `${problem}; ${LIMIT_FIX}`);
  }
  return Containment.cgroup(
    new ServerCgroup(support.own),
    Object.fromEntries(asked.map((k) => [k, limits[k]])),
    settings.spawnHelper ? new SpawnHelper() : undefined,
  );
}

let shared: Containment | undefined;

/** `openContainment()` made once per process: what a Session uses when it is given none. */
export function defaultContainment(): Containment {
  shared ??= openContainment();
  return shared;
}
