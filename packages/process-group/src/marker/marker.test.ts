import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { isRunning, Leftovers, procStat, readPids, waitFor } from "@boris-mcp/test-support";
import { afterEach, describe, expect, it } from "vitest";
import { spawnGroup } from "../group/spawn.js";
import { terminate } from "../group/terminate.js";
import { collect } from "../test/collect.js";
import type { Marker, ProcessGroup } from "../types.js";
import { findMarkedProcesses, killMarkedProcesses, listMarkedProcesses } from "./marker.js";

const cwd = tmpdir();
const leftovers = new Leftovers();
afterEach(() => leftovers.cleanup());

function newMarker(): Marker {
  return { name: "BORIS_TEST_MARK", value: randomBytes(6).toString("hex") };
}

/** `sleep 1000` with exactly `env` as its environment (nothing inherited). */
async function sleeperWithEnv(env: Record<string, string>): Promise<ProcessGroup> {
  const assignments = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  const group = spawnGroup("env", ["-i", ...assignments, "sleep", "1000"], { cwd });
  leftovers.group(group.pgid);
  // Wait for the exec, so /proc/<pid>/environ is sleep's and not env's.
  if (!(await waitFor(() => procStat(group.pid) !== undefined && readComm(group.pid) === "sleep"))) {
    throw new Error("sleep did not start");
  }
  return group;
}

function readComm(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return undefined;
  }
}

describe.runIf(process.platform === "linux")("marker sweep", () => {
  it("finds and kills a setsid daemon that escaped the group kill", async () => {
    const marker = newMarker();
    const group = spawnGroup(
      "bash",
      ["-c", "setsid bash -c 'sleep 1000 & echo $!; wait' & echo $!; echo ready; sleep 1000"],
      { cwd, env: { [marker.name]: marker.value } },
    );
    leftovers.group(group.pgid);
    const out = collect(group.pipes.stdout);
    const escaped = await readPids(out.text, 2);
    for (const pid of escaped) leftovers.pid(pid);
    // Both the setsid'd bash and its sleep now live in another session and group.
    expect(await waitFor(() => escaped.every((pid) => procStat(pid)?.session !== group.pgid))).toBe(true);
    for (const pid of escaped) expect(procStat(pid)?.pgrp).not.toBe(group.pgid);

    await terminate(group, { graceMs: 2000 });
    expect(isRunning(group.pid)).toBe(false);
    for (const pid of escaped) expect(isRunning(pid)).toBe(true);

    expect(findMarkedProcesses(marker).sort()).toEqual([...escaped].sort());
    expect(await killMarkedProcesses(marker)).toBe(2);
    for (const pid of escaped) expect(isRunning(pid)).toBe(false);
    expect(findMarkedProcesses(marker)).toEqual([]);
  });

  it("matches whole NAME=value entries only", async () => {
    const marker = newMarker();
    const ours = await sleeperWithEnv({ [marker.name]: marker.value });
    const alsoOurs = await sleeperWithEnv({ A: "1", [marker.name]: marker.value, Z: "2" });
    const longer = await sleeperWithEnv({ [marker.name]: `${marker.value}d` });
    const shorter = await sleeperWithEnv({ [marker.name]: marker.value.slice(0, -1) });
    const otherName = await sleeperWithEnv({ [`X${marker.name}`]: marker.value });
    const inValue = await sleeperWithEnv({ OTHER: `${marker.name}=${marker.value}` });
    const unmarked = await sleeperWithEnv({ PATH: "/usr/bin:/bin" });

    expect(findMarkedProcesses(marker).sort()).toEqual([ours.pid, alsoOurs.pid].sort());
    expect(await killMarkedProcesses(marker)).toBe(2);
    expect(isRunning(ours.pid)).toBe(false);
    expect(isRunning(alsoOurs.pid)).toBe(false);
    for (const survivor of [longer, shorter, otherName, inValue, unmarked]) {
      expect(isRunning(survivor.pid)).toBe(true);
    }
  });

  it("kills a stopped marked process and leaves an unmarked one in the same group alone", async () => {
    const marker = newMarker();
    // The marked child gets the marker through the shell, the shell itself does not carry it.
    const group = spawnGroup(
      "bash",
      ["-c", `env ${marker.name}=${marker.value} sleep 1000 & echo $!; echo ready; sleep 1000`],
      { cwd },
    );
    leftovers.group(group.pgid);
    const out = collect(group.pipes.stdout);
    const [marked] = await readPids(out.text, 1);
    expect(await waitFor(() => readComm(marked!) === "sleep")).toBe(true);
    process.kill(marked!, "SIGSTOP");
    expect(await waitFor(() => procStat(marked!)?.state === "T")).toBe(true);

    expect(findMarkedProcesses(marker)).toEqual([marked]);
    expect(await killMarkedProcesses(marker)).toBe(1);
    expect(isRunning(marked!)).toBe(false);
    expect(isRunning(group.pid)).toBe(true);
  });

  it("sweeps many markers at once, each killing exactly its own (they share scans of /proc)", async () => {
    const markers = Array.from({ length: 12 }, newMarker);
    const sleepers = await Promise.all(markers.map((m) => sleeperWithEnv({ [m.name]: m.value })));
    // Another value of the same variable, swept by nobody here.
    const bystander = await sleeperWithEnv({ [markers[0]!.name]: newMarker().value });
    const killed = await Promise.all(markers.map((m) => killMarkedProcesses(m)));
    expect(killed).toEqual(markers.map(() => 1));
    for (const s of sleepers) expect(isRunning(s.pid)).toBe(false);
    expect(isRunning(bystander.pid)).toBe(true);
  });

  it("counts a process that repeats the variable as carrying each of its values", async () => {
    const first = newMarker();
    const second = { name: first.name, value: newMarker().value };
    // execve takes any environment block; python's ctypes hands it one that repeats a variable.
    const exec = `import ctypes; libc = ctypes.CDLL(None)
argv = (ctypes.c_char_p * 3)(b"sleep", b"1000", None)
envp = (ctypes.c_char_p * 3)(b"${first.name}=${first.value}", b"${second.name}=${second.value}", None)
libc.execve(b"/bin/sleep", argv, envp)`;
    const group = spawnGroup("python3", ["-c", exec], { cwd });
    leftovers.group(group.pgid);
    expect(await waitFor(() => readComm(group.pid) === "sleep")).toBe(true);
    expect(findMarkedProcesses(first)).toEqual([group.pid]);
    expect(findMarkedProcesses(second)).toEqual([group.pid]);
    expect(listMarkedProcesses(first.name).find((p) => p.pid === group.pid)?.values).toEqual([
      first.value,
      second.value,
    ]);
    expect(await killMarkedProcesses(second)).toBe(1);
    expect(isRunning(group.pid)).toBe(false);
  });

  it("finds nothing and kills nothing when no process carries the marker", async () => {
    const unmarked = await sleeperWithEnv({ PATH: "/usr/bin:/bin" });
    const marker = newMarker();
    expect(findMarkedProcesses(marker)).toEqual([]);
    expect(await killMarkedProcesses(marker)).toBe(0);
    expect(isRunning(unmarked.pid)).toBe(true);
  });
});
