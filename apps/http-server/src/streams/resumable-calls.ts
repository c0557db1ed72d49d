import { isRequest as isJSONRPCRequest } from "@boris-mcp/tools";
import type { RequestId } from "@modelcontextprotocol/sdk/types.js";
import { STANDALONE_STREAM } from "../transport/http-transport.js";
import { parseEventId, SessionEventStore } from "./event-store.js";

/** One HTTP exchange that carries calls: a POST with requests, or a GET that resumes their stream. */
export interface Exchange {
  readonly requestIds: readonly RequestId[];
  /** The resumable stream it carries: set when the transport primes it (`primed`), or by the resume. */
  streamId: string | undefined;
}

export interface ResumableCallsOptions {
  /** How long a call whose stream dropped keeps running for its client to come back, ms. */
  readonly windowMs: number;
  /** Cancels calls (as a `notifications/cancelled` would). */
  readonly cancel: (requestIds: readonly RequestId[], reason: string) => void;
  /** A stream dropped before its answer: its calls wait for the client. */
  readonly onWaiting?: (streamId: string) => void;
  /** A dropped stream got its answer: it waits in the store for the client. */
  readonly onAnswerStored?: (streamId: string) => void;
}

/** The request ids of a POST body (a message or a batch). */
export function requestIdsOf(body: unknown): RequestId[] {
  return (Array.isArray(body) ? body : [body]).filter(isJSONRPCRequest).map((m) => m.id);
}

/**
 * The resumable calls of one session (SEP-1699). A call whose stream was primed keeps running when
 * its connection drops: the client reconnects with `Last-Event-ID` and gets what it missed from the
 * event store. A call whose client does not come back within the window is cancelled. Calls on
 * streams that were not primed (protocol before 2025-11-25) are the caller's to cancel at once.
 */
export class ResumableCalls {
  readonly store: SessionEventStore;
  /** Stream id → the exchange carrying it now. */
  private readonly carriers = new Map<string, Exchange>();
  /** Streams that dropped before their answer, waiting for their client. */
  private readonly waiting = new Map<string, { requestIds: readonly RequestId[]; timer: NodeJS.Timeout }>();

  constructor(private readonly options: ResumableCallsOptions) {
    this.store = new SessionEventStore({
      retentionMs: options.windowMs,
      onAnswered: (streamId) => {
        if (!this.carriers.has(streamId)) options.onAnswerStored?.(streamId);
      },
    });
  }

  /** Calls waiting for their client to reconnect. */
  get waitingCount(): number {
    return this.waiting.size;
  }

  /** The exchange of a POST: its requests; its stream is known once primed. */
  post(body: unknown): Exchange {
    return { requestIds: requestIdsOf(body), streamId: undefined };
  }

  /**
   * A GET with a `Last-Event-ID` this session's store knows (`store.knows`): from now on this
   * exchange carries the stream, and its calls no longer wait to be cancelled.
   */
  resume(lastEventId: string): Exchange {
    const streamId = parseEventId(lastEventId)?.streamId;
    if (streamId === undefined || streamId === STANDALONE_STREAM)
      return { requestIds: [], streamId: undefined };
    const waiting = this.waiting.get(streamId);
    if (waiting) {
      clearTimeout(waiting.timer);
      this.waiting.delete(streamId);
    }
    const requestIds = waiting?.requestIds ?? this.carriers.get(streamId)?.requestIds ?? [];
    const exchange: Exchange = { requestIds, streamId };
    this.carriers.set(streamId, exchange);
    return exchange;
  }

  /**
   * The transport primed a resumable stream for the POST of `exchange`: the stream now carries its
   * requests. Told by the transport itself (not found out through async context: an
   * AsyncLocalStorage would put a hook on every promise of the process).
   */
  primed(exchange: Exchange, streamId: string): void {
    if (exchange.streamId !== undefined) return;
    exchange.streamId = streamId;
    this.carriers.set(streamId, exchange);
    this.store.expect(streamId, exchange.requestIds);
  }

  /**
   * The exchange's response ended, in full (`complete`) or cut. Returns true when the caller must
   * cancel its calls now: a stream that was never resumable dropped before its answer.
   */
  ended(exchange: Exchange, complete: boolean): boolean {
    const { streamId } = exchange;
    if (streamId === undefined) return !complete;
    if (this.carriers.get(streamId) !== exchange) return false; // a resume carries the stream now
    this.carriers.delete(streamId);
    // Answered: the answer stays in the store until its retention ends, even when the response ended
    // in full: "in full" only means the kernel took the bytes, and a proxy that took them may be cut
    // before passing them on; the client then reconnects for the answer.
    if (this.store.isAnswered(streamId)) return false;
    // Ended in full without its answer: the server closed it (the session is closing).
    if (!complete) this.wait(streamId, exchange.requestIds);
    return false;
  }

  /** Stops every timer and drops every event (the session closed; its calls die with it). */
  close(): void {
    for (const { timer } of this.waiting.values()) clearTimeout(timer);
    this.waiting.clear();
    this.carriers.clear();
    this.store.clear();
  }

  private wait(streamId: string, requestIds: readonly RequestId[]): void {
    const timer = setTimeout(() => {
      this.waiting.delete(streamId);
      this.store.forget(streamId);
      this.options.cancel(requestIds, "the client did not reconnect within --resume-window");
    }, this.options.windowMs);
    timer.unref();
    this.waiting.set(streamId, { requestIds, timer });
    this.options.onWaiting?.(streamId);
  }
}
