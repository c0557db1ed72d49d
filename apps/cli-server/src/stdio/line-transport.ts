import type { Readable, Writable } from "node:stream";
import { type JSONRPCMessage, MessageError, parseMessage, RpcErrorCode } from "@boris-mcp/tools";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { type LineEvent, LineSplitter } from "./line-splitter.js";
import { findRequestId, type RequestId } from "./request-id.js";

export interface LineTransportOptions {
  /** The longest line (one JSON-RPC message) accepted, bytes. */
  readonly maxLineBytes: number;
  /** The error message answered to a request whose line is `bytes` long, over the limit. */
  readonly tooLongMessage: (bytes: number) => string;
  /** Told about every line refused for its size, answered (`id` known) or not. */
  readonly onTooLong?: (bytes: number, id: RequestId | undefined) => void;
}

/**
 * MCP over newline-delimited JSON on a pair of streams (stdin/stdout), read with plain
 * `JSON.parse` and the tools package's message guards (no zod parse per line), in place of the SDK's
 * StdioServerTransport, whose fixed 10 MiB read buffer closes the transport, answering nothing,
 * when a client sends a file close to --max-file-size. Here the limit follows the option; a longer
 * line is answered with a JSON-RPC error (when its id can be read) and the session goes on. The
 * transport closes itself — once, with `closeReason` set — when the input ends or fails, or the
 * output fails (EPIPE: the client is gone), so the server's one shutdown follows from `onclose`.
 */
export class LineTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  /** Why the transport closed ("stdin ended", "stdout failed: EPIPE" …); undefined while open. */
  closeReason: string | undefined;

  private readonly splitter: LineSplitter;

  constructor(
    private readonly input: Readable,
    private readonly output: Writable,
    private readonly options: LineTransportOptions,
  ) {
    this.splitter = new LineSplitter(options.maxLineBytes);
  }

  async start(): Promise<void> {
    this.input.on("data", this.onData);
    this.input.on("end", this.onEnd);
    this.input.on("close", this.onEnd);
    this.input.on("error", this.onInputError);
    this.output.on("error", this.onOutputError);
  }

  send(message: JSONRPCMessage): Promise<void> {
    if (this.closeReason !== undefined) return Promise.reject(new Error("the stdio transport is closed"));
    return new Promise((resolve, reject) => {
      this.output.write(`${JSON.stringify(message)}\n`, (err) => (err ? reject(err) : resolve()));
    });
  }

  async close(): Promise<void> {
    this.end("transport closed");
  }

  private readonly onData = (chunk: Buffer): void => {
    for (const event of this.splitter.push(chunk)) {
      if (this.closeReason !== undefined) return;
      this.handle(event);
    }
  };

  private readonly onEnd = (): void => this.end("stdin ended");

  private readonly onInputError = (err: NodeJS.ErrnoException): void => {
    this.onerror?.(err);
    this.end(`stdin failed: ${err.code ?? err.message}`);
  };

  private readonly onOutputError = (err: NodeJS.ErrnoException): void => {
    this.end(`stdout failed: ${err.code ?? err.message}`);
  };

  private handle(event: LineEvent): void {
    if (event.kind === "line") {
      let message: JSONRPCMessage;
      try {
        message = parseMessage(event.text);
      } catch (err) {
        this.onerror?.(err as Error);
        if (err instanceof MessageError) this.answerBadLine(err);
        return;
      }
      this.onmessage?.(message);
      return;
    }
    const id = findRequestId(event.head, event.tail);
    this.options.onTooLong?.(event.bytes, id);
    if (id === undefined) return; // a notification, or no id to answer to
    this.send({
      jsonrpc: "2.0",
      id,
      error: { code: RpcErrorCode.InvalidRequest, message: this.options.tooLongMessage(event.bytes) },
    }).catch(() => {});
  }

  /**
   * JSON-RPC's answer to a line that is no message: a request whose shape is wrong gets
   * -32600 by its id; text that is not JSON gets -32700 with a null id (there is no id to read).
   * Anything else without an id (a broken notification or response) gets nothing.
   */
  private answerBadLine(err: MessageError): void {
    if (err.id === undefined && err.code !== RpcErrorCode.ParseError) return;
    const answer = { jsonrpc: "2.0", id: err.id ?? null, error: { code: err.code, message: err.message } };
    this.send(answer as unknown as JSONRPCMessage).catch(() => {});
  }

  private end(reason: string): void {
    if (this.closeReason !== undefined) return;
    this.closeReason = reason;
    this.input.off("data", this.onData);
    this.input.off("end", this.onEnd);
    this.input.off("close", this.onEnd);
    this.input.off("error", this.onInputError);
    this.input.pause();
    this.onclose?.();
  }
}
