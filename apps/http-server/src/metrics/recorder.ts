import type { KillPath } from "@boris-mcp/session";
import type { Operation } from "@boris-mcp/tools";
import type { CloseReason } from "../close-reason.js";

/** What the HTTP server tells its metrics as it runs. Every method is cheap and never throws. */
export interface MetricsRecorder {
  /** A request of a session was answered, cancelled or left open at its close. */
  operation(operation: Operation): void;
  sessionOpened(id: string): void;
  sessionClosed(id: string, reason: CloseReason): void;
  /** A kill path signalled `count` processes (a KillObserver). */
  killed(by: KillPath, count: number): void;
  /** The text a scrape gets. */
  expose(): Promise<Exposition>;
}

/** The live values the gauges read at each scrape. */
export interface MetricsSources {
  sessionsActive(): number;
  backgroundTasksRunning(): number;
  search(): { readonly running: number; readonly queued: number };
}

export interface BuildInfo {
  readonly version: string;
  readonly instanceId: string;
}

/** A scrape's answer. */
export interface Exposition {
  readonly contentType: string;
  readonly body: string;
}
