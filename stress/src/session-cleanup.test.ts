import { join } from "node:path";
import { killAll, markerOf, waitUntil } from "@boris-mcp/test-support";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, describe, expect, it } from "vitest";
import { processesOfServer, processesOfSession, survivors } from "./harness/processes.js";
import { call } from "./harness/results.js";
import {
  connectHttp,
  type HttpServer,
  leftovers,
  makeTempDir,
  removeDir,
  startHttp,
} from "./harness/servers.js";
import { readPids, startHardToKillProcesses, type Workload } from "./harness/workload.js";

const SESSIONS = 50;

type Ending = "delete" | "idle" | "shutdown";

interface Opened {
  readonly index: number;
  readonly ending: Ending;
  readonly client: Client;
  readonly transport: StreamableHTTPClientTransport;
  readonly work: Workload;
  /** Pids of a long foreground command in flight when the server is stopped (shutdown sessions only). */
  foregroundFile?: string;
}

/** Runs `fn` over `items` with at most `limit` in flight. */
async function inBatches<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

describe("50 HTTP sessions full of hard-to-kill processes", () => {
  const dir = makeTempDir("sessions");
  let server: HttpServer | undefined;

  afterAll(async () => {
    if (server) {
      killAll(leftovers(server.mark));
      await server.stop();
    }
    removeDir(dir);
  });

  it("leaves zero processes whether sessions end by DELETE, idle timeout or server SIGTERM", async () => {
    // The idle timeout is short to keep the test fast, but not 1 s: on a saturated machine a client
    // can take that long between its initialize and its GET stream, and its session went idle early.
    server = await startHttp(["--workdir", dir, "--session-idle-timeout", "3", "--log-level", "warn"]);
    const srv = server;
    const endings: Ending[] = ["delete", "idle", "shutdown"];

    const sessions = await inBatches(
      Array.from({ length: SESSIONS }, (_, i) => i),
      10,
      async (index): Promise<Opened> => {
        const { client, transport } = await connectHttp(srv.url);
        const work = await startHardToKillProcesses(client, join(dir, `pids-${index}`));
        return { index, ending: endings[index % 3]!, client, transport, work };
      },
    );
    const all = sessions.flatMap((s) => [s.work]);
    await waitUntil(
      "every session's processes to record their pids",
      () => all.every((w) => readPids(w.pidFile).length === w.expected),
      60_000,
    );
    const pidsOf = (s: Opened) => [
      ...readPids(s.work.pidFile),
      ...(s.foregroundFile ? readPids(s.foregroundFile) : []),
    ];
    // Precondition: everything runs, and each session's processes carry its own marker (asked of
    // /proc), which is also what the session's first command printed: no output was lost.
    expect(sessions.flatMap((s) => survivors(pidsOf(s)))).toHaveLength(SESSIONS * 9);
    for (const s of sessions) {
      const fromOs = markerOf(readPids(s.work.pidFile)[0]!);
      expect(s.work.marker, `output of session ${s.index}'s printf of its marker`).toBe(fromOs);
      expect(processesOfSession(s.work.marker)).toHaveLength(9);
    }
    expect(new Set(sessions.map((s) => s.work.marker)).size).toBe(SESSIONS);

    const byEnding = (e: Ending) => sessions.filter((s) => s.ending === e);

    // Half of the sessions that will see the server's SIGTERM have a long foreground command in flight.
    let stopping = false;
    const failedEarly: string[] = [];
    const inFlight = byEnding("shutdown")
      .filter((s) => s.index % 2 === 0)
      .map((s) => {
        s.foregroundFile = join(dir, `fg-${s.index}`);
        const f = JSON.stringify(s.foregroundFile);
        return s.client
          .callTool({
            name: "bash",
            arguments: { command: `sleep 300 & echo $! >> ${f}; echo $$ >> ${f}; wait`, timeout: 600_000 },
          })
          .catch((err: unknown) => {
            if (!stopping) failedEarly.push(`session ${s.index}: ${String(err)}`);
            return "ended with the server";
          });
      });
    await waitUntil("the long foreground commands to start", () => {
      if (failedEarly.length > 0)
        throw new Error(`a long command failed before the SIGTERM: ${failedEarly[0]}`);
      return byEnding("shutdown").every((s) => !s.foregroundFile || readPids(s.foregroundFile).length === 2);
    });

    // DELETE and idleness at the same time. DELETE answers once the session is closed, so its
    // processes must be gone the moment it returns.
    const deleted = Promise.all(
      byEnding("delete").map(async (s) => {
        await s.transport.terminateSession();
        return {
          marker: s.work.marker,
          survivors: survivors(pidsOf(s)),
          marked: processesOfSession(s.work.marker),
        };
      }),
    );
    // Closing the client drops its GET stream without DELETE: the session goes idle.
    await Promise.all(byEnding("idle").map((s) => s.client.close()));
    for (const result of await deleted) {
      expect(result, `session ${result.marker} after DELETE`).toEqual({
        marker: result.marker,
        survivors: [],
        marked: [],
      });
    }
    const shutdownCount = byEnding("shutdown").length;
    await waitUntil(
      "idle sessions to be closed",
      async () => (await srv.health()).sessions === shutdownCount,
    );
    await waitUntil("the processes of idle sessions to be gone", () =>
      byEnding("idle").every((s) => survivors(pidsOf(s)).length === 0),
    );
    for (const s of byEnding("idle")) expect(processesOfSession(s.work.marker)).toEqual([]);
    for (const s of [...byEnding("delete"), ...byEnding("idle")]) await s.client.close();

    // The sessions still open were not touched by the others' cleanup, and the server serves.
    for (const s of byEnding("shutdown")) expect(survivors(pidsOf(s))).toEqual(pidsOf(s));
    expect(await srv.health()).toMatchObject({ status: "ok", sessions: shutdownCount });
    const fresh = await connectHttp(srv.url);
    expect(await call(fresh.client, "bash", { command: "echo still serving" })).toContain("still serving");
    await fresh.transport.terminateSession();
    await fresh.client.close();

    // SIGTERM with sessions open, some mid-call: the server exits cleanly and takes everything with it.
    expect(failedEarly).toEqual([]);
    stopping = true;
    srv.proc.kill("SIGTERM");
    const exit = await srv.exited;
    expect(sessions.flatMap((s) => survivors(pidsOf(s)))).toEqual([]);
    expect(processesOfServer(srv.identity)).toEqual([]);
    expect(leftovers(srv.mark)).toEqual([]);
    // SPEC §7: exit within grace + 1 s with nothing left. On a saturated machine closing 17 sessions
    // of TERM-ignoring processes can outlast that margin; then the deadline kills everything at once
    // and the exit status is 1, which the log line explains. Anything else is a failure.
    const overran = /shutdown overran its deadline/.test(srv.stderr());
    expect(exit, srv.stderr()).toEqual({ code: overran ? 1 : 0, signal: null });
    await Promise.all(inFlight);
    await Promise.all(byEnding("shutdown").map((s) => s.client.close()));
  });
});
