import { spawn } from "node:child_process";
import { join } from "node:path";
import { isRunning, killAll, waitUntil } from "@boris-mcp/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { survivors } from "./harness/processes.js";
import { openCall, rawCall, rawSession, rpc, sessionHeaders } from "./harness/raw-http.js";
import { call } from "./harness/results.js";
import {
  connectHttp,
  type HttpServer,
  leftovers,
  makeTempDir,
  removeDir,
  startHttp,
} from "./harness/servers.js";
import { readPids } from "./harness/workload.js";

/** A foreground bash call that runs until killed and records its shell's and its child's pids. */
function longCall(pidFile: string, ignoreTerm = false) {
  const f = JSON.stringify(pidFile);
  const trap = ignoreTerm ? "trap '' TERM; " : "";
  return rpc("tools/call", {
    name: "bash",
    arguments: { command: `${trap}sleep 300 & echo $! >> ${f}; echo $$ >> ${f}; wait`, timeout: 600_000 },
  });
}

type Vanish = "reset" | "destroy" | "killed process";

describe("clients that vanish mid-call", () => {
  const dir = makeTempDir("vanish");
  let server: HttpServer;
  let counter = 0;
  const pidFile = () => join(dir, `pids-${counter++}`);

  beforeAll(async () => {
    server = await startHttp(["--workdir", dir, "--log-level", "warn"]);
  });
  afterAll(async () => {
    killAll(leftovers(server.mark));
    await server.stop();
    removeDir(dir);
  });

  /** Starts a long call in `sessionId`, waits until it runs, makes its client vanish; returns its pids. */
  async function vanishMidCall(sessionId: string, how: Vanish, ignoreTerm = false): Promise<number[]> {
    const file = pidFile();
    const message = longCall(file, ignoreTerm);
    let vanish: () => void;
    if (how === "killed process") {
      // A whole client process dies: the kernel closes its connection.
      const script = `
        const [url, headers, body] = process.argv.slice(1);
        const req = require("node:http").request(url, { method: "POST", headers: JSON.parse(headers) });
        req.on("response", (res) => res.resume());
        req.end(body);
        setInterval(() => {}, 60_000);`;
      const child = spawn(
        process.execPath,
        ["-e", script, server.url, JSON.stringify(sessionHeaders(sessionId)), JSON.stringify(message)],
        { stdio: "ignore" },
      );
      vanish = () => child.kill("SIGKILL");
    } else {
      const req = openCall(server.url, sessionId, message);
      vanish = how === "reset" ? () => req.socket!.resetAndDestroy() : () => req.destroy();
    }
    await waitUntil("the long command to start", () => readPids(file).length === 2);
    const pids = readPids(file);
    expect(survivors(pids)).toHaveLength(2);
    vanish();
    return pids;
  }

  for (const how of ["reset", "destroy", "killed process"] as const) {
    it(`kills the command's process group when the client's connection ends (${how})`, async () => {
      const sessionId = await rawSession(server.url);
      const pids = await vanishMidCall(sessionId, how);
      await waitUntil("the command's processes to be killed", () => survivors(pids).length === 0, 10_000);
      // The session and the server carry on.
      const next = await rawCall(
        server.url,
        sessionId,
        rpc("tools/call", { name: "bash", arguments: { command: "echo alive" } }),
      );
      expect(next.status).toBe(200);
      expect(JSON.stringify(next.response)).toContain("alive");
      expect((await server.health()).status).toBe("ok");
    });
  }

  it("kills a TERM-ignoring command with KILL after the grace", async () => {
    const sessionId = await rawSession(server.url);
    const pids = await vanishMidCall(sessionId, "reset", true);
    // TERM is ignored: KILL follows after the 5 s grace.
    await waitUntil("the TERM-ignoring command to be killed", () => survivors(pids).length === 0, 15_000);
    expect(server.alive()).toBe(true);
  });

  it("survives many clients vanishing at once while other clients keep working", async () => {
    const bystander = await connectHttp(server.url);
    const sessions = await Promise.all(Array.from({ length: 5 }, () => rawSession(server.url)));
    const hows: Vanish[] = ["reset", "destroy", "killed process"];
    let stop = false;
    let answered = 0;
    const busy = (async () => {
      while (!stop) {
        expect(await call(bystander.client, "bash", { command: "echo bystander" })).toContain("bystander");
        answered++;
      }
    })();
    const pids = (
      await Promise.all(
        Array.from({ length: 15 }, (_, i) => vanishMidCall(sessions[i % 5]!, hows[i % 3]!, i % 4 === 0)),
      )
    ).flat();
    await waitUntil("every vanished command to be killed", () => survivors(pids).length === 0, 15_000);
    stop = true;
    await busy;
    expect(answered).toBeGreaterThan(0);
    expect(server.alive()).toBe(true);
    for (const sessionId of sessions) {
      const next = await rawCall(
        server.url,
        sessionId,
        rpc("tools/call", { name: "bash", arguments: { command: "echo alive" } }),
      );
      expect(JSON.stringify(next.response)).toContain("alive");
    }
    expect(await server.health()).toMatchObject({ status: "ok" });
    await bystander.transport.terminateSession();
    await bystander.client.close();
    expect(isRunning(server.pid)).toBe(true);
  });
});
