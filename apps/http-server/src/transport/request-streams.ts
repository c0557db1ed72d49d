import type { JSONRPCMessage, RequestId } from "@modelcontextprotocol/sdk/types.js";
import { rpcError } from "../http/http-json.js";
import { answerWithJson, type HeldAnswer, HeldAnswers, type PostAnswer } from "./held-answers.js";
import type { OpenStreams } from "./open-streams.js";
import { isWritable, messageEvent, primingEvent, sseHeaders } from "./sse.js";
import type { TransportEventStore } from "./transport-types.js";

export interface RequestStreamsOptions {
  readonly eventStore: TransportEventStore | undefined;
  /** The SSE `retry` hint of priming events, ms. */
  readonly retryInterval: number | undefined;
  /** How long a POST's answer may take and still go out as one JSON response, ms; 0 = always SSE. */
  readonly jsonWindowMs: number;
}

/** What the answers need to know of their transport, read when needed. */
export interface StreamsOwner {
  sessionId(): string | undefined;
  closed(): boolean;
  error(error: Error): void;
}

/**
 * Where the messages of a session's requests go: each POST with requests gets one answer, a
 * single JSON response when its responses come within the JSON window with nothing before them,
 * otherwise an SSE stream (primed when resumable) carrying its notifications, the server's
 * requests to the client and the responses, ended after the last one.
 */
export class RequestStreams {
  private readonly held: HeldAnswers;

  constructor(
    private readonly streams: OpenStreams,
    private readonly owner: StreamsOwner,
    private readonly options: RequestStreamsOptions,
  ) {
    this.held = new HeldAnswers(options.jsonWindowMs);
  }

  /**
   * Starts the answer of a POST carrying `requestIds`: held for the JSON window, or an SSE stream
   * opened at once. False when it was refused instead (the response is written).
   */
  async start(post: PostAnswer, requestIds: readonly RequestId[]): Promise<boolean> {
    if (this.held.enabled) {
      // A client that leaves before any answer holds no cursor: its calls are cancelled by whoever
      // watches the response, and no answer is awaited any more.
      this.held.hold(post, {
        expire: (held) => void this.openHeld(held),
        gone: () => this.streams.release(post.streamId),
      });
    } else if (!(await this.openStream(post))) {
      return false;
    }
    this.streams.carry(post.streamId, requestIds);
    return true;
  }

  /** Sends a message of the request `requestId` (its response, or one related to it). */
  async send(message: JSONRPCMessage, requestId: RequestId, isResponse: boolean): Promise<void> {
    const streamId = this.streams.streamOf(requestId);
    if (streamId === undefined)
      throw new Error(`No connection established for request ID: ${String(requestId)}`);
    const held = this.held.get(streamId);
    if (held) {
      if (isResponse && held.opening === undefined) return this.answerHeld(held, message, requestId);
      // Anything but a response (progress, a request to the client) needs the stream.
      await this.openHeld(held);
    }
    // Stored even when the stream dropped: a reconnect replays it.
    const json = JSON.stringify(message);
    const store = this.options.eventStore;
    const eventId = store ? await store.storeEvent(streamId, message, json) : undefined;
    const stream = this.streams.get(streamId); // after the await: a resume may have replaced it
    const complete = isResponse && this.streams.answer(streamId, requestId);
    if (stream && isWritable(stream.res) && (eventId === undefined || !stream.replayed?.has(eventId))) {
      const event = messageEvent(json, eventId);
      // The last answer goes out with the end of the stream: one write.
      if (complete) stream.res.end(event);
      else stream.res.write(event);
      if (eventId !== undefined) this.streams.markResumable(streamId);
    }
    if (!complete) return;

    const wasResumable = this.streams.isResumable(streamId);
    this.streams.release(streamId);
    if (stream) return stream.close();
    // The stream went away before its answer: a resumable one replays it from the store.
    if (this.owner.closed() || (store && wasResumable)) return;
    throw new Error(`No connection established for request ID: ${String(requestId)}`);
  }

  /** Ends the SSE stream carrying `requestId` (the client resumes it with `Last-Event-ID`). */
  closeStream(requestId: RequestId): void {
    const streamId = this.streams.streamOf(requestId);
    if (streamId === undefined) return;
    const held = this.held.get(streamId);
    // A held answer becomes a stream first: the client needs its cursor to come back.
    if (held) void this.openHeld(held).then(() => this.streams.get(streamId)?.close());
    else this.streams.get(streamId)?.close();
  }

  /** The session closed: held answers end as empty streams (the open ones end with OpenStreams). */
  closeAll(): void {
    this.held.closeAll(this.owner.sessionId());
  }

  /** A response for a held POST: the answer, in JSON, if it completes it; else kept for it. */
  private answerHeld(held: HeldAnswer, message: JSONRPCMessage, requestId: RequestId): void {
    const json = JSON.stringify(message);
    if (!this.streams.answer(held.streamId, requestId)) {
      held.responses.push({ message, json });
      return;
    }
    this.held.release(held);
    this.streams.release(held.streamId);
    answerWithJson(held, [...held.responses.map((r) => r.json), json], this.owner.sessionId());
  }

  /** Makes a held POST's answer an SSE stream, its responses so far as its first events. */
  private openHeld(held: HeldAnswer): Promise<void> {
    held.opening ??= (async () => {
      // Held (and so awaited by every send for it) until its stream is open and has caught up.
      this.held.stopTimer(held);
      try {
        if (!isWritable(held.res) || !(await this.openStream(held))) return;
        for (const { message, json } of held.responses) await this.emit(held.streamId, message, json);
      } finally {
        this.held.release(held);
      }
    })();
    return held.opening;
  }

  /** Opens the SSE stream of a POST (primed when resumable); false when it was refused instead. */
  private async openStream(post: PostAnswer): Promise<boolean> {
    const { streamId, res } = post;
    const store = this.options.eventStore;
    let priming: string | undefined;
    if (post.resumable && store) {
      try {
        priming = primingEvent(
          await store.storeEvent(streamId, {} as JSONRPCMessage),
          this.options.retryInterval,
        );
      } catch (err) {
        this.owner.error(err as Error);
        rpcError(res, 400, -32700, "Parse error", {});
        return false;
      }
      if (this.owner.closed()) {
        this.owner.error(new Error("Session not found"));
        rpcError(res, 404, -32001, "Session not found");
        return false;
      }
      post.hooks?.primed?.(streamId);
    }

    res.writeHead(200, sseHeaders(this.owner.sessionId()));
    if (priming !== undefined) {
      res.write(priming);
      this.streams.markResumable(streamId);
    } else {
      res.flushHeaders();
    }
    this.streams.open(streamId, res);
    return true;
  }

  /** Stores an event (when its stream resumes) and writes it if the stream's connection is open. */
  private async emit(streamId: string, message: JSONRPCMessage, json: string): Promise<void> {
    const store = this.options.eventStore;
    const eventId = store ? await store.storeEvent(streamId, message, json) : undefined;
    const stream = this.streams.get(streamId);
    if (stream && isWritable(stream.res) && (eventId === undefined || !stream.replayed?.has(eventId))) {
      stream.res.write(messageEvent(json, eventId));
      if (eventId !== undefined) this.streams.markResumable(streamId);
    }
  }
}
