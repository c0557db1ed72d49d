import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isRunning, Leftovers, markedPids, procStat, readPids, waitFor } from "@boris-mcp/test-support";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { SessionRegistry } from "./registry.js";
import { Session } from "./session.js";
import { startBash, TRAP_TERM, waitForOutput } from "./test-helpers.js";

const dir = mkdtempSync(join(tmpdir(), "boris-close-"));
const leftovers = new Leftovers();
const sessions: Session[] = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.killNow()));
  leftovers.cleanup();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function newSession(graceMs: number): Session {
  const session = new Session({ workdir: dir, graceMs });
  sessions.push(session);
  return session;
}

// Prints its pid, appends a line to FILE for every TERM it gets and carries on: only KILL ends it.
// With `setpgid` it first leaves its group for one of its own.
const RECORDER = join(dir, "recorder.pl");
writeFileSync(
  RECORDER,
  `my ($file, $how) = @ARGV;
setpgrp(0, 0) if $how eq "setpgid";
$SIG{TERM} = sub { open(my $f, ">>", $file); print $f "TERM\\n"; close $f; };
$| = 1;
print "$$\\n";
sleep 1 while 1;
`,
);

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
  const daemonLog = join(dir, `${name}-daemon.log`);
  const leaverLog = join(dir, `${name}-leaver.log`);
  const task = startBash(
    session,
    `setsid perl ${RECORDER} ${daemonLog} setsid & sleep 0.2; perl ${RECORDER} ${leaverLog} setpgid & wait`,
    leftovers,
  );
  const [daemon, leaver] = await readPids(() => task.stdout.toString(), 2);
  leftovers.pid(daemon!);
  leftovers.pid(leaver!);
  // Both left the task's group: the group's TERM cannot reach them.
  expect(await waitFor(() => procStat(daemon!)?.session === daemon)).toBe(true);
  expect(await waitFor(() => procStat(leaver!)?.pgrp === leaver)).toBe(true);
  expect(procStat(leaver!)?.session).toBe(task.run.pgid);
  return { daemon: daemon!, daemonLog, leaver: leaver!, leaverLog };
}

describe("Session.close and escaped processes", () => {
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

describe("killNow", () => {
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
