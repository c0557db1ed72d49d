import type { ServerResponse } from "node:http";
import { parseEventId, type SessionEventStore, type StoredEvent } from "./event-store.js";

/** The headers the SDK transport gives its SSE streams (X-Accel-Buffering: no keeps nginx from buffering). */
const SSE_HEADERS = {
  "Content-Type": "text/event-stream",
  "Cache-Control": "no-cache, no-transform",
  Connection: "keep-alive",
  "X-Accel-Buffering": "no",
} as const;

export interface ResumedStreamOptions {
  readonly sessionId: string;
  /** The SSE `retry` hint, ms. */
  readonly retryMs: number;
  /** Interval of keep-alive comments, ms; 0 = none. */
  readonly keepAliveMs: number;
}

/**
 * Serves a client's reconnect (`Last-Event-ID`) to a request stream: primes the new connection with
 * the client's cursor, replays what it missed, forwards the stream's next events as they are
 * stored, and ends the stream with its answer.
 *
 * Served here rather than by the SDK transport's replay, which primes nothing (the SDK client keeps
 * a cursor per connection, so a second cut before the next event would reconnect without one and
 * lose the call) and leaves the stream of an answered call open for good.
 */
export function serveResumedStream(
  res: ServerResponse,
  store: SessionEventStore,
  lastEventId: string,
  options: ResumedStreamOptions,
): void {
  const streamId = parseEventId(lastEventId)?.streamId;
  const open = () => !res.writableEnded && !res.destroyed;
  const write = (event: StoredEvent) => {
    if (open()) res.write(`event: message\nid: ${event.id}\ndata: ${JSON.stringify(event.message)}\n\n`);
  };
  const end = () => {
    if (open()) res.end();
  };

  res.writeHead(200, { ...SSE_HEADERS, "mcp-session-id": options.sessionId });
  res.write(`id: ${lastEventId}\nretry: ${options.retryMs}\ndata: \n\n`);
  for (const event of store.eventsAfter(lastEventId)) write(event);
  if (streamId === undefined || store.isAnswered(streamId)) {
    end();
    return;
  }

  const unsubscribe = store.subscribe(streamId, {
    event(event, answered) {
      write(event);
      if (answered) end();
    },
    forgotten: end,
  });
  const keepAlive =
    options.keepAliveMs > 0
      ? setInterval(() => {
          if (open()) res.write(": keepalive\n\n");
        }, options.keepAliveMs)
      : undefined;
  keepAlive?.unref();
  res.once("close", () => {
    unsubscribe();
    clearInterval(keepAlive);
  });
}
