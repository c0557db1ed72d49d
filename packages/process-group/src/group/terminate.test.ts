import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import {
  isGone,
  isRunning,
  isStillRunning,
  Leftovers,
  liveGroupMembers,
  procStat,
  readPids,
  waitFor,
} from "@boris-mcp/test-support";
import { afterEach, describe, expect, it, vi } from "vitest";
import { collect } from "../test/collect.js";
import type { ProcessGroup } from "../types.js";
import { spawnGroup } from "./spawn.js";
import { isGroupAlive, signalGroup, terminate } from "./terminate.js";

const cwd = tmpdir();
const leftovers = new Leftovers();
afterEach(() => {
  vi.restoreAllMocks();
  leftovers.cleanup();
});

/** Starts `script` in bash as a new group and waits until it printed `ready`. */
async function startReady(script: string): Promise<{ group: ProcessGroup; out: () => string }> {
  const group = spawnGroup("bash", ["-c", script], { cwd });
  leftovers.group(group.pgid);
  const out = collect(group.pipes.stdout);
  if (!(await waitFor(() => out.text().includes("ready")))) throw new Error(`not ready: ${out.text()}`);
  return { group, out: out.text };
}

/**
 * The group is gone as far as the OS can tell: the leader is reaped (ESRCH) and whatever /proc still
 * lists in the group is a zombie. Killed grandchildren are re-parented to init, which may reap them
 * only seconds later; a zombie can neither run nor be signalled.
 */
async function expectGroupGone(group: ProcessGroup): Promise<void> {
  await group.exited;
  expect(isGone(group.pid)).toBe(true);
  expect(isGroupAlive(group.pgid)).toBe(false);
  expect(liveGroupMembers(group.pgid)).toEqual([]);
}

const TRAP_TERM = 'trap "" TERM; echo ready; while :; do sleep 0.1; done';

describe("terminate", () => {
  it("ends a group that exits on TERM with TERM alone", async () => {
    const { group } = await startReady("echo ready; sleep 1000");
    // A long grace: if TERM did not work, the test would time out instead of passing.
    await terminate(group, { graceMs: 10_000 });
    expect(await group.exited).toEqual({ code: null, signal: "SIGTERM" });
    await expectGroupGone(group);
  });

  it("KILLs a group that ignores TERM once the grace is over, children included", async () => {
    const { group } = await startReady(TRAP_TERM);
    const kill = vi.spyOn(process, "kill");
    await terminate(group, { graceMs: 300 });
    expect(await group.exited).toEqual({ code: null, signal: "SIGKILL" });
    const sent = kill.mock.calls
      .filter(([pid, sig]) => pid === -group.pgid && sig !== 0)
      .map(([, sig]) => sig);
    expect(sent).toEqual(["SIGTERM", "SIGCONT", "SIGKILL"]);
    // The `sleep 0.1` children inherited the ignored TERM; they are gone too.
    await expectGroupGone(group);
  });

  it("kills the whole group, grandchildren included", async () => {
    const group = spawnGroup("bash", ["-c", "sleep 1000 & echo $!; (sleep 1000 & echo $!; wait) & wait"], {
      cwd,
    });
    leftovers.group(group.pgid);
    const out = collect(group.pipes.stdout);
    const pids = await readPids(out.text, 2);
    for (const pid of pids) {
      leftovers.pid(pid);
      expect(procStat(pid)?.pgrp).toBe(group.pgid);
    }
    await terminate(group, { graceMs: 2000 });
    for (const pid of pids) expect(isRunning(pid)).toBe(false);
    await expectGroupGone(group);
  });

  it("kills what a leader left behind in its group after the leader exited", async () => {
    const group = spawnGroup("bash", ["-c", "sleep 1000 & echo $!"], { cwd });
    leftovers.group(group.pgid);
    const out = collect(group.pipes.stdout);
    const [orphan] = await readPids(out.text, 1);
    await group.exited;
    expect(isGroupAlive(group.pgid)).toBe(true);
    await terminate(group.pgid, { graceMs: 2000 });
    expect(isRunning(orphan!)).toBe(false);
    await expectGroupGone(group);
  });

  it("terminates a stopped group: TERM acts because the group is continued", async () => {
    const { group } = await startReady("echo ready; sleep 1000");
    signalGroup(group.pgid, "SIGSTOP");
    expect(await waitFor(() => procStat(group.pid)?.state === "T")).toBe(true);
    await terminate(group, { graceMs: 10_000 });
    expect(await group.exited).toEqual({ code: null, signal: "SIGTERM" });
    await expectGroupGone(group);
  });

  it("terminates a stopped group that ignores TERM", async () => {
    const { group } = await startReady(TRAP_TERM);
    signalGroup(group.pgid, "SIGSTOP");
    expect(await waitFor(() => procStat(group.pid)?.state === "T")).toBe(true);
    await terminate(group, { graceMs: 300 });
    expect(await group.exited).toEqual({ code: null, signal: "SIGKILL" });
    await expectGroupGone(group);
  });

  it("is a no-op that resolves for a group that already exited", async () => {
    const group = spawnGroup("true", [], { cwd });
    await group.exited;
    const kill = vi.spyOn(process, "kill");
    await terminate(group, { graceMs: 300 });
    expect(kill.mock.calls.filter(([, sig]) => sig !== 0)).toEqual([]);
  });

  it("is a no-op that resolves for a pgid that never existed", async () => {
    const pidMax = Number(readFileSync("/proc/sys/kernel/pid_max", "utf8"));
    let pgid = pidMax - 1;
    while (!isGone(pgid)) pgid--;
    const kill = vi.spyOn(process, "kill");
    await terminate(pgid, { graceMs: 300 });
    expect(kill.mock.calls.filter(([, sig]) => sig !== 0)).toEqual([]);
  });

  it("refuses a group whose leader was reaped when its pgid now leads someone else's group", async () => {
    const ours = spawnGroup("true", [], { cwd });
    const exitInfo = await ours.exited;
    const stranger = spawnGroup("sleep", ["1000"], { cwd });
    leftovers.group(stranger.pgid);
    // What our handle would look like had the kernel handed our old number to the stranger.
    const reused: ProcessGroup = {
      ...ours,
      pid: stranger.pid,
      pgid: stranger.pgid,
      exitInfo,
      exited: ours.exited,
    };
    await terminate(reused, { graceMs: 300 });
    expect(isRunning(stranger.pid)).toBe(true);
    // By number there is no such knowledge: the group is terminated.
    await terminate(stranger.pgid, { graceMs: 2000 });
    expect(await stranger.exited).toEqual({ code: null, signal: "SIGTERM" });
  });

  it("terminates several groups in parallel: every TERM goes out before the first KILL", async () => {
    const groups = await Promise.all([1, 2, 3].map(() => startReady(TRAP_TERM)));
    const kill = vi.spyOn(process, "kill");
    await Promise.all(groups.map(({ group }) => terminate(group, { graceMs: 300 })));
    const sent = kill.mock.calls.filter(([, sig]) => sig === "SIGTERM" || sig === "SIGKILL");
    const firstKill = sent.findIndex(([, sig]) => sig === "SIGKILL");
    // One after the other, a group's KILL would come before the next group's TERM.
    expect(
      sent
        .slice(0, firstKill)
        .map(([pid]) => pid)
        .sort(),
    ).toEqual(groups.map(({ group }) => -group.pgid).sort());
    for (const { group } of groups) await expectGroupGone(group);
  });
});

describe("signalGroup and isGroupAlive", () => {
  it("refuse pgids that would address more than one group", () => {
    // Signal 0 only: with a broken guard nothing is delivered.
    for (const pgid of [0, 1, -1, -5, 1.5, Number.NaN]) {
      expect(signalGroup(pgid, 0)).toBe(false);
      expect(isGroupAlive(pgid)).toBe(false);
    }
  });

  it("track a live group", async () => {
    const group = spawnGroup("sleep", ["1000"], { cwd });
    leftovers.group(group.pgid);
    expect(isGroupAlive(group.pgid)).toBe(true);
    expect(signalGroup(group.pgid, "SIGKILL")).toBe(true);
    await group.exited;
    expect(isGroupAlive(group.pgid)).toBe(false);
    expect(signalGroup(group.pgid, 0)).toBe(false);
  });

  it("see a group created after the scan they share (a reused scan never answers for a newer group)", async () => {
    // Both leaders exit and leave a child, so each answer needs a scan of /proc.
    const first = spawnGroup("bash", ["-c", "sleep 1000 & echo $!"], { cwd });
    leftovers.group(first.pgid);
    await readPids(collect(first.pipes.stdout).text, 1);
    await first.exited;
    // Frozen clock: every scan counts as fresh, however long the second group takes to start.
    const now = performance.now();
    vi.spyOn(performance, "now").mockReturnValue(now);
    expect(isGroupAlive(first.pgid)).toBe(true);
    const second = spawnGroup("bash", ["-c", "sleep 1000 & echo $!"], { cwd });
    leftovers.group(second.pgid);
    await readPids(collect(second.pipes.stdout).text, 1);
    await second.exited;
    expect(isGroupAlive(second.pgid)).toBe(true);
    vi.restoreAllMocks();
    signalGroup(first.pgid, "SIGKILL");
    signalGroup(second.pgid, "SIGKILL");
    expect(await waitFor(() => !isGroupAlive(first.pgid) && !isGroupAlive(second.pgid))).toBe(true);
  });

  it("many groups with a dead leader and a TERM-ignoring member are terminated in parallel", async () => {
    // 30 groups polled at once: each poll of each group used to read every process of the system.
    const groups = await Promise.all(
      Array.from({ length: 30 }, async () => {
        const group = spawnGroup("bash", ["-c", `(${TRAP_TERM}) & sleep 0.2`], { cwd });
        leftovers.group(group.pgid);
        const out = collect(group.pipes.stdout);
        expect(await waitFor(() => out.text().includes("ready"))).toBe(true);
        await group.exited;
        return group;
      }),
    );
    // Who is in each group now (the TERM-ignoring subshell, maybe a `sleep 0.1`), by pid and start
    // time: by number alone, a group that is gone could be mistaken for a stranger that got the
    // number since (pid_max is 32768 here, and other suites spawn thousands of processes).
    const members = groups.map((group) => liveGroupMembers(group.pgid));
    for (const live of members) expect(live.length).toBeGreaterThan(0);
    await Promise.all(groups.map((group) => terminate(group.pgid, { graceMs: 300 })));
    expect(members.flat().filter(isStillRunning)).toEqual([]);
  });
});
