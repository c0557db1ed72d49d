import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { cgroupOf, isRunning, Leftovers, waitFor } from "@boris-mcp/test-support";
import { afterEach, describe, expect, it } from "vitest";
import { SERVER_IDENTITY } from "../server-identity.js";
import { Session } from "../session.js";
import { cgroupSkipReason } from "../test/bash-tasks.js";
import { ContainmentError, defaultContainment, openContainment } from "./containment.js";

const leftovers = new Leftovers();
const sessions: Session[] = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.killNow()));
  leftovers.cleanup();
});

/** The v2 controllers the server's own cgroup offers its children, read independently of the code. */
function offeredControllers(): string[] {
  const own = dirname(defaultContainment().cgroupPath!);
  return readFileSync(join(own, "cgroup.controllers"), "utf8").trim().split(/\s+/).filter(Boolean);
}

describe("openContainment", () => {
  it("is off when asked, and then refuses limits (they need the cgroups)", () => {
    const off = openContainment({ mode: "off" });
    expect(off.kind).toBe("marker");
    expect(off.describe()).toEqual({ containment: "marker", cgroups: "off" });
    expect(off.sessionCgroup("x")).toBeUndefined();
    expect(() => openContainment({ mode: "off", pidsMax: 10 })).toThrow(
      new ContainmentError("pidsMax", "needs the session cgroups, which are off"),
    );
  });

  it.skipIf(cgroupSkipReason !== undefined)(
    "chooses cgroups where cgroup v2 is writable, leaving nothing made",
    () => {
      const auto = openContainment();
      expect(auto.kind).toBe("cgroup");
      const serverCgroup = join(dirname(auto.cgroupPath!), `boris-${SERVER_IDENTITY}`);
      expect(auto.cgroupPath).toBe(serverCgroup);
      expect(auto.describe()).toEqual({ containment: "cgroup", cgroup: serverCgroup });
      // The probe made and removed it; sessions make it again when they need it.
      expect(existsSync(serverCgroup)).toBe(false);
      const own = cgroupOf(process.pid)!;
      expect(serverCgroup.endsWith(`${own === "/" ? "" : own}/boris-${SERVER_IDENTITY}`)).toBe(true);
    },
  );

  it.runIf(cgroupSkipReason !== undefined)(
    "falls back to the marker with the reason where cgroups are not writable",
    () => {
      const auto = openContainment();
      expect(auto.kind).toBe("marker");
      expect(auto.reason).toBe(defaultContainment().reason);
      expect(() => openContainment({ memoryMax: 1 << 30 })).toThrow(/^cgroup v2 is not writable here/);
    },
  );
});

describe.skipIf(cgroupSkipReason !== undefined)("session limits", () => {
  it("refuses a limit whose controller cgroup v2 does not offer here, naming it and what is there", () => {
    const offered = offeredControllers();
    for (const [limit, controller] of [
      ["pidsMax", "pids"],
      ["memoryMax", "memory"],
    ] as const) {
      if (offered.includes(controller)) continue;
      let error: unknown;
      try {
        openContainment({ [limit]: 100 << 20 });
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(ContainmentError);
      expect((error as ContainmentError).limit).toBe(limit);
      expect((error as Error).message).toMatch(
        new RegExp(
          `^the ${controller} controller is not available in cgroup v2 at .* \\(available there: ${offered.join(", ") || "none"}\\); drop the option, or run the server where`,
        ),
      );
    }
  });

  it("a fork bomb hits the session's pids.max, not the server", async (ctx) => {
    if (!offeredControllers().includes("pids")) {
      console.log("skipping the fork-bomb test: the pids controller is not in cgroup v2 here");
      ctx.skip();
    }
    const containment = openContainment({ pidsMax: 20 });
    const s = new Session({ workdir: "/", graceMs: 300, containment });
    sessions.push(s);
    const run = s.run("bash", ["-c", "for i in $(seq 100); do sleep 1000 & done; wait"], {
      cwd: "/",
      outputLimit: 100_000,
    });
    leftovers.group(run.pgid);
    expect(await waitFor(() => run.stderr.toString().includes("fork"))).toBe(true);
    expect(Number(readFileSync(join(s.cgroupPath!, "pids.current"), "utf8"))).toBeLessThanOrEqual(20);
    expect(readFileSync(join(s.cgroupPath!, "pids.max"), "utf8").trim()).toBe("20");
    // The server, outside the session's cgroup, can still start processes.
    expect(spawnSync("true").status).toBe(0);
    await s.close();
    expect(isRunning(run.pid)).toBe(false);
  });
});
