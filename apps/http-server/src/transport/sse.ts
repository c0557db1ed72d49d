import type { ServerResponse } from "node:http";

/** The headers of every SSE stream (`X-Accel-Buffering: no` keeps nginx from buffering it). */
export function sseHeaders(sessionId: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {
    "Content-Type": "text/event-stream",
    "Cache-Control": "no-cache, no-transform",
    Connection: "keep-alive",
    "X-Accel-Buffering": "no",
  };
  if (sessionId !== undefined) headers["mcp-session-id"] = sessionId;
  return headers;
}

/** One JSON-RPC message (its JSON) as an SSE event, with its id when the stream is resumable. */
export function messageEvent(json: string, eventId: string | undefined): string {
  const id = eventId === undefined ? "" : `id: ${eventId}\n`;
  return `event: message\n${id}data: ${json}\n\n`;
}

/** The event that gives a client a cursor before anything else is sent (SEP-1699). */
export function primingEvent(eventId: string, retryMs: number | undefined): string {
  return retryMs === undefined
    ? `id: ${eventId}\ndata: \n\n`
    : `id: ${eventId}\nretry: ${retryMs}\ndata: \n\n`;
}

export const KEEP_ALIVE_COMMENT = ": keepalive\n\n";

/** Whether more may still be written to `res`. */
export function isWritable(res: ServerResponse): boolean {
  return !res.writableEnded && !res.destroyed;
}

/**
 * Writes a keep-alive comment to `res` every `intervalMs` (0 = never) until it closes, so proxies
 * that cut idle connections leave a quiet stream open. Returns the timer's stop.
 */
export function keepAlive(res: ServerResponse, intervalMs: number): () => void {
  if (!(intervalMs >= 1)) return () => {};
  const timer = setInterval(
    () => {
      if (isWritable(res)) res.write(KEEP_ALIVE_COMMENT);
      else clearInterval(timer);
    },
    Math.min(intervalMs, 2 ** 31 - 1),
  );
  timer.unref();
  const stop = () => clearInterval(timer);
  res.once("close", stop);
  return stop;
}
