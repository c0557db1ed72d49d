import type { ServerResponse } from "node:http";
import { isWritable, keepAlive, messageEvent, primingEvent, sseHeaders } from "../transport/sse.js";
import { parseEventId, type SessionEventStore, type StoredEvent } from "./event-store.js";

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
 * Served here rather than by the transport's replay (which serves the standalone stream's cursor):
 * that one primes nothing, and the SDK client keeps a cursor per connection, so a second cut before
 * the next event would reconnect without one and lose the call.
 */
export function serveResumedStream(
  res: ServerResponse,
  store: SessionEventStore,
  lastEventId: string,
  options: ResumedStreamOptions,
): void {
  const streamId = parseEventId(lastEventId)?.streamId;
  const write = (event: StoredEvent) => {
    if (isWritable(res)) res.write(messageEvent(JSON.stringify(event.message), event.id));
  };
  const end = () => {
    if (isWritable(res)) res.end();
  };

  res.writeHead(200, sseHeaders(options.sessionId));
  res.write(primingEvent(lastEventId, options.retryMs));
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
  keepAlive(res, options.keepAliveMs);
  res.once("close", unsubscribe);
}
