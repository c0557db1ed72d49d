import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isRunning, startTcpProxy, type TcpProxy, textOf, waitUntil } from "@boris-mcp/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, rawRequest, rawSession, startServer } from "../test/harness.js";
import {
  bashRequest,
  type CountingClient,
  countingClient,
  cutAndAwaitResume,
  gatedCommand,
  primedCall,
  resumableSession,
} from "../test/resumable.js";

const portOf = (server: RunningServer) => Number(new URL(server.url).port);

/** A command that writes its pid to `<name>.pid` and sleeps until killed. */
function sleeperCommand(name: string): string {
  return `echo $$ > ${name}.pid; exec sleep 300`;
}

function pidIn(server: RunningServer, name: string): number | undefined {
  const file = join(server.workdir, `${name}.pid`);
  return existsSync(file) ? Number(readFileSync(file, "utf8")) || undefined : undefined;
}

describe("resumable streams: a dropped connection does not lose the call", () => {
  let server: RunningServer;
  let proxy: TcpProxy;
  let client: CountingClient;

  beforeAll(async () => {
    server = await startServer(["--resume-window", "600", "--log-level", "debug"]);
    proxy = await startTcpProxy("127.0.0.1", portOf(server));
    client = await countingClient(`http://${proxy.address}/mcp`);
  });
  afterAll(async () => {
    await client?.close();
    await proxy?.close();
    await server?.stop();
  });

  /** Starts the gated command through the proxy; resolves once it runs and the client holds a cursor. */
  async function startGated(name: string, command = gatedCommand(name)) {
    const cursors: string[] = [];
    const progress: string[] = [];
    const call = client.client.callTool({ name: "bash", arguments: { command } }, undefined, {
      timeout: 60_000,
      onresumptiontoken: (token) => cursors.push(token),
      onprogress: (p) => progress.push(p.message ?? ""),
    });
    await waitUntil(
      `${name} to run with a cursor in the client`,
      () => existsSync(join(server.workdir, `${name}.runs`)) && cursors.length > 0,
    );
    return { call, cursors, progress };
  }

  it("gets the result on the reconnected stream when the connection is cut while the command runs", async () => {
    const { call, cursors } = await startGated("cut");
    expect(await cutAndAwaitResume(client, proxy)).toBe(cursors[0]);
    writeFileSync(join(server.workdir, "cut.go"), "");
    expect(textOf(await call)).toContain("finished cut");
    // Not restarted, not run twice: the one run the cut interrupted went on to the end.
    expect(readFileSync(join(server.workdir, "cut.runs"), "utf8")).toBe("run\n");
  });

  it("survives a second cut of the reconnected stream before anything new was sent on it", async () => {
    const { call, cursors } = await startGated("twice");
    const resumesBefore = client.resumes.length;
    for (let cut = 1; cut <= 2; cut++) {
      const cursorsBefore = cursors.length;
      proxy.cut();
      await waitUntil(`reconnect ${cut}`, () => client.resumes.length >= resumesBefore + cut);
      // The reconnected stream opens with the client's cursor: the client holds one on it at once.
      await waitUntil(`the cursor on reconnected stream ${cut}`, () => cursors.length > cursorsBefore);
    }
    expect(client.resumes.slice(resumesBefore)).toEqual([cursors[0], cursors[0]]);
    writeFileSync(join(server.workdir, "twice.go"), "");
    expect(textOf(await call)).toContain("finished twice");
    expect(readFileSync(join(server.workdir, "twice.runs"), "utf8")).toBe("run\n");
  });

  it("replays the output and the result stored while the client could not reach the server", async () => {
    // After the gate opens (while the client is cut off) the command prints a line, then ends.
    const command = gatedCommand("away").replace(
      "; echo finished",
      "; echo printed while away; echo finished",
    );
    const { call, progress } = await startGated("away", command);
    proxy.setDown(true);
    proxy.cut();
    const heardBefore = progress.join("");
    writeFileSync(join(server.workdir, "away.go"), "");
    await waitUntil("the server to store the answer of the dropped stream", () =>
      server.stderr().includes("answer of a dropped stream stored"),
    );
    proxy.setDown(false);
    expect(textOf(await call)).toContain("finished away");
    // The progress notification sent while away came down the reconnected stream, before the result.
    expect(heardBefore).not.toContain("printed while away");
    expect(progress.join("")).toContain("printed while away");
    expect(readFileSync(join(server.workdir, "away.runs"), "utf8")).toBe("run\n");
    // The session carries on through the proxy.
    const next = await client.client.callTool({ name: "bash", arguments: { command: "echo still here" } });
    expect(textOf(next)).toContain("still here");
  });

  it("replays an answer the server handed over in full just before the cut (a proxy took it, the client never got it)", async () => {
    const { call } = await startGated("taken");
    proxy.setSwallowing(true);
    writeFileSync(join(server.workdir, "taken.go"), "");
    // The whole response went out, down to the chunked encoding's last chunk: the server is done with it.
    await waitUntil("the proxy to take the whole answer", () =>
      /finished taken[\s\S]*\r\n0\r\n\r\n$/.test(proxy.swallowed),
    );
    proxy.cut();
    proxy.setSwallowing(false);
    expect(textOf(await call)).toContain("finished taken");
    expect(readFileSync(join(server.workdir, "taken.runs"), "utf8")).toBe("run\n");
  });

  it("answers a Last-Event-ID the session does not know with 400", async () => {
    const res = await fetch(server.url, {
      headers: {
        Accept: "text/event-stream",
        "Mcp-Session-Id": client.transport.sessionId!,
        "Mcp-Protocol-Version": "2025-11-25",
        "Last-Event-ID": "no-such-stream.7",
      },
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("names no stream of this session");
  });
});

describe("resumable streams: what still ends a call at once", () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startServer(["--resume-window", "600"]);
  });
  afterAll(async () => {
    await server?.stop();
  });

  async function droppedSleeper(sessionId: string, name: string): Promise<number> {
    const call = await primedCall(server.url, sessionId, bashRequest(2, sleeperCommand(name)));
    // The stream opens with its priming event: an id, the retry hint, empty data.
    expect(call.text).toMatch(/^id: \S+\nretry: 1000\ndata: \n\n$/);
    await waitUntil(`${name} to run`, () => pidIn(server, name) !== undefined);
    call.abort();
    return pidIn(server, name)!;
  }

  it("DELETE kills the command of a dropped resumable stream", async () => {
    const sessionId = await resumableSession(server.url);
    const pid = await droppedSleeper(sessionId, "delete");
    expect(isRunning(pid)).toBe(true);
    const res = await fetch(server.url, {
      method: "DELETE",
      headers: { "Mcp-Session-Id": sessionId, "Mcp-Protocol-Version": "2025-11-25" },
    });
    expect(res.status).toBe(200);
    await waitUntil("the command to be killed", () => !isRunning(pid), 10_000);
  });

  it("notifications/cancelled kills the command of a dropped resumable stream", async () => {
    const sessionId = await resumableSession(server.url);
    const pid = await droppedSleeper(sessionId, "cancelled");
    expect(isRunning(pid)).toBe(true);
    const cancel = await rawRequest(server.url, sessionId, {
      jsonrpc: "2.0",
      method: "notifications/cancelled",
      params: { requestId: 2, reason: "the user pressed stop" },
    });
    expect(cancel.status).toBe(202);
    await waitUntil("the command to be killed", () => !isRunning(pid), 10_000);
  });

  it("a stream of protocol 2025-06-18 (not resumable) still cancels its call when it drops", async () => {
    const sessionId = await rawSession(server.url);
    const message = bashRequest(2, sleeperCommand("legacy"));
    const controller = new AbortController();
    void fetch(server.url, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json, text/event-stream",
        "Mcp-Session-Id": sessionId,
        "Mcp-Protocol-Version": "2025-06-18",
      },
      body: JSON.stringify(message),
      signal: controller.signal,
    }).catch(() => {});
    await waitUntil("the command to run", () => pidIn(server, "legacy") !== undefined);
    const pid = pidIn(server, "legacy")!;
    controller.abort();
    await waitUntil("the command to be killed", () => !isRunning(pid), 10_000);
  });
});

describe("resumable streams: bounds", () => {
  it("cancels a call whose client does not come back within --resume-window", async () => {
    const server = await startServer(["--resume-window", "1", "--log-level", "info"]);
    try {
      const sessionId = await resumableSession(server.url);
      const call = await primedCall(server.url, sessionId, bashRequest(2, sleeperCommand("window")));
      await waitUntil("the command to run", () => pidIn(server, "window") !== undefined);
      const pid = pidIn(server, "window")!;
      call.abort();
      await waitUntil("the command to be killed after the window", () => !isRunning(pid), 15_000);
      // The session itself stays: only the call was given up.
      const next = await rawRequest(server.url, sessionId, bashRequest(3, "echo next"));
      expect(JSON.stringify(next.response)).toContain("next");
      // Its stream is gone from the store: reconnecting to it is refused.
      const resume = await fetch(server.url, {
        headers: {
          Accept: "text/event-stream",
          "Mcp-Session-Id": sessionId,
          "Mcp-Protocol-Version": "2025-11-25",
          "Last-Event-ID": call.eventId,
        },
      });
      expect(resume.status).toBe(400);
    } finally {
      await server.stop();
    }
  });

  it("the idle timeout closes a session whose dropped call waits, killing the command at once", async () => {
    const server = await startServer(["--resume-window", "600", "--session-idle-timeout", "1"]);
    try {
      // The session is idle between its initialize and the call: on a loaded machine that gap can
      // pass the 1 s timeout, and the call then finds the session closed (404). Only that case starts
      // over; a session closed while the call runs still fails below.
      let sessionId = "";
      let call: Awaited<ReturnType<typeof primedCall>> | undefined;
      for (let attempt = 1; call === undefined; attempt++) {
        sessionId = await resumableSession(server.url);
        try {
          call = await primedCall(server.url, sessionId, bashRequest(2, sleeperCommand("idle")));
        } catch (err) {
          if (attempt === 5 || !String(err).includes("Session not found")) throw err;
          console.log(`attempt ${attempt}: the session idled out before the call reached it; again`);
        }
      }
      await waitUntil("the command to run", () => pidIn(server, "idle") !== undefined);
      const pid = pidIn(server, "idle")!;
      call.abort();
      // Only the idle timeout (1 s) can end it: the resume window is ten minutes.
      await waitUntil("the command to be killed with its idle session", () => !isRunning(pid), 15_000);
      expect((await rawRequest(server.url, sessionId, bashRequest(3, "true"))).status).toBe(404);
    } finally {
      await server.stop();
    }
  });

  it("--resume-window 0 turns resumability off: no priming event, and a drop cancels at once", async () => {
    const server = await startServer(["--resume-window", "0"]);
    try {
      const sessionId = await resumableSession(server.url);
      const controller = new AbortController();
      const res = await fetch(server.url, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json, text/event-stream",
          "Mcp-Session-Id": sessionId,
          "Mcp-Protocol-Version": "2025-11-25",
        },
        body: JSON.stringify(bashRequest(2, sleeperCommand("off"))),
        signal: controller.signal,
      });
      expect(res.status).toBe(200);
      await waitUntil("the command to run", () => pidIn(server, "off") !== undefined);
      const pid = pidIn(server, "off")!;
      controller.abort();
      await waitUntil("the command to be killed", () => !isRunning(pid), 10_000);
    } finally {
      await server.stop();
    }
  });
});

describe("SSE keep-alive behind a proxy that cuts silent connections", () => {
  /**
   * Runs a 4 s command through a proxy that cuts a connection after 1.5 s without a byte. (Idle
   * pooled connections get cut too, harmlessly: what counts is whether the call's stream resumed.)
   */
  async function throughIdleProxy(keepalive: string) {
    const server = await startServer(["--sse-keepalive", keepalive]);
    const proxy = await startTcpProxy("127.0.0.1", portOf(server), { idleTimeoutMs: 1500 });
    const client = await countingClient(`http://${proxy.address}/mcp`);
    try {
      const result = await client.client.callTool(
        { name: "bash", arguments: { command: "echo run >> keepalive.runs; sleep 4; echo slept" } },
        undefined,
        { timeout: 60_000 },
      );
      return {
        text: textOf(result),
        runs: readFileSync(join(server.workdir, "keepalive.runs"), "utf8"),
        resumes: client.resumes.length,
      };
    } finally {
      await client.close();
      await proxy.close();
      await server.stop();
    }
  }

  it("keeps a long call's stream open with keep-alive comments: it is never cut, nothing resumes", async () => {
    const outcome = await throughIdleProxy("0.2");
    expect(outcome).toMatchObject({ resumes: 0, runs: "run\n" });
    expect(outcome.text).toContain("slept");
  });

  it("without keep-alives the proxy cuts the stream, and the call still completes by resuming", async () => {
    const outcome = await throughIdleProxy("0");
    expect(outcome.resumes).toBeGreaterThan(0);
    expect(outcome).toMatchObject({ runs: "run\n" });
    expect(outcome.text).toContain("slept");
  });
});
