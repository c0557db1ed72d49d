import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Cgroup, type KillPath, processIdentity, startRun } from "@boris-mcp/process-group";
import {
  cgroupOf,
  daemonPids,
  isRunning,
  Leftovers,
  markerValuesOf,
  procStat,
  readPids,
  UNMARKED_DAEMONS,
  unmarkedDaemonsScript,
  waitFor,
} from "@boris-mcp/test-support";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { sweepOrphanedProcesses } from "../orphans.js";
import { SessionRegistry } from "../registry.js";
import { SERVER_IDENTITY } from "../server-identity.js";
import { Session, type SessionOptions } from "../session.js";
import { cgroupSkipReason, startBash, waitForOutput } from "../test/bash-tasks.js";
import { Containment, defaultContainment } from "./containment.js";

const dir = mkdtempSync(join(tmpdir(), "boris-cgroup-session-"));
const leftovers = new Leftovers();
const sessions: Session[] = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.killNow()));
  leftovers.cleanup();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function newSession(graceMs: number, options: Partial<SessionOptions> = {}): Session {
  const session = new Session({ workdir: dir, graceMs, ...options });
  sessions.push(session);
  return session;
}

// Appends a line to FILE for every TERM it gets and carries on: only KILL ends it. Prints its pid.
const RECORDER = join(dir, "recorder.pl");
writeFileSync(
  RECORDER,
  `my ($file) = @ARGV; $SIG{TERM} = sub { open(my $f, ">>", $file); print $f "TERM\\n"; close $f; };
open(my $p, ">>", "$file.pid"); print $p "$$\\n"; close $p; sleep 1 while 1;`,
);

function termsIn(file: string): number {
  return existsSync(file)
    ? readFileSync(file, "utf8")
        .split("\n")
        .filter((l) => l === "TERM").length
    : 0;
}

/**
 * Runs, as `session`'s foreground command, the daemons that drop the marker and one more that
 * also ignores TERM (recording each in `<name>.log`); resolves with their pids once each
 * is checked to be outside the session's reach but for its cgroup.
 */
async function startUnmarkedDaemons(session: Session, name: string) {
  const pidFile = join(dir, `${name}.pids`);
  const log = join(dir, `${name}.log`);
  const script = `${unmarkedDaemonsScript(pidFile)}\nenv -i setsid perl ${RECORDER} ${log} < /dev/null > /dev/null 2>&1 &`;
  const run = session.run("bash", ["-c", script], { cwd: dir, outputLimit: 10_000 });
  expect((await run.result).stdout).toBe("started\n");
  expect(await waitFor(() => daemonPids(pidFile).length === UNMARKED_DAEMONS)).toBe(true);
  const [stubborn] = await readPids(
    () => (existsSync(`${log}.pid`) ? readFileSync(`${log}.pid`, "utf8") : ""),
    1,
  );
  const daemons = [...daemonPids(pidFile), stubborn!];
  for (const pid of daemons) {
    leftovers.pid(pid);
    // Not in the command's group or session, no marker: only the cgroup still holds them.
    expect(procStat(pid)?.session).not.toBe(run.pgid);
    expect(procStat(pid)?.pgrp).not.toBe(run.pgid);
    expect(markerValuesOf(pid)).toEqual([]);
  }
  return { daemons, stubborn: stubborn!, log };
}

/** The hierarchy path (`/…`) of a cgroup directory: what /proc/<pid>/cgroup shows for its members. */
function hierarchyPath(path: string): string {
  const own = cgroupOf(process.pid)!;
  const ownDir = dirname(defaultContainment().cgroupPath!);
  return `${own === "/" ? "" : own}${path.slice(ownDir.length)}`;
}

describe.skipIf(cgroupSkipReason !== undefined)("session cgroups", () => {
  it("starts every command of a session inside its own cgroup, under the server's own cgroup", async () => {
    const s = newSession(2000);
    expect(s.cgroupPath).toBeUndefined();
    const run = s.run("bash", ["-c", 'grep "^0::" /proc/$$/cgroup'], { cwd: dir, outputLimit: 1000 });
    const expected = join(
      dirname(defaultContainment().cgroupPath!),
      `boris-${SERVER_IDENTITY}`,
      `session-${s.id}`,
    );
    expect(s.cgroupPath).toBe(expected);
    expect((await run.result).stdout).toBe(`0::${hierarchyPath(expected)}\n`);
    const task = startBash(s, "echo ready; sleep 1000", leftovers);
    await waitForOutput(task, "ready");
    expect(cgroupOf(task.pid)).toBe(hierarchyPath(expected));
    // The server itself stays where it was.
    expect(cgroupOf(process.pid)).not.toBe(hierarchyPath(expected));
  });

  it("close ends the daemons that dropped the marker: TERM at once, cgroup.kill after the grace", async () => {
    const s = newSession(300);
    const { daemons, stubborn, log } = await startUnmarkedDaemons(s, "close");
    const cgroup = s.cgroupPath!;
    await s.close();
    for (const pid of daemons) expect(isRunning(pid)).toBe(false);
    expect(termsIn(log)).toBe(1);
    expect(isRunning(stubborn)).toBe(false);
    expect(existsSync(cgroup)).toBe(false);
  });

  it("killNow ends them at once, long before the grace", async () => {
    const s = newSession(60_000);
    const { daemons } = await startUnmarkedDaemons(s, "now");
    const closing = s.close();
    await s.killNow();
    for (const pid of daemons) expect(isRunning(pid)).toBe(false);
    await closing;
    expect(existsSync(join(dirname(s.cgroupPath!), `session-${s.id}`))).toBe(false);
  });

  it("the registry's closeAndRemove (an HTTP DELETE) and killAllNow end them", async () => {
    const registry = new SessionRegistry();
    const deleted = newSession(300);
    const killed = newSession(60_000);
    registry.register("deleted", deleted);
    registry.register("killed", killed);
    const first = await startUnmarkedDaemons(deleted, "deleted");
    const second = await startUnmarkedDaemons(killed, "killed");
    await registry.closeAndRemove("deleted");
    for (const pid of first.daemons) expect(isRunning(pid)).toBe(false);
    for (const pid of second.daemons) expect(isRunning(pid)).toBe(true);
    await registry.killAllNow();
    for (const pid of second.daemons) expect(isRunning(pid)).toBe(false);
  });

  it("tells onKilled what each kill path ended", async () => {
    const counts: Partial<Record<KillPath, number>> = {};
    const s = newSession(300, {
      onKilled: (by, count) => {
        counts[by] = (counts[by] ?? 0) + count;
      },
    });
    await startUnmarkedDaemons(s, "counted");
    const task = startBash(
      s,
      "setsid sleep 1000 < /dev/null > /dev/null 2>&1 & echo $!; sleep 1000 & echo $!; wait",
      leftovers,
    );
    const [daemon] = await readPids(() => task.stdout.toString(), 2);
    leftovers.pid(daemon!);
    // Counted by where each one is when close looks: the setsid'd one must have left the group.
    expect(await waitFor(() => procStat(daemon!)?.session === daemon)).toBe(true);
    await s.close();
    // The task's bash and sleep; its setsid'd sleep (marked); the daemons without the marker and the TERM-ignoring one.
    expect(counts).toEqual({ group: 2, marker: 1, cgroup: UNMARKED_DAEMONS + 1 });
  });

  it("removes the server's cgroup with the last session cgroup", async () => {
    const [a, b] = [newSession(300), newSession(300)];
    for (const s of [a, b]) await s.run("true", [], { cwd: dir }).result;
    const server = dirname(a.cgroupPath!);
    await a.close();
    expect(existsSync(a.cgroupPath!)).toBe(false);
    expect(existsSync(server)).toBe(true);
    await b.close();
    expect(existsSync(server)).toBe(false);
  });

  it("starts the next command in a spare that entered the cgroup already, and ends it uncounted on close", async () => {
    const counts: Partial<Record<KillPath, number>> = {};
    const s = newSession(300, {
      onKilled: (by, count) => {
        counts[by] = (counts[by] ?? 0) + count;
      },
    });
    await s.run("true", [], { cwd: dir }).result;
    const cgroup = new Cgroup(s.cgroupPath!);
    // Once the command is over, the one process left in the session's cgroup is the spare.
    expect(await waitFor(() => cgroup.pids().length === 1)).toBe(true);
    const [spare] = cgroup.pids();
    leftovers.pid(spare!);
    const inCgroup = cgroupOf(spare!)!;
    expect(s.cgroupPath!.endsWith(inCgroup)).toBe(true);
    // Not one of the session's processes while it waits: no marker (its command gets it).
    expect(markerValuesOf(spare!)).toEqual([]);
    const next = s.run("bash", ["-c", 'cat /proc/self/cgroup; echo "marker=$BORIS_SESSION"'], {
      cwd: dir,
      outputLimit: 10_000,
    });
    expect(next.pid).toBe(spare);
    const { stdout } = await next.result;
    expect(stdout).toContain(`0::${inCgroup}\n`);
    expect(stdout).toContain(`marker=${s.marker.value}\n`);
    expect(await waitFor(() => cgroup.pids().length === 1 && cgroup.pids()[0] !== spare)).toBe(true);
    const [nextSpare] = cgroup.pids();
    leftovers.pid(nextSpare!);
    await s.close();
    expect(isRunning(nextSpare!)).toBe(false);
    expect(existsSync(s.cgroupPath!)).toBe(false);
    // The spare was the server's, not a process of the session: no kill path counted it.
    expect(counts).toEqual({});
  });

  it("with cgroups off, the marker alone cannot find them (what the cgroup is for)", async () => {
    const s = newSession(300, { containment: Containment.marker("off") });
    const pidFile = join(dir, "off.pids");
    await s.run("bash", ["-c", unmarkedDaemonsScript(pidFile)], { cwd: dir }).result;
    expect(await waitFor(() => daemonPids(pidFile).length === UNMARKED_DAEMONS)).toBe(true);
    for (const pid of daemonPids(pidFile)) leftovers.pid(pid);
    expect(s.cgroupPath).toBeUndefined();
    await s.close();
    for (const pid of daemonPids(pidFile)) expect(isRunning(pid)).toBe(true);
  });
});

describe.skipIf(cgroupSkipReason !== undefined)("the start-up sweep and dead servers' cgroups", () => {
  const own = () => dirname(defaultContainment().cgroupPath!);

  /** A server stand-in: a process whose identity names a cgroup, alive or killed. */
  async function standIn(alive: boolean): Promise<string> {
    const child = spawn("sleep", ["1000"], { detached: true, stdio: "ignore" });
    child.unref();
    leftovers.pid(child.pid!);
    const identity = processIdentity(child.pid!)!;
    if (!alive) {
      process.kill(child.pid!, "SIGKILL");
      expect(await waitFor(() => !isRunning(child.pid!))).toBe(true);
    }
    return identity;
  }

  /** An `env -i setsid sleep` inside `<own>/boris-<identity>/session-x`; returns its pid and the cgroups. */
  async function daemonIn(identity: string) {
    const server = Cgroup.create(join(own(), `boris-${identity}`));
    const session = Cgroup.create(join(server.path, "session-x"));
    const run = startRun("bash", ["-c", "env -i setsid sleep 1000 < /dev/null > /dev/null 2>&1 & echo $!"], {
      cwd: dir,
      outputLimit: 100,
      wrap: (c) => session.enter(c),
    });
    const [daemon] = await readPids(() => run.stdout.toString(), 1);
    leftovers.pid(daemon!);
    await run.result;
    return { daemon: daemon!, server, session };
  }

  it("kills and removes the cgroups of servers that are gone, and leaves live servers' alone", async () => {
    const dead = await daemonIn(await standIn(false));
    const live = await daemonIn(await standIn(true));
    const swept: KillPath[] = [];
    try {
      expect(await sweepOrphanedProcesses({ onKilled: (by) => swept.push(by) })).toBeGreaterThanOrEqual(1);
      expect(isRunning(dead.daemon)).toBe(false);
      expect(existsSync(dead.session.path)).toBe(false);
      expect(existsSync(dead.server.path)).toBe(false);
      expect(swept).toContain("orphan-sweep");
      expect(isRunning(live.daemon)).toBe(true);
      expect(existsSync(live.session.path)).toBe(true);
    } finally {
      live.server.kill();
      await live.server.waitEmpty(5000);
      live.session.remove();
      live.server.remove();
    }
  });
});
