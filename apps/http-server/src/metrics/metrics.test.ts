import { afterEach, describe, expect, it, vi } from "vitest";
import { sampleValue } from "../test/metrics.js";
import { LazyMetrics, MAX_QUEUED_EVENTS } from "./lazy-metrics.js";
import { PrometheusMetrics } from "./prometheus-metrics.js";
import type { MetricsSources } from "./recorder.js";

const INFO = { version: "1.2.3", instanceId: "i-1" };

function sources(values: Partial<{ sessions: number; tasks: number; running: number; queued: number }> = {}) {
  const live = { sessions: 0, tasks: 0, running: 0, queued: 0, ...values };
  const src: MetricsSources = {
    sessionsActive: () => live.sessions,
    backgroundTasksRunning: () => live.tasks,
    search: () => ({ running: live.running, queued: live.queued }),
  };
  return { live, src };
}

async function text(metrics: { expose(): Promise<{ body: string }> }): Promise<string> {
  return (await metrics.expose()).body;
}

const op = (method: string, tool: string, errorType: string, durationSeconds = 0.25) => ({
  method,
  tool,
  errorType,
  durationSeconds,
});

describe("PrometheusMetrics", () => {
  it("counts operations by method, tool and error type", async () => {
    const m = new PrometheusMetrics(INFO, sources().src);
    m.operation(op("tools/call", "bash", "", 0.015));
    m.operation(op("tools/call", "bash", ""));
    m.operation(op("tools/call", "view", "PATH_NOT_FOUND"));
    m.operation(op("initialize", "", ""));
    const t = await text(m);
    const count = (labels: Record<string, string>) =>
      sampleValue(t, "mcp_server_operation_duration_seconds_count", labels);
    expect(count({ mcp_method_name: "tools/call", gen_ai_tool_name: "bash", error_type: "" })).toBe(2);
    expect(
      count({ mcp_method_name: "tools/call", gen_ai_tool_name: "view", error_type: "PATH_NOT_FOUND" }),
    ).toBe(1);
    expect(count({ mcp_method_name: "initialize", gen_ai_tool_name: "", error_type: "" })).toBe(1);
    const bucket = (le: string) =>
      sampleValue(t, "mcp_server_operation_duration_seconds_bucket", {
        mcp_method_name: "tools/call",
        gen_ai_tool_name: "bash",
        error_type: "",
        le,
      });
    expect([bucket("0.01"), bucket("0.02"), bucket("0.2"), bucket("0.5"), bucket("+Inf")]).toEqual([
      0, 1, 1, 2, 2,
    ]);
  });

  it("times sessions from open to close and counts closes by reason (an orphan timeout is idle)", async () => {
    const m = new PrometheusMetrics(INFO, sources().src);
    m.sessionOpened("a", 1000);
    m.sessionOpened("b", 2000);
    m.sessionOpened("c", 2000);
    m.sessionClosed("a", "delete", 4000);
    m.sessionClosed("b", "orphan", 2500);
    m.sessionClosed("c", "idle", 2500);
    m.sessionClosed("a", "transport", 9000); // closed already: not counted again
    m.sessionClosed("never-opened", "shutdown", 9000);
    const t = await text(m);
    expect(sampleValue(t, "boris_sessions_closed_total", { reason: "delete" })).toBe(1);
    expect(sampleValue(t, "boris_sessions_closed_total", { reason: "idle" })).toBe(2);
    expect(sampleValue(t, "boris_sessions_closed_total", { reason: "transport" })).toBe(0);
    expect(sampleValue(t, "boris_sessions_closed_total", { reason: "shutdown" })).toBe(0);
    expect(sampleValue(t, "boris_sessions_closed_total", { reason: "orphan" })).toBeUndefined();
    expect(sampleValue(t, "mcp_server_session_duration_seconds_count")).toBe(3);
    expect(sampleValue(t, "mcp_server_session_duration_seconds_sum")).toBe(4);
  });

  it("counts killed processes by kill path, every path present from the start", async () => {
    const m = new PrometheusMetrics(INFO, sources().src);
    expect(sampleValue(await text(m), "boris_processes_killed_total", { by: "cgroup" })).toBe(0);
    m.killed("group", 2);
    m.killed("group", 1);
    m.killed("orphan-sweep", 5);
    const t = await text(m);
    expect(sampleValue(t, "boris_processes_killed_total", { by: "group" })).toBe(3);
    expect(sampleValue(t, "boris_processes_killed_total", { by: "orphan-sweep" })).toBe(5);
    expect(sampleValue(t, "boris_processes_killed_total", { by: "marker" })).toBe(0);
  });

  it("reads the gauges at each scrape; build info and the process metrics are there", async () => {
    const { live, src } = sources({ sessions: 2, tasks: 1 });
    const m = new PrometheusMetrics(INFO, src);
    let t = await text(m);
    expect(sampleValue(t, "boris_sessions_active")).toBe(2);
    expect(sampleValue(t, "boris_background_tasks_running")).toBe(1);
    Object.assign(live, { sessions: 0, tasks: 3, running: 2, queued: 4 });
    t = await text(m);
    expect(sampleValue(t, "boris_sessions_active")).toBe(0);
    expect(sampleValue(t, "boris_background_tasks_running")).toBe(3);
    expect(sampleValue(t, "boris_search_in_flight")).toBe(2);
    expect(sampleValue(t, "boris_search_queued")).toBe(4);
    expect(sampleValue(t, "boris_build_info", { version: "1.2.3", instance: "i-1" })).toBe(1);
    expect(sampleValue(t, "process_start_time_seconds")).toBeGreaterThan(0);
    expect(sampleValue(t, "nodejs_heap_size_used_bytes")).toBeGreaterThan(0);
  });

  it("keeps two servers' metrics apart (one registry each)", async () => {
    const a = new PrometheusMetrics(INFO, sources().src);
    const b = new PrometheusMetrics({ ...INFO, instanceId: "i-2" }, sources().src);
    a.killed("marker", 1);
    expect(sampleValue(await text(b), "boris_processes_killed_total", { by: "marker" })).toBe(0);
    expect(sampleValue(await text(b), "boris_build_info", { version: "1.2.3", instance: "i-2" })).toBe(1);
  });
});

describe("LazyMetrics", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("queues events until loaded, then replays them with the times they happened", async () => {
    vi.useFakeTimers({ toFake: ["hrtime"] });
    const create = vi.fn(async () => new PrometheusMetrics(INFO, sources().src));
    const lazy = new LazyMetrics(create);
    lazy.sessionOpened("s");
    lazy.operation(op("tools/call", "grep", "GREP_INVALID_PATTERN"));
    lazy.killed("cgroup", 2);
    vi.advanceTimersByTime(3000);
    lazy.sessionClosed("s", "delete");
    vi.advanceTimersByTime(60_000);
    expect(create).not.toHaveBeenCalled();
    const t = await text(lazy);
    expect(create).toHaveBeenCalledTimes(1);
    expect(sampleValue(t, "mcp_server_session_duration_seconds_sum")).toBe(3);
    expect(sampleValue(t, "boris_sessions_closed_total", { reason: "delete" })).toBe(1);
    expect(sampleValue(t, "boris_processes_killed_total", { by: "cgroup" })).toBe(2);
    expect(
      sampleValue(t, "mcp_server_operation_duration_seconds_count", {
        mcp_method_name: "tools/call",
        gen_ai_tool_name: "grep",
        error_type: "GREP_INVALID_PATTERN",
      }),
    ).toBe(1);
    // Loaded: events go straight in, and the same metrics answer every scrape.
    lazy.killed("cgroup", 1);
    expect(sampleValue(await text(lazy), "boris_processes_killed_total", { by: "cgroup" })).toBe(3);
    expect(create).toHaveBeenCalledTimes(1);
  });

  it("starts loading once the queue is full, without losing an event", async () => {
    const create = vi.fn(async () => new PrometheusMetrics(INFO, sources().src));
    const lazy = new LazyMetrics(create);
    for (let i = 0; i < MAX_QUEUED_EVENTS - 1; i++) lazy.killed("group", 1);
    expect(create).not.toHaveBeenCalled();
    lazy.killed("group", 1);
    expect(create).toHaveBeenCalledTimes(1);
    lazy.killed("group", 1);
    expect(sampleValue(await text(lazy), "boris_processes_killed_total", { by: "group" })).toBe(
      MAX_QUEUED_EVENTS + 1,
    );
  });

  it("reports a failed load once, fails scrapes and drops later events", async () => {
    const failures: unknown[] = [];
    const lazy = new LazyMetrics(
      () => Promise.reject(new Error("no prom-client")),
      (err) => failures.push(err),
    );
    lazy.killed("group", 1);
    await expect(lazy.expose()).rejects.toThrow("no prom-client");
    await expect(lazy.expose()).rejects.toThrow("no prom-client");
    lazy.killed("group", 1);
    expect(failures).toHaveLength(1);
  });
});
