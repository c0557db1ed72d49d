import type { ServerResponse } from "node:http";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { isWritable, sseHeaders } from "./sse.js";
import type { RequestHooks } from "./transport-types.js";

/** A POST with requests whose answer has not started yet. */
export interface PostAnswer {
  readonly streamId: string;
  readonly res: ServerResponse;
  /** The body was a batch: a JSON answer is an array. */
  readonly batch: boolean;
  /** Its SSE stream opens with a priming event (the client's protocol resumes streams). */
  readonly resumable: boolean;
  readonly hooks: RequestHooks | undefined;
}

/** A POST whose headers are held: it is answered with JSON if its responses come in time. */
export interface HeldAnswer extends PostAnswer {
  /** Responses of a batch that came while others are awaited, with their JSON. */
  readonly responses: { readonly message: JSONRPCMessage; readonly json: string }[];
  /** Set once the answer became an SSE stream: resolves when it is open and the responses above are on it. */
  opening: Promise<void> | undefined;
}

/** Writes the responses of a held POST as one `application/json` answer, in one write. */
export function answerWithJson(
  held: HeldAnswer,
  jsons: readonly string[],
  sessionId: string | undefined,
): void {
  const { res } = held;
  if (!isWritable(res)) return;
  const body = held.batch ? `[${jsons.join(",")}]` : jsons[0]!;
  const headers: Record<string, string | number> = {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(body),
  };
  if (sessionId !== undefined) headers["mcp-session-id"] = sessionId;
  res.writeHead(200, headers).end(body);
}

/**
 * The POSTs of one session whose answer's form is not decided yet. The streamable HTTP transport
 * lets the server answer a POST with one JSON response or with an SSE stream; a call answered
 * within `windowMs` with nothing else to say goes out as JSON (one write, and clients read it
 * without an SSE parser), while one that sends a notification or a request first, or takes longer,
 * gets the SSE stream (`open`), with its priming event, keep-alives and resumption.
 */
export class HeldAnswers {
  private readonly held = new Map<string, { answer: HeldAnswer; timer: NodeJS.Timeout }>();

  constructor(private readonly windowMs: number) {}

  /** Whether POSTs are held at all (a window of 0 opens every answer as an SSE stream at once). */
  get enabled(): boolean {
    return this.windowMs > 0;
  }

  /**
   * Holds `post`'s headers: `expire` makes it an SSE stream when the window ends first, `gone` is
   * told when the client leaves before its answer's form was decided.
   */
  hold(post: PostAnswer, on: { expire(held: HeldAnswer): void; gone(): void }): HeldAnswer {
    const answer: HeldAnswer = { ...post, responses: [], opening: undefined };
    const timer = setTimeout(() => on.expire(answer), this.windowMs);
    timer.unref();
    this.held.set(post.streamId, { answer, timer });
    post.res.once("close", () => {
      if (this.held.get(post.streamId)?.answer !== answer) return;
      this.release(answer);
      on.gone();
    });
    return answer;
  }

  get(streamId: string): HeldAnswer | undefined {
    return this.held.get(streamId)?.answer;
  }

  /** The answer is becoming an SSE stream: the window no longer matters. */
  stopTimer(answer: HeldAnswer): void {
    const entry = this.held.get(answer.streamId);
    if (entry?.answer === answer) clearTimeout(entry.timer);
  }

  /** The answer's form is decided (or the client left): stops its timer and forgets it. */
  release(answer: HeldAnswer): void {
    const entry = this.held.get(answer.streamId);
    if (entry?.answer !== answer) return;
    clearTimeout(entry.timer);
    this.held.delete(answer.streamId);
  }

  /** The session closed: every held POST ends as an empty SSE stream, as an open one would. */
  closeAll(sessionId: string | undefined): void {
    for (const { answer, timer } of this.held.values()) {
      clearTimeout(timer);
      if (isWritable(answer.res)) answer.res.writeHead(200, sseHeaders(sessionId)).end();
    }
    this.held.clear();
  }
}
