import { join } from "node:path";
import { isRunning, killAll, markedProcesses, waitUntil } from "@boris-mcp/test-support";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { processesOfServer, processIdentity, survivors } from "./harness/processes.js";
import { call, startTask } from "./harness/results.js";
import {
  connectHttp,
  type HttpServer,
  leftovers,
  makeTempDir,
  removeDir,
  runMark,
  type StdioServer,
  startHttp,
  startStdio,
} from "./harness/servers.js";
import { readPids, startHardToKillProcesses } from "./harness/workload.js";

const SWEEP_LINE = /killed (\d+) processes left by servers that no longer exist/;

/**
 * Waits for `pids` to be killed by a start-up sweep. Which server's sweep gets there first is not
 * this test's to say: the one it started, or one another test run on this machine started
 * meanwhile, kill them just the same. If no server kills them, this fails at its deadline.
 */
function sweptAway(pids: readonly number[]): Promise<void> {
  return waitUntil(
    "a start-up sweep to kill the processes of the dead servers",
    () => survivors(pids).length === 0,
  );
}

/** Marked processes whose owning server (the marker's `<pid>-<start time>`) no longer exists. */
function orphansOfDeadServers(): number[] {
  return markedProcesses()
    .filter(({ marker }) => {
      const owner = marker.slice(0, marker.indexOf("."));
      const pid = Number(owner.slice(0, owner.indexOf("-")));
      // A zombie server (killed, not yet reaped by its parent) no longer exists either.
      try {
        return !isRunning(pid) || processIdentity(pid) !== owner;
      } catch {
        return true;
      }
    })
    .map((p) => p.pid);
}

describe("crash recovery: the next server start kills what a SIGKILLed server left", () => {
  const dir = makeTempDir("crash");
  const mark = runMark();
  const servers: HttpServer[] = [];
  const stdioServers: StdioServer[] = [];

  // After each test: a failed one must not leave orphans for the next to find.
  afterEach(async () => {
    killAll(leftovers(mark));
    await Promise.all(servers.map((s) => s.stop()));
    await Promise.all(stdioServers.map((s) => s.close().catch(() => {})));
    servers.length = 0;
    stdioServers.length = 0;
  });
  afterAll(() => removeDir(dir));

  const http = async () => {
    const server = await startHttp(["--workdir", dir, "--log-level", "warn"], { mark });
    servers.push(server);
    return server;
  };
  const stdio = async () => {
    const server = await startStdio(["--workdir", dir, "--log-level", "warn"], { mark });
    stdioServers.push(server);
    return server;
  };
  /** Opens `count` HTTP sessions on `server`, each full of hard-to-kill processes; returns their pid files. */
  const loadHttp = async (server: HttpServer, label: string, count: number) =>
    Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const { client } = await connectHttp(server.url);
        return (await startHardToKillProcesses(client, join(dir, `${label}-${i}`))).pidFile;
      }),
    );
  const allPids = (files: string[]) => files.flatMap(readPids);
  const started = (files: string[]) =>
    waitUntil("the processes to record their pids", () => files.every((f) => readPids(f).length === 9));

  it("kills the orphans of dead HTTP and stdio servers, and nothing of live servers", async () => {
    const live = await http();
    const liveFiles = await loadHttp(live, "live", 2);
    const doomed = await http();
    const doomedFiles = await loadHttp(doomed, "doomed", 3);
    const doomedStdio = await stdio();
    const stdioFile = (await startHardToKillProcesses(doomedStdio.client, join(dir, "stdio"))).pidFile;
    await started([...liveFiles, ...doomedFiles, stdioFile]);

    process.kill(doomed.pid, "SIGKILL");
    process.kill(doomedStdio.pid, "SIGKILL");
    await doomed.exited;
    await waitUntil("the stdio server to die", () => !isRunning(doomedStdio.pid));
    const orphans = allPids([...doomedFiles, stdioFile]);
    // Precondition: SIGKILL left everything running (there is something to recover from).
    expect(survivors(orphans)).toHaveLength(4 * 9);
    expect(processesOfServer(doomed.identity)).toHaveLength(3 * 9);
    expect(processesOfServer(doomedStdio.identity)).toHaveLength(9);
    expect(orphansOfDeadServers()).toEqual(expect.arrayContaining(orphans));

    const next = await http();
    // A session of the new server, started while its sweep may still be running, is its own.
    const { client: nextClient } = await connectHttp(next.url);
    const nextFile = join(dir, "next-own");
    await startTask(nextClient, `sleep 300 & echo $! >> ${nextFile}; echo $$ >> ${nextFile}; wait`);

    await sweptAway(orphans);
    expect(processesOfServer(doomed.identity)).toEqual([]);
    expect(processesOfServer(doomedStdio.identity)).toEqual([]);
    // Never another live server's processes, nor its own.
    expect(survivors(allPids(liveFiles))).toHaveLength(2 * 9);
    expect(processesOfServer(live.identity)).toHaveLength(2 * 9);
    await waitUntil("the new server's own task to record its pids", () => readPids(nextFile).length === 2);
    expect(survivors(readPids(nextFile))).toHaveLength(2);
    expect(await live.health()).toMatchObject({ status: "ok", sessions: 2 });
    expect(await call(nextClient, "bash", { command: "echo serving" })).toContain("serving");

    // And a stdio start recovers from a crashed HTTP server the same way.
    process.kill(next.pid, "SIGKILL");
    await next.exited;
    const nextOrphans = processesOfServer(next.identity);
    expect(nextOrphans.length).toBeGreaterThanOrEqual(2);
    const recovering = await stdio();
    await sweptAway(nextOrphans);
    expect(survivors(allPids(liveFiles))).toHaveLength(2 * 9);
    expect(await call(recovering.client, "bash", { command: "echo serving" })).toContain("serving");

    // The live server, stopped normally, still takes all of its own with it.
    await live.stop();
    expect(survivors(allPids(liveFiles))).toEqual([]);
    expect(processesOfServer(live.identity)).toEqual([]);
  });

  it("logs nothing when there is nothing to recover", async () => {
    // Another test run on this machine may have just left orphans: a first server's sweep (or any
    // other server's) clears them before the server under test starts.
    await http();
    await waitUntil(
      "no processes of dead servers on this machine",
      () => orphansOfDeadServers().length === 0,
    );
    const server = await http();
    // The stdio start logs its sweep too; give both a moment by asking for a round trip first.
    const { client } = await connectHttp(server.url);
    expect(await call(client, "bash", { command: "echo ok" })).toContain("ok");
    expect(server.stderr()).not.toMatch(SWEEP_LINE);
  });
});
