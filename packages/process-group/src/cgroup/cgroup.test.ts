import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  daemonPids,
  isRunning,
  Leftovers,
  readPids,
  UNMARKED_DAEMONS,
  unmarkedDaemonsScript,
  waitFor,
} from "@boris-mcp/test-support";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { killNow } from "../group/kill-now.js";
import { SpawnError } from "../group/spawn.js";
import { type Run, startRun } from "../run/run.js";
import { cgroupSkipReason, newTestCgroup, removeTestCgroup } from "../test/cgroup.js";
import type { Cgroup } from "./cgroup.js";
import { probeCgroupV2 } from "./probe.js";
import { killCgroup, terminateCgroup } from "./terminate-cgroup.js";

const dir = mkdtempSync(join(tmpdir(), "boris-cgroup-"));
const leftovers = new Leftovers();
const cgroups: Cgroup[] = [];
afterEach(async () => {
  leftovers.cleanup();
  await Promise.all(cgroups.splice(0).map(removeTestCgroup));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function testCgroup(): Cgroup {
  const cgroup = newTestCgroup();
  cgroups.push(cgroup);
  return cgroup;
}

function bashIn(cgroup: Cgroup, script: string, env: Record<string, string> = {}): Run {
  const run = startRun("bash", ["-c", script], {
    cwd: dir,
    env,
    graceMs: 2000,
    outputLimit: 100_000,
    drainMs: 50,
    wrap: (command) => cgroup.enter(command),
  });
  leftovers.group(run.pgid);
  return run;
}

/** Waits until the daemons of unmarkedDaemonsScript(file) wrote their pids; notes them for clean-up. */
async function daemonsOf(file: string): Promise<number[]> {
  expect(await waitFor(() => daemonPids(file).length === UNMARKED_DAEMONS)).toBe(true);
  const pids = daemonPids(file);
  for (const pid of pids) leftovers.pid(pid);
  return pids;
}

describe.skipIf(cgroupSkipReason !== undefined)("cgroups (v2 writable here)", () => {
  it("probes this process's own cgroup v2: listed in /proc/self/cgroup, under a cgroup2 mount", () => {
    const support = probeCgroupV2(`boris-probe-${process.pid}`);
    expect(support.usable).toBe(true);
    if (!support.usable) return;
    expect(support.own.pids()).toContain(process.pid);
    const own = readFileSync("/proc/self/cgroup", "utf8")
      .split("\n")
      .find((l) => l.startsWith("0::"))!
      .slice(3);
    expect(support.own.path.endsWith(own === "/" ? "" : own)).toBe(true);
    // The probe leaves nothing behind.
    expect(existsSync(join(support.own.path, `boris-probe-${process.pid}`))).toBe(false);
  });

  it("runs a wrapped command inside the cgroup from its first instruction, children included", async () => {
    const cgroup = testCgroup();
    const run = bashIn(cgroup, 'grep "^0::" /proc/$$/cgroup; sleep 1000 & echo $!; wait');
    const [child] = await readPids(() => run.stdout.toString(), 1);
    leftovers.pid(child!);
    expect(run.stdout.toString().split("\n")[0]).toMatch(new RegExp(`^0::/.*/${cgroup.name}$`));
    expect(cgroup.pids().sort()).toEqual([run.pid, child!].sort());
    expect(cgroup.populated()).toBe(true);
  });

  it("names the wrapped command, not the wrapper, when it cannot start", () => {
    const cgroup = testCgroup();
    const options = { cwd: dir, wrap: (c: { file: string; args: readonly string[] }) => cgroup.enter(c) };
    expect(() => startRun("boris-no-such-binary", [], options)).toThrow(
      /^could not start boris-no-such-binary: .*not found on PATH/,
    );
    expect(() => startRun("true", [], { ...options, cwd: join(dir, "gone") })).toThrow(
      new SpawnError(`could not start true: working directory ${join(dir, "gone")} does not exist`),
    );
  });

  it("does not run the command when the cgroup cannot be entered: exit 126 and one line", async () => {
    const cgroup = testCgroup();
    expect(cgroup.remove()).toBe(true);
    const marker = join(dir, "ran");
    const result = await bashIn(cgroup, `touch ${marker}`).result;
    expect(result.exitCode).toBe(126);
    expect(result.stderr).toBe(
      `boris: could not enter the session cgroup (${cgroup.path}/cgroup.procs); the command was not run\n`,
    );
    expect(existsSync(marker)).toBe(false);
  });

  it("terminateCgroup TERMs what only the cgroup holds, sparing the groups' and the marker's", async () => {
    const cgroup = testCgroup();
    const marker = { name: "BORIS_SESSION", value: `test-${process.pid}-${Date.now()}` };
    const pidFile = join(dir, "spare-daemons");
    const run = bashIn(
      cgroup,
      `${unmarkedDaemonsScript(pidFile)}\nsetsid sleep 1000 < /dev/null > /dev/null 2>&1 & echo $!\nsleep 1000 & echo $!\nwait`,
      { [marker.name]: marker.value },
    );
    const [markedDaemon, member] = await readPids(() => run.stdout.toString(), 2);
    leftovers.pid(markedDaemon!);
    const daemons = await daemonsOf(pidFile);

    await terminateCgroup(cgroup, { graceMs: 5000, exceptGroups: new Set([run.pgid]), exceptMarker: marker });
    for (const pid of daemons) expect(isRunning(pid)).toBe(false);
    for (const pid of [run.pid, member!, markedDaemon!]) expect(isRunning(pid)).toBe(true);

    expect(await killCgroup(cgroup)).toBe(true);
    for (const pid of [run.pid, member!, markedDaemon!]) expect(isRunning(pid)).toBe(false);
    expect(cgroup.populated()).toBe(false);
    expect(cgroup.remove()).toBe(true);
  });

  it("terminateCgroup gives up on a TERM-ignoring daemon after the grace; killCgroup ends it", async () => {
    const cgroup = testCgroup();
    const pidFile = join(dir, "stubborn");
    bashIn(
      cgroup,
      `env -i setsid /bin/sh -c 'trap "" TERM; echo $$ >> ${pidFile}; while :; do sleep 0.1; done' < /dev/null > /dev/null 2>&1 &`,
    );
    const [stubborn] = await readPids(() => (existsSync(pidFile) ? readFileSync(pidFile, "utf8") : ""), 1);
    leftovers.pid(stubborn!);
    await terminateCgroup(cgroup, { graceMs: 200 });
    expect(isRunning(stubborn!)).toBe(true);
    expect(await killCgroup(cgroup)).toBe(true);
    expect(isRunning(stubborn!)).toBe(false);
  });

  it("killNow with a cgroup kills the daemons that dropped the marker, at once", async () => {
    const cgroup = testCgroup();
    const pidFile = join(dir, "now-daemons");
    const run = bashIn(cgroup, `${unmarkedDaemonsScript(pidFile)}\ntrap "" TERM; sleep 1000`);
    const daemons = await daemonsOf(pidFile);
    await killNow({ groups: [run], cgroup });
    for (const pid of [run.pid, ...daemons]) expect(isRunning(pid)).toBe(false);
    expect(cgroup.populated()).toBe(false);
  });
});
