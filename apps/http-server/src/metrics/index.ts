import { LazyMetrics } from "./lazy-metrics.js";
import type { BuildInfo, MetricsSources } from "./recorder.js";

export { LazyMetrics, MAX_QUEUED_EVENTS } from "./lazy-metrics.js";
export type { BuildInfo, Exposition, MetricsRecorder, MetricsSources } from "./recorder.js";

/** The server's metrics; prom-client is imported on first need (see LazyMetrics). */
export function createMetrics(
  info: BuildInfo,
  sources: MetricsSources,
  onLoadFailed?: (err: unknown) => void,
) {
  return new LazyMetrics(
    async () => new (await import("./prometheus-metrics.js")).PrometheusMetrics(info, sources),
    onLoadFailed,
  );
}
export { metricsSources } from "./sources.js";
export { watchSession } from "./watch-session.js";
