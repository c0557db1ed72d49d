// /metrics of the built boris-http after a workload through the SDK client: the counters carry the
// calls, their errors, the sessions and the kills with the right labels; the token guards it; the
// exposition passes `promtool check metrics` where Prometheus is installed. And --log-format json.
import { spawnSync } from "node:child_process";
import { bash, isRunning, textOf, waitUntil } from "@boris-mcp/test-support";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, type RunningServer, rawSession, startServer } from "../test/harness.js";
import { operationLabels, sampleValue, scrape, scrapeText } from "../test/metrics.js";

const TOKEN = "metrics-e2e-token";
const AUTH = { Authorization: `Bearer ${TOKEN}` };

let server: RunningServer;
beforeAll(async () => {
  server = await startServer(["--token", TOKEN, "--log-level", "info", "--log-format", "json"]);
});
afterAll(() => server.stop());

const metrics = () => scrapeText(server.base, TOKEN);
const operations = (text: string, method: string, tool = "", errorType = "") =>
  sampleValue(
    text,
    "mcp_server_operation_duration_seconds_count",
    operationLabels(method, tool, errorType),
  ) ?? 0;
const killedBy = (text: string, by: string) => sampleValue(text, "boris_processes_killed_total", { by });

describe("/metrics", () => {
  it("answers 401 without the right token, and the Prometheus text format with it", async () => {
    const without = await scrape(server.base);
    expect(without.status).toBe(401);
    expect(without.headers.get("www-authenticate")).toBe("Bearer");
    expect((await scrape(server.base, "wrong")).status).toBe(401);
    const res = await scrape(server.base, TOKEN);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const version = JSON.parse(await (await fetch(`${server.base}/health`)).text()) as {
      version: string;
      instance: string;
    };
    expect(
      sampleValue(text, "boris_build_info", { version: version.version, instance: version.instance }),
    ).toBe(1);
    expect(sampleValue(text, "process_resident_memory_bytes")).toBeGreaterThan(0);
  });

  it("counts each call by method, tool and error type", async () => {
    const before = await metrics();
    const { client, transport } = await connect(server.url, { headers: AUTH });
    try {
      await client.listTools();
      for (let i = 0; i < 3; i++) expect((await bash(client, "true")).structured?.exit_code).toBe(0);
      const missing = (await client.callTool({
        name: "view",
        arguments: { path: "nope.txt" },
      })) as CallToolResult;
      expect(textOf(missing)).toMatch(/^\[PATH_NOT_FOUND\]/);
      expect(textOf((await bash(client, "")).result)).toMatch(/^\[BASH_EMPTY_COMMAND\]/);
      const unknown = (await client.callTool({ name: "made_up_tool", arguments: {} })) as CallToolResult;
      expect(textOf(unknown)).toMatch(/^\[INVALID_INPUT\]/);
      await expect(client.request({ method: "made/up" } as never, {} as never)).rejects.toThrow(/-32601/);
      await transport.terminateSession();
    } finally {
      await client.close();
    }
    const after = await metrics();
    const delta = (method: string, tool = "", errorType = "") =>
      operations(after, method, tool, errorType) - operations(before, method, tool, errorType);
    expect(delta("initialize")).toBe(1);
    expect(delta("tools/list")).toBe(1);
    expect(delta("tools/call", "bash")).toBe(3);
    expect(delta("tools/call", "view", "PATH_NOT_FOUND")).toBe(1);
    expect(delta("tools/call", "bash", "BASH_EMPTY_COMMAND")).toBe(1);
    // A name the client made up is never a label value.
    expect(delta("tools/call", "other", "INVALID_INPUT")).toBe(1);
    expect(after).not.toContain("made_up_tool");
    expect(delta("other", "", "-32601")).toBe(1);
    expect(after).not.toContain("made/up");
  });

  it("moves sessions active and closed, and times the closed ones", async () => {
    const before = await metrics();
    const activeBefore = sampleValue(before, "boris_sessions_active")!;
    const a = await connect(server.url, { headers: AUTH });
    const b = await connect(server.url, { headers: AUTH });
    try {
      expect(sampleValue(await metrics(), "boris_sessions_active")).toBe(activeBefore + 2);
      await a.transport.terminateSession();
      const after = await metrics();
      expect(sampleValue(after, "boris_sessions_active")).toBe(activeBefore + 1);
      const closed = (text: string) =>
        sampleValue(text, "boris_sessions_closed_total", { reason: "delete" })!;
      expect(closed(after) - closed(before)).toBe(1);
      const timed = (text: string) => sampleValue(text, "mcp_server_session_duration_seconds_count")!;
      expect(timed(after) - timed(before)).toBe(1);
      await b.transport.terminateSession();
      expect(sampleValue(await metrics(), "boris_sessions_active")).toBe(activeBefore);
    } finally {
      await Promise.all([a.client.close(), b.client.close()]);
    }
  });

  it("counts the running background tasks and a task killed through its process group", async () => {
    const before = await metrics();
    const { client, transport } = await connect(server.url, { headers: AUTH });
    try {
      const started = await bash(client, "echo $$; exec sleep 300", { run_in_background: true });
      const taskId = started.structured?.task_id as string;
      let pid = 0;
      await waitUntil("the task to print its pid", async () => {
        const out = await client.callTool({ name: "task_output", arguments: { task_id: taskId } });
        pid = Number(/^(\d+)$/m.exec(textOf(out as CallToolResult))?.[1] ?? 0);
        return pid > 0;
      });
      expect(isRunning(pid)).toBe(true);
      expect(sampleValue(await metrics(), "boris_background_tasks_running")).toBe(1);
      await client.callTool({ name: "task_kill", arguments: { task_id: taskId } });
      await waitUntil(`the task's process ${pid} to be gone`, () => !isRunning(pid));
      const after = await metrics();
      expect(sampleValue(after, "boris_background_tasks_running")).toBe(0);
      expect(killedBy(after, "group")! - killedBy(before, "group")!).toBe(1);
      await transport.terminateSession();
    } finally {
      await client.close();
    }
  });

  it("counts a session closed by the idle timeout as idle", async () => {
    const idle = await startServer(["--session-idle-timeout", "0.3"]);
    try {
      await rawSession(idle.url);
      await waitUntil("the idle session to be counted closed", async () => {
        const text = await scrapeText(idle.base);
        return sampleValue(text, "boris_sessions_closed_total", { reason: "idle" }) === 1;
      });
      expect(sampleValue(await scrapeText(idle.base), "boris_sessions_active")).toBe(0);
    } finally {
      await idle.stop();
    }
  });

  it("passes promtool check metrics (prom-client's own nodejs_* gauges aside)", async (ctx) => {
    const promtool = spawnSync("promtool", ["--version"], { encoding: "utf8" });
    if (promtool.error) {
      const reason = "promtool is not installed (apt-get install prometheus; .ci/run installs it)";
      if (process.env.CI === "true") throw new Error(reason);
      console.log(`skipping promtool check metrics: ${reason}`);
      return ctx.skip();
    }
    const checked = spawnSync("promtool", ["check", "metrics"], { input: await metrics(), encoding: "utf8" });
    // 0: clean; 3: lint findings only. prom-client names three of its default gauges *_total.
    expect([0, 3], checked.stderr).toContain(checked.status);
    const findings = `${checked.stdout}${checked.stderr}`.split("\n").filter((l) => l.trim() !== "");
    for (const finding of findings) expect(finding).toMatch(/^nodejs_active_\w+_total non-counter metrics/);
  });
});

describe("--log-format json", () => {
  it("writes one JSON object per line, with the session id and the tool on each tool-call line", async () => {
    const { client, sessionId, transport } = await connect(server.url, { headers: AUTH });
    try {
      await bash(client, "true");
      await client.callTool({ name: "view", arguments: { path: "nope.txt" } });
      await transport.terminateSession();
    } finally {
      await client.close();
    }
    const lines = server
      .stderr()
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const calls = lines.filter((l) => l.msg === "tool call" && l.session === sessionId);
    expect(calls.map(({ tool, error, level }) => ({ tool, error, level }))).toEqual([
      { tool: "bash", error: undefined, level: "info" },
      { tool: "view", error: "PATH_NOT_FOUND", level: "info" },
    ]);
    for (const call of calls) expect(typeof call.ms).toBe("number");
    // Every line of the server's stderr past the listening line is JSON.
    const rest = server
      .stderr()
      .split("\n")
      .slice(1)
      .filter((l) => l !== "");
    for (const line of rest) expect(() => JSON.parse(line), line).not.toThrow();
  });
});
