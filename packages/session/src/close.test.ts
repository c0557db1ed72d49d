import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isRunning, Leftovers, markedPids, procStat, readPids, waitFor } from "@boris-mcp/test-support";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { Containment, defaultContainment } from "./containment/containment.js";
import { SessionRegistry } from "./registry.js";
import { Session } from "./session.js";
import { startBash, TRAP_TERM, waitForOutput } from "./test/bash-tasks.js";

const dir = mkdtempSync(join(tmpdir(), "boris-close-"));
const leftovers = new Leftovers();
const sessions: Session[] = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.killNow()));
  leftovers.cleanup();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Each case runs with the containment this machine gives (a cgroup per session where cgroup v2 is
// writable) and with the marker alone, as elsewhere.
const CONTAINMENTS = [
  { name: defaultContainment().kind, containment: defaultContainment() },
  { name: "marker only", containment: Containment.marker("off") },
];
let containment = defaultContainment();

function newSession(graceMs: number): Session {
  const session = new Session({ workdir: dir, graceMs, containment });
  sessions.push(session);
  return session;
}

// Writes its pid to FILE.pid, appends a line to FILE for every TERM it gets and carries on: only KILL
// ends it. With `setpgid` it first leaves its group for one of its own. (Each its own pid file: two
// started in turn may print in either order on a loaded machine.)
const RECORDER = join(dir, "recorder.pl");
writeFileSync(
  RECORDER,
  `my ($file, $how) = @ARGV;
setpgrp(0, 0) if $how eq "setpgid";
$SIG{TERM} = sub { open(my $f, ">>", $file); print $f "TERM\\n"; close $f; };
open(my $p, ">", "$file.pid.tmp"); print $p "$$\\n"; close $p; rename("$file.pid.tmp", "$file.pid");
sleep 1 while 1;
`,
);

/** The pid a RECORDER writing to `log` recorded, once it did. */
async function recorderPid(log: string): Promise<number> {
  const [pid] = await readPids(() => (existsSync(`${log}.pid`) ? readFileSync(`${log}.pid`, "utf8") : ""), 1);
  return pid!;
}

function termsIn(file: string): number {
  try {
    return readFileSync(file, "utf8")
      .split("\n")
      .filter((line) => line === "TERM").length;
  } catch {
    return 0;
  }
}

interface Escapees {
  readonly daemon: number;
  readonly daemonLog: string;
  readonly leaver: number;
  readonly leaverLog: string;
}

/** A `setsid` daemon and a `setpgid` child, both recording TERM, started by a task of `session`. */
async function startEscapees(session: Session, name: string): Promise<Escapees> {
  // Each case (and containment) its own logs.
  const unique = `${name}-${containment.kind}-${sessions.length}-${Date.now()}`;
  const daemonLog = join(dir, `${unique}-daemon.log`);
  const leaverLog = join(dir, `${unique}-leaver.log`);
  const task = startBash(
    session,
    `setsid perl ${RECORDER} ${daemonLog} setsid & perl ${RECORDER} ${leaverLog} setpgid & wait`,
    leftovers,
  );
  const daemon = await recorderPid(daemonLog);
  const leaver = await recorderPid(leaverLog);
  leftovers.pid(daemon);
  leftovers.pid(leaver);
  // Both left the task's group: the group's TERM cannot reach them.
  expect(await waitFor(() => procStat(daemon)?.session === daemon)).toBe(true);
  expect(await waitFor(() => procStat(leaver)?.pgrp === leaver)).toBe(true);
  expect(procStat(leaver)?.session).toBe(task.run.pgid);
  return { daemon, daemonLog, leaver, leaverLog };
}

describe.each(CONTAINMENTS)("Session.close and escaped processes ($name)", (c) => {
  beforeEach(() => {
    containment = c.containment;
  });

  it("sends TERM to setsid and setpgid escapees at the start of close, not after the grace", async () => {
    const s = newSession(60_000);
    const stubborn = startBash(s, TRAP_TERM, leftovers);
    await waitForOutput(stubborn, "ready");
    const escapees = await startEscapees(s, "start");
    const closing = s.close();
    expect(await waitFor(() => termsIn(escapees.daemonLog) > 0 && termsIn(escapees.leaverLog) > 0)).toBe(
      true,
    );
    // The TERM-ignoring task still runs: its 60 s grace is not over, so the escapees' TERM came first.
    expect(isRunning(stubborn.pid)).toBe(true);
    expect(isRunning(escapees.daemon)).toBe(true);
    await s.killNow();
    await closing;
    expect(markedPids(s.marker.value)).toEqual([]);
    for (const pid of [stubborn.pid, escapees.daemon, escapees.leaver]) expect(isRunning(pid)).toBe(false);
  });

  it("leaves zero processes: a TERM-ignoring child, a setsid daemon and a setpgid child", async () => {
    const s = newSession(300);
    const stubborn = startBash(s, TRAP_TERM, leftovers);
    await waitForOutput(stubborn, "ready");
    const escapees = await startEscapees(s, "zero");
    await s.close();
    expect(markedPids(s.marker.value)).toEqual([]);
    for (const pid of [stubborn.pid, escapees.daemon, escapees.leaver]) expect(isRunning(pid)).toBe(false);
    // TERM first, KILL when the grace was over.
    expect(termsIn(escapees.daemonLog)).toBe(1);
    expect(termsIn(escapees.leaverLog)).toBe(1);
    expect(stubborn.signal).toBe("SIGKILL");
  });
});

describe.each(CONTAINMENTS)("killNow ($name)", (c) => {
  beforeEach(() => {
    containment = c.containment;
  });

  it("kills every process of the session at once and resolves when they are gone", async () => {
    // A grace longer than the test's timeout: resolving at all shows nothing waited for it.
    const s = newSession(60_000);
    const stubborn = startBash(s, TRAP_TERM, leftovers);
    await waitForOutput(stubborn, "ready");
    const escapees = await startEscapees(s, "now");
    const closing = s.close();
    await s.killNow();
    expect(markedPids(s.marker.value)).toEqual([]);
    for (const pid of [stubborn.pid, escapees.daemon, escapees.leaver]) expect(isRunning(pid)).toBe(false);
    await closing;
    expect(stubborn.signal).toBe("SIGKILL");
    expect(stubborn.killed).toBe(true);
  });

  it("on a registry reaches registered sessions and the ones still closing", async () => {
    const registry = new SessionRegistry();
    const closingOne = newSession(60_000);
    const openOne = newSession(60_000);
    const tasks = [startBash(closingOne, TRAP_TERM, leftovers), startBash(openOne, TRAP_TERM, leftovers)];
    for (const task of tasks) await waitForOutput(task, "ready");
    registry.register("a", closingOne);
    registry.register("b", openOne);
    const closing = registry.closeAndRemove("a");
    await registry.killAllNow();
    for (const task of tasks) expect(isRunning(task.pid)).toBe(false);
    expect(markedPids(closingOne.marker.value)).toEqual([]);
    expect(markedPids(openOne.marker.value)).toEqual([]);
    expect(openOne.closed).toBe(true);
    await closing;
  });
});
