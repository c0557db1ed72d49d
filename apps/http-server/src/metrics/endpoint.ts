import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "@boris-mcp/config";
import { sendJson } from "../http/http-json.js";
import type { MetricsRecorder } from "./recorder.js";

/** Answers a scrape (GET or HEAD) with the Prometheus text exposition. */
export async function serveMetrics(
  req: IncomingMessage,
  res: ServerResponse,
  metrics: MetricsRecorder,
  logger: Logger,
): Promise<void> {
  let exposition: Awaited<ReturnType<MetricsRecorder["expose"]>>;
  try {
    exposition = await metrics.expose();
  } catch (err) {
    logger.error({ err }, "collecting the metrics failed");
    return sendJson(res, 500, { error: "metrics unavailable: see the server's log" });
  }
  const body = Buffer.from(exposition.body);
  res.writeHead(200, {
    "Content-Type": exposition.contentType,
    "Content-Length": body.length,
    "Cache-Control": "no-store",
  });
  res.end(req.method === "HEAD" ? undefined : body);
}
