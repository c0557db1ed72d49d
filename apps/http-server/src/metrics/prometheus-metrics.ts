import type { KillPath } from "@boris-mcp/session";
import type { Operation } from "@boris-mcp/tools";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import { type ClosedLabel, type CloseReason, closedLabel } from "../close-reason.js";
import type { BuildInfo, Exposition, MetricsSources } from "./recorder.js";

/**
 * OpenTelemetry's advice for `mcp.server.operation.duration`, seconds: from a quick lookup to a
 * five-minute command.
 */
export const OPERATION_BUCKETS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300];

/** Session lifetimes, seconds: a one-shot client to a working day. */
export const SESSION_BUCKETS = [1, 10, 60, 300, 600, 1800, 3600, 7200, 14400, 28800, 86400];

/** Every label value, created at zero so that `rate()` and `increase()` see the first event. */
const CLOSED_LABELS: Record<ClosedLabel, true> = {
  delete: true,
  idle: true,
  shutdown: true,
  transport: true,
};
const KILL_PATHS: Record<KillPath, true> = { group: true, marker: true, cgroup: true, "orphan-sweep": true };

/**
 * The Prometheus metrics of one `boris-http` (prom-client, its own registry): names after
 * OpenTelemetry's MCP semantic conventions where they exist (`mcp_server_*`, with the attributes'
 * dots as underscores), `boris_*` for the rest. Every label value comes from a closed set.
 * Timestamps are `monotonicMs()` values (lazy-metrics.ts) given by the caller, which may record them late.
 */
export class PrometheusMetrics {
  readonly registry = new Registry();
  private readonly operations: Histogram<"mcp_method_name" | "gen_ai_tool_name" | "error_type">;
  private readonly sessionDuration: Histogram;
  private readonly sessionsClosed: Counter<"reason">;
  private readonly killedProcesses: Counter<"by">;
  /** Open sessions' start times, for their duration at close. */
  private readonly openedAt = new Map<string, number>();

  constructor(info: BuildInfo, sources: MetricsSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: "boris_build_info",
      help: "Always 1: the version of this server and its instance id (the prefix of its session ids).",
      labelNames: ["version", "instance"],
      registers,
    }).set({ version: info.version, instance: info.instanceId }, 1);
    this.operations = new Histogram({
      name: "mcp_server_operation_duration_seconds",
      help: "MCP requests from their arrival to their answer. error_type: the [CODE] of a tool's error result, a JSON-RPC error code, or cancelled; empty for a success.",
      labelNames: ["mcp_method_name", "gen_ai_tool_name", "error_type"],
      buckets: OPERATION_BUCKETS,
      registers,
    });
    this.sessionDuration = new Histogram({
      name: "mcp_server_session_duration_seconds",
      help: "MCP sessions from their initialize to their close.",
      buckets: SESSION_BUCKETS,
      registers,
    });
    new Gauge({
      name: "boris_sessions_active",
      help: "Open MCP sessions.",
      registers,
      collect() {
        this.set(sources.sessionsActive());
      },
    });
    this.sessionsClosed = new Counter({
      name: "boris_sessions_closed_total",
      help: "Closed MCP sessions by reason: delete (the client's DELETE), idle (the idle or orphan timeout), shutdown, transport.",
      labelNames: ["reason"],
      registers,
    });
    for (const reason of Object.keys(CLOSED_LABELS)) this.sessionsClosed.inc({ reason }, 0);
    new Gauge({
      name: "boris_background_tasks_running",
      help: "Background tasks (bash run_in_background) running in all sessions.",
      registers,
      collect() {
        this.set(sources.backgroundTasksRunning());
      },
    });
    this.killedProcesses = new Counter({
      name: "boris_processes_killed_total",
      help: "Processes signalled to end, by the path that reached them: group (a command's process group), marker (the session's environment marker), cgroup (the session's cgroup), orphan-sweep (left by a dead server).",
      labelNames: ["by"],
      registers,
    });
    for (const by of Object.keys(KILL_PATHS)) this.killedProcesses.inc({ by }, 0);
    new Gauge({
      name: "boris_search_in_flight",
      help: "ripgrep processes running for grep and glob calls (at most one per core).",
      registers,
      collect() {
        this.set(sources.search().running);
      },
    });
    new Gauge({
      name: "boris_search_queued",
      help: "grep and glob calls waiting for a free ripgrep slot.",
      registers,
      collect() {
        this.set(sources.search().queued);
      },
    });
  }

  operation(op: Operation): void {
    this.operations.observe(
      { mcp_method_name: op.method, gen_ai_tool_name: op.tool, error_type: op.errorType },
      op.durationSeconds,
    );
  }

  sessionOpened(id: string, at: number): void {
    this.openedAt.set(id, at);
  }

  /** Counts a close of a session seen opening (a close of an unknown id counts nothing). */
  sessionClosed(id: string, reason: CloseReason, at: number): void {
    const opened = this.openedAt.get(id);
    if (opened === undefined) return;
    this.openedAt.delete(id);
    this.sessionsClosed.inc({ reason: closedLabel(reason) });
    this.sessionDuration.observe(Math.max(0, at - opened) / 1000);
  }

  killed(by: KillPath, count: number): void {
    this.killedProcesses.inc({ by }, count);
  }

  async expose(): Promise<Exposition> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
