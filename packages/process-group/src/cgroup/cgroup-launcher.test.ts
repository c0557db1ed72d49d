import { mkdtempSync, realpathSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { childrenOf, isGone, isRunning, Leftovers, waitFor } from "@boris-mcp/test-support";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { SpawnHelper } from "../helper/spawn-helper.js";
import { environValues, readEnviron } from "../os/environ.js";
import { readStat } from "../os/proc.js";
import { type Run, startRun } from "../run/run.js";
import { cgroupSkipReason, newTestCgroup, removeTestCgroup } from "../test/cgroup.js";
import type { Cgroup } from "./cgroup.js";
import { CgroupLauncher } from "./cgroup-launcher.js";

const dir = realpathSync(mkdtempSync(join(tmpdir(), "boris-launcher-")));
const leftovers = new Leftovers();
const cgroups: Cgroup[] = [];
const launchers: CgroupLauncher[] = [];
afterEach(async () => {
  await Promise.all(launchers.splice(0).map((l) => l.close()));
  leftovers.cleanup();
  await Promise.all(cgroups.splice(0).map(removeTestCgroup));
});
const helper = new SpawnHelper();
afterAll(() => {
  helper.close();
  rmSync(dir, { recursive: true, force: true });
});

function testLauncherWith(through?: SpawnHelper): CgroupLauncher {
  const cgroup = newTestCgroup();
  cgroups.push(cgroup);
  const launcher = new CgroupLauncher(cgroup, ["BORIS_LAUNCHER_MARK"], through);
  launchers.push(launcher);
  return launcher;
}

function run(
  launcher: CgroupLauncher,
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string>; fd3Input?: string } = {},
): Run {
  const started = startRun("bash", args, {
    cwd: options.cwd ?? dir,
    env: options.env ?? { BORIS_LAUNCHER_TEST: "1" },
    fd3Input: options.fd3Input,
    outputLimit: 100_000,
    drainMs: 50,
    launcher,
  });
  leftovers.group(started.pgid);
  return started;
}

/** Runs a first command (through the wrapper) and waits until the spare it leaves sits in the cgroup. */
async function withSpare(launcher: CgroupLauncher): Promise<number> {
  const first = await run(launcher, ["-c", "true"]).result;
  expect(first.exitCode).toBe(0);
  expect(await waitFor(() => launcher.sparePid !== undefined)).toBe(true);
  const spare = launcher.sparePid as number;
  leftovers.pid(spare);
  // Asked of the kernel: the spare has entered the cgroup before any command was handed to it.
  expect(await waitFor(() => launcher.cgroup.pids().includes(spare))).toBe(true);
  return spare;
}

describe.skipIf(cgroupSkipReason !== undefined).each([
  ["spawned by this process", undefined],
  ["made by the spawn helper", helper],
])("CgroupLauncher, spares %s (cgroup v2 writable here)", (_, through) => {
  const testLauncher = () => testLauncherWith(through);

  it("makes the waiting spare as its parent: this process or the helper", async () => {
    const spare = await withSpare(testLauncher());
    expect(readStat(spare)?.ppid).toBe(through ? through.pid : process.pid);
    expect(readStat(spare)?.pgrp).toBe(spare);
  });

  it("starts a command in the spare that already entered the cgroup: same pid, cwd, PWD and argv", async () => {
    const launcher = testLauncher();
    const spare = await withSpare(launcher);
    const link = join(dir, `via-link-${through ? "helper" : "here"}`);
    symlinkSync(dir, link);
    const odd = 'it\'s "quoted"\n  with a newline, $HOME and `backticks` \\ ';
    const started = run(
      launcher,
      [
        "-c",
        'echo "pid=$$"; cat /proc/self/cgroup; echo "pwd=$(pwd)"; echo "PWD=$PWD"; printf "[%s]" "$1"; exit 3',
        "bash",
        odd,
      ],
      { cwd: link, env: { BORIS_LAUNCHER_TEST: "1", PWD: link } },
    );
    expect(started.pid).toBe(spare);
    const result = await started.result;
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toBe("");
    const cgroupName = launcher.cgroup.path.slice(launcher.cgroup.path.indexOf("/boris-"));
    expect(result.stdout).toContain(`pid=${spare}\n`);
    expect(result.stdout).toMatch(new RegExp(`^0::.*${cgroupName.replaceAll("/", "\\/")}$`, "m"));
    expect(result.stdout).toContain(`pwd=${link}\n`);
    expect(result.stdout).toContain(`PWD=${link}\n`);
    expect(result.stdout).toContain(`[${odd}]`);
  });

  it("keeps withheld variables off the waiting spare and gives them to the command", async () => {
    const launcher = testLauncher();
    const env = { BORIS_LAUNCHER_TEST: "1", BORIS_LAUNCHER_MARK: "it's marked" };
    await run(launcher, ["-c", "true"], { env }).result;
    expect(await waitFor(() => launcher.sparePid !== undefined)).toBe(true);
    const spare = launcher.sparePid as number;
    leftovers.pid(spare);
    // Asked of the kernel: the waiting process's environment has the rest but not the withheld one.
    const waiting = readEnviron(spare)!;
    expect(environValues(waiting, "BORIS_LAUNCHER_TEST")).toEqual(["1"]);
    expect(environValues(waiting, "BORIS_LAUNCHER_MARK")).toEqual([]);
    const started = run(launcher, ["-c", 'printf "%s" "$BORIS_LAUNCHER_MARK"'], { env });
    expect(started.pid).toBe(spare);
    expect((await started.result).stdout).toBe("it's marked");
  });

  it("gives a command without PWD of its own the server's PWD, as a spawn would", async () => {
    const launcher = testLauncher();
    const spare = await withSpare(launcher);
    // printenv, not a shell: a shell replaces a PWD that does not name its directory.
    const started = startRun("printenv", ["PWD"], {
      cwd: dir,
      env: { BORIS_LAUNCHER_TEST: "1" },
      outputLimit: 1000,
      launcher,
    });
    leftovers.group(started.pgid);
    expect(started.pid).toBe(spare);
    expect((await started.result).stdout).toBe(process.env.PWD === undefined ? "" : `${process.env.PWD}\n`);
  });

  it("keeps one spare for the next command, and close() ends it (gone from /proc and the cgroup)", async () => {
    const launcher = testLauncher();
    const spare = await withSpare(launcher);
    const second = run(launcher, ["-c", "true"]);
    expect(second.pid).toBe(spare);
    await second.result;
    expect(await waitFor(() => launcher.sparePid !== undefined && launcher.sparePid !== spare)).toBe(true);
    const next = launcher.sparePid as number;
    leftovers.pid(next);
    await launcher.close();
    expect(isGone(next)).toBe(true);
    expect(await waitFor(() => launcher.cgroup.pids().length === 0)).toBe(true);
    // Closed: no new spare after the next command.
    const third = await run(launcher, ["-c", "true"]).result.catch((err: Error) => err);
    expect(third).not.toBeInstanceOf(Error);
    await new Promise((resolve) => setImmediate(resolve));
    expect(launcher.sparePid).toBeUndefined();
  });

  it("does not hand a command to a spare made for another environment: that spare is ended", async () => {
    const launcher = testLauncher();
    const spare = await withSpare(launcher);
    const other = run(launcher, ["-c", 'echo "$BORIS_LAUNCHER_TEST"'], { env: { BORIS_LAUNCHER_TEST: "2" } });
    expect(other.pid).not.toBe(spare);
    const result = await other.result;
    expect(result.stdout).toBe("2\n");
    expect(await waitFor(() => isGone(spare))).toBe(true);
  });

  it("starts a command with data on fd 3 through the wrapper, inside the cgroup", async () => {
    const launcher = testLauncher();
    const spare = await withSpare(launcher);
    const started = run(launcher, ["-c", "cat <&3; cat /proc/self/cgroup"], { fd3Input: "from fd 3\n" });
    expect(started.pid).not.toBe(spare);
    const result = await started.result;
    expect(result.stdout).toContain("from fd 3\n");
    expect(result.stdout).toContain(launcher.cgroup.path.slice(launcher.cgroup.path.indexOf("/boris-")));
  });

  it("refuses an argument with a NUL as a spawn does (SpawnError), instead of letting the spare drop it", async () => {
    const launcher = testLauncher();
    await withSpare(launcher);
    expect(() => run(launcher, ["-c", "echo a\0b"])).toThrow(/could not start bash/);
  });

  it("reports a command that cannot start as the wrapper does (SpawnError), and ends the spare", async () => {
    const launcher = testLauncher();
    const spare = await withSpare(launcher);
    expect(() =>
      startRun("no-such-command-boris", [], { cwd: dir, env: { BORIS_LAUNCHER_TEST: "1" }, launcher }),
    ).toThrow(/could not start no-such-command-boris: no-such-command-boris was not found on PATH/);
    expect(await waitFor(() => isGone(spare))).toBe(true);
  });
});

describe.skipIf(cgroupSkipReason !== undefined)(
  "CgroupLauncher with a spawn helper that does not answer",
  () => {
    it("does not let it hold close(), and ends the spare it makes later", async () => {
      const stalled = new SpawnHelper();
      const launcher = testLauncherWith(stalled);
      try {
        const spare = await withSpare(launcher);
        const helperPid = stalled.pid!;
        const second = run(launcher, ["-c", "true"]);
        expect(second.pid).toBe(spare);
        await second.result;
        // Stopped (as anyone with the server's uid could) before the next spare is asked of it, in
        // the next event-loop turn: the request waits.
        process.kill(helperPid, "SIGSTOP");
        await new Promise((resolve) => setImmediate(resolve));
        const closed = await Promise.race([
          launcher.close().then(() => "closed"),
          new Promise((resolve) => setTimeout(() => resolve("still waiting"), 10_000)),
        ]);
        expect(closed).toBe("closed");
        // Let go, it makes the spare it was asked for: the closed launcher ends it on arrival.
        process.kill(helperPid, "SIGCONT");
        // The helper answers in order: once a later request is answered, the late spare has come
        // (it may live only an instant, so it is not looked for) and the launcher has ended it.
        const after = await stalled.spawn("/bin/sh", ["-c", "exit 0"], { cwd: "/", env: process.env });
        expect(await after?.exited).toEqual({ code: 0, signal: null });
        expect(await waitFor(() => childrenOf(helperPid).every((pid) => !isRunning(pid)), 10_000)).toBe(true);
        expect(await waitFor(() => launcher.cgroup.pids().length === 0)).toBe(true);
        expect(launcher.sparePid).toBeUndefined();
      } finally {
        stalled.close();
      }
    });
  },
);

describe.skipIf(cgroupSkipReason !== undefined)("CgroupLauncher spawning its spares itself", () => {
  const testLauncher = () => testLauncherWith(undefined);

  it("spawns its spares itself when its spawn helper cannot run", async () => {
    const broken = new SpawnHelper("/bin/false");
    const launcher = testLauncherWith(broken);
    // The first spare is lost with the helper that never answered; the next is made here.
    await run(launcher, ["-c", "true"]).result;
    await waitFor(() => broken.spawn("/bin/sh", ["-c", "true"], { cwd: "/", env: {} }) === undefined);
    const spare = await withSpare(launcher);
    expect(readStat(spare)?.ppid).toBe(process.pid);
    expect(run(launcher, ["-c", "true"]).pid).toBe(spare);
  });

  it("makes the spares several commands ask for one per event-loop turn, and close() cancels a queued one", async () => {
    const launchers = [testLauncher(), testLauncher(), testLauncher()];
    // Each launcher ran a command and made its spare; the spares are killed, so that all three ask
    // for a new one in the same tick.
    const spares = await Promise.all(launchers.map(withSpare));
    for (const pid of spares) process.kill(-pid, "SIGKILL");
    expect(await waitFor(() => launchers.every((l) => l.sparePid === undefined))).toBe(true);
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    for (const l of launchers) l.prepare();
    const made = () => launchers.filter((l) => l.sparePid !== undefined).length;
    await turn();
    const afterOne = made();
    await launchers[2]!.close();
    for (let i = 0; i < 3; i++) await turn();
    for (const l of launchers) if (l.sparePid !== undefined) leftovers.pid(l.sparePid);
    // One spawn per turn, in the order asked: never all three in one turn.
    expect(afterOne).toBe(1);
    expect(launchers[0]!.sparePid).toBeDefined();
    expect(launchers[1]!.sparePid).toBeDefined();
    // The closed launcher's queued spare was never made: asked of the kernel, its cgroup is empty.
    expect(launchers[2]!.sparePid).toBeUndefined();
    expect(launchers[2]!.cgroup.pids()).toEqual([]);
  });
});
