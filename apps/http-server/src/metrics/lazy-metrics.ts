import type { KillPath } from "@boris-mcp/session";
import type { Operation } from "@boris-mcp/tools";
import type { CloseReason } from "../close-reason.js";
import type { PrometheusMetrics } from "./prometheus-metrics.js";
import type { Exposition, MetricsRecorder } from "./recorder.js";

/**
 * A monotonic clock, ms, for the times events are queued with. Not `performance.now()`: its first
 * use loads Node's perf_hooks (several ms here), which would land on the first `initialize` of
 * every start (a session opening is an event).
 */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Events kept while prom-client loads; reaching it starts the load at once. */
export const MAX_QUEUED_EVENTS = 1000;

/**
 * The server's metrics, with prom-client loaded only when first needed: at the first scrape, or once
 * MAX_QUEUED_EVENTS events wait. Loading it takes longer than the rest of the start-up (about 100 ms
 * of one core, spent on nothing else), so it is not done before the server serves, nor at a fixed
 * moment after, when clients are most likely initializing; a server nobody scrapes and that sees
 * little use never loads it. Until then each event is queued with its time and replayed in order,
 * so nothing is lost and durations are what they were.
 */
export class LazyMetrics implements MetricsRecorder {
  private metrics: PrometheusMetrics | undefined;
  private loading: Promise<PrometheusMetrics> | undefined;
  private queue: Array<(m: PrometheusMetrics) => void> = [];
  /** prom-client could not be loaded: events are dropped, scrapes fail. */
  private failed = false;

  constructor(
    private readonly create: () => Promise<PrometheusMetrics>,
    private readonly onLoadFailed: (err: unknown) => void = () => {},
  ) {}

  /** Loads prom-client and replays what was queued; the same promise every time. */
  load(): Promise<PrometheusMetrics> {
    this.loading ??= this.create().then(
      (metrics) => {
        for (const apply of this.queue) apply(metrics);
        this.queue = [];
        this.metrics = metrics;
        return metrics;
      },
      (err: unknown) => {
        this.failed = true;
        this.queue = [];
        this.onLoadFailed(err);
        throw err;
      },
    );
    return this.loading;
  }

  /** The text a scrape gets (loads the metrics first if needed). */
  async expose(): Promise<Exposition> {
    return (await this.load()).expose();
  }

  operation(operation: Operation): void {
    this.record((m) => m.operation(operation));
  }

  sessionOpened(id: string): void {
    const at = monotonicMs();
    this.record((m) => m.sessionOpened(id, at));
  }

  sessionClosed(id: string, reason: CloseReason): void {
    const at = monotonicMs();
    this.record((m) => m.sessionClosed(id, reason, at));
  }

  killed(by: KillPath, count: number): void {
    this.record((m) => m.killed(by, count));
  }

  private record(apply: (m: PrometheusMetrics) => void): void {
    if (this.metrics) {
      apply(this.metrics);
      return;
    }
    if (this.failed) return;
    this.queue.push(apply);
    if (this.queue.length >= MAX_QUEUED_EVENTS) void this.load().catch(() => {});
  }
}
