import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  daemonPids,
  isRunning,
  Leftovers,
  procStat,
  readPids,
  UNMARKED_DAEMONS,
  unmarkedDaemonsScript,
  waitFor,
} from "@boris-mcp/test-support";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { Cgroup } from "./cgroup/cgroup.js";
import { killCgroup, terminateCgroup } from "./cgroup/terminate-cgroup.js";
import { terminate } from "./group/terminate.js";
import { type KillPath, KillTally } from "./kill-tally.js";
import { killMarkedProcesses } from "./marker/marker.js";
import { terminateMarked } from "./marker/terminate-marked.js";
import { startRun } from "./run/run.js";
import { cgroupSkipReason, newTestCgroup, removeTestCgroup } from "./test/cgroup.js";

function recorder() {
  const counts: Partial<Record<KillPath, number>> = {};
  const tally = new KillTally((by, count) => {
    counts[by] = (counts[by] ?? 0) + count;
  });
  return { counts, tally };
}

describe("KillTally", () => {
  it("counts each process once, for the first path that claimed it, and reports only news", () => {
    const events: [KillPath, number][] = [];
    const tally = new KillTally((by, count) => events.push([by, count]));
    expect(tally.claim("group", [10, 11])).toBe(2);
    expect(tally.claim("marker", [11, 12])).toBe(1);
    expect(tally.claim("cgroup", [10, 11, 12])).toBe(0);
    expect(tally.claim("cgroup", [])).toBe(0);
    expect(tally.claim("orphan-sweep", new Set([13]))).toBe(1);
    expect(events).toEqual([
      ["group", 2],
      ["marker", 1],
      ["orphan-sweep", 1],
    ]);
  });

  it("goes on counting when the observer throws", () => {
    const tally = new KillTally(() => {
      throw new Error("a broken counter");
    });
    expect(tally.claim("group", [1])).toBe(1);
    expect(tally.claim("group", [1, 2])).toBe(1);
  });
});

const dir = mkdtempSync(join(tmpdir(), "boris-tally-"));
const leftovers = new Leftovers();
const cgroups: Cgroup[] = [];
afterEach(async () => {
  leftovers.cleanup();
  await Promise.all(cgroups.splice(0).map(removeTestCgroup));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("what each kill path killed", () => {
  it.skipIf(cgroupSkipReason !== undefined)(
    "counts the group's members, the marked escapee and what only the cgroup held",
    async () => {
      const cgroup = newTestCgroup();
      cgroups.push(cgroup);
      const marker = { name: "BORIS_SESSION", value: `tally-${process.pid}-${Date.now()}` };
      const pidFile = join(dir, "daemons");
      const run = startRun(
        "bash",
        [
          "-c",
          `${unmarkedDaemonsScript(pidFile)}\nsetsid sleep 1000 < /dev/null > /dev/null 2>&1 & echo $!\nsleep 1000 & echo $!\nwait`,
        ],
        {
          cwd: dir,
          env: { [marker.name]: marker.value },
          outputLimit: 10_000,
          wrap: (c) => cgroup.enter(c),
        },
      );
      leftovers.group(run.pgid);
      const [markedDaemon] = await readPids(() => run.stdout.toString(), 2);
      leftovers.pid(markedDaemon!);
      // Counted by where each one is when the paths look: the setsid'd one must have left the group.
      expect(await waitFor(() => procStat(markedDaemon!)?.session === markedDaemon)).toBe(true);
      expect(await waitFor(() => daemonPids(pidFile).length === UNMARKED_DAEMONS)).toBe(true);
      for (const pid of daemonPids(pidFile)) leftovers.pid(pid);

      const { counts, tally } = recorder();
      const exceptGroups = new Set([run.pgid]);
      await Promise.all([
        terminate(run, { graceMs: 2000, tally }),
        terminateMarked(marker, { graceMs: 2000, exceptGroups, tally }),
        terminateCgroup(cgroup, { graceMs: 2000, exceptGroups, exceptMarker: marker, tally }),
      ]);
      expect(await killCgroup(cgroup, { tally })).toBe(true);
      expect(await killMarkedProcesses(marker, { tally })).toBe(0);
      // bash and its sleep; the setsid'd sleep; the daemons without the marker.
      expect(counts).toEqual({ group: 2, marker: 1, cgroup: UNMARKED_DAEMONS });
      expect(isRunning(markedDaemon!)).toBe(false);
    },
  );

  it("reports a run's own kills (a timeout, a task_kill) to its onKilled", async () => {
    const seen: [KillPath, number][] = [];
    const run = startRun("bash", ["-c", "sleep 1000 & echo $!; sleep 1000 & echo $!; wait"], {
      cwd: dir,
      outputLimit: 1000,
      graceMs: 2000,
      onKilled: (by, count) => seen.push([by, count]),
    });
    leftovers.group(run.pgid);
    await readPids(() => run.stdout.toString(), 2);
    await run.kill();
    expect((await run.result).reason).toBe("killed");
    expect(seen).toEqual([["group", 3]]);
  });
});
