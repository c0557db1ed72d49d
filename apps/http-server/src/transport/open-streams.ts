import type { ServerResponse } from "node:http";
import type { RequestId } from "@modelcontextprotocol/sdk/types.js";
import { isWritable, keepAlive } from "./sse.js";

/** An SSE response that is open now. */
export interface OpenStream {
  readonly res: ServerResponse;
  /** Event ids this connection already got from a replay: not to be written twice. */
  readonly replayed: ReadonlySet<string> | undefined;
  /** Ends the response (if still open) and forgets it. */
  close(): void;
}

/** The requests one POST stream carries, and which of them have their response. */
interface StreamCalls {
  readonly requestIds: readonly RequestId[];
  readonly answered: Set<RequestId>;
}

/**
 * One session's SSE streams: the connection open for each stream id (at most one: a reconnect
 * replaces it), the requests each POST stream answers, and which streams a client can resume.
 * A stream's calls outlive its connection, so an answer that arrives after a drop is still stored.
 */
export class OpenStreams {
  /** Stream id → its open response. */
  private readonly streams = new Map<string, OpenStream>();
  /** Stream id → the requests it answers, while some are unanswered. */
  private readonly calls = new Map<string, StreamCalls>();
  /** Request id → the stream that carries its answer. */
  private readonly requestStreams = new Map<RequestId, string>();
  /** Streams whose client holds an event id, so a reconnect can fetch what a dropped one missed. */
  private readonly resumable = new Set<string>();

  constructor(private readonly keepAliveMs: number) {}

  get(streamId: string): OpenStream | undefined {
    return this.streams.get(streamId);
  }

  /** Registers an SSE response as the open connection of `streamId`, with its keep-alive. */
  open(streamId: string, res: ServerResponse, replayed?: ReadonlySet<string>): void {
    const stopKeepAlive = keepAlive(res, this.keepAliveMs);
    // Only this connection's own registration: a reconnect may already have replaced it.
    const forget = () => {
      if (this.streams.get(streamId) === stream) this.streams.delete(streamId);
    };
    const stream: OpenStream = {
      res,
      replayed,
      close: () => {
        stopKeepAlive();
        forget();
        if (isWritable(res)) res.end();
      },
    };
    this.streams.set(streamId, stream);
    res.once("close", forget);
  }

  /** `streamId` carries the answers of `requestIds`. */
  carry(streamId: string, requestIds: readonly RequestId[]): void {
    this.calls.set(streamId, { requestIds, answered: new Set() });
    for (const id of requestIds) this.requestStreams.set(id, streamId);
  }

  /** The stream carrying the answer of `requestId`, while it is unanswered. */
  streamOf(requestId: RequestId): string | undefined {
    return this.requestStreams.get(requestId);
  }

  /** Records the response of `requestId`; true when it was the stream's last unanswered request. */
  answer(streamId: string, requestId: RequestId): boolean {
    const calls = this.calls.get(streamId);
    if (!calls) return false;
    calls.answered.add(requestId);
    return calls.requestIds.every((id) => calls.answered.has(id));
  }

  markResumable(streamId: string): void {
    this.resumable.add(streamId);
  }

  isResumable(streamId: string): boolean {
    return this.resumable.has(streamId);
  }

  /** Drops the bookkeeping of a stream whose every request has its answer. */
  release(streamId: string): void {
    const calls = this.calls.get(streamId);
    this.calls.delete(streamId);
    for (const id of calls?.requestIds ?? []) {
      if (this.requestStreams.get(id) === streamId) this.requestStreams.delete(id);
    }
    this.resumable.delete(streamId);
  }

  /** Ends every open stream and forgets everything (the session closed). */
  closeAll(): void {
    for (const stream of [...this.streams.values()]) stream.close();
    this.streams.clear();
    this.calls.clear();
    this.requestStreams.clear();
    this.resumable.clear();
  }
}
