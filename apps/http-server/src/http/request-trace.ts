import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { monitorEventLoopDelay } from "node:perf_hooks";
import type { Logger } from "@boris-mcp/config";

/**
 * Wall-clock ms with a fraction, comparable between processes of one machine: a client can set
 * its own call times beside the server's (`pnpm bench` splits a call's time that way).
 */
export const wallMs = (): number => performance.timeOrigin + performance.now();

/** How often the event-loop delay line is written while tracing, ms. */
const LOOP_DELAY_INTERVAL_MS = 250;

const round = (ms: number) => Math.round(ms * 10) / 10;

function rpcFields(body: unknown): { method?: string; rpcId?: unknown } {
  const message = Array.isArray(body) ? body[0] : body;
  if (typeof message !== "object" || message === null) return {};
  const { method, id } = message as { method?: unknown; id?: unknown };
  return { method: typeof method === "string" ? method : undefined, rpcId: id };
}

/**
 * Per-request timing at debug level (`--log-level debug`), to find where a call's time goes under
 * load: one "request answered" line per MCP request (when the server got its headers, how long the
 * body took, when the answer's last byte was handed to the socket), and a line of event-loop delay
 * every LOOP_DELAY_INTERVAL_MS (a request waits that long before anything of it runs).
 */
export class RequestTrace {
  private readonly loop = monitorEventLoopDelay({ resolution: 5 });
  private readonly timer: NodeJS.Timeout;
  /** When each connection was accepted, until its first request is logged. */
  private readonly accepted = new WeakMap<Socket, number>();

  constructor(private readonly logger: Logger) {
    this.loop.enable();
    this.timer = setInterval(() => this.logLoopDelay(), LOOP_DELAY_INTERVAL_MS);
    this.timer.unref();
  }

  /** Notes when `server` accepts each connection (a request on a new one says how long it waited). */
  watch(server: Server): void {
    server.on("connection", (socket: Socket) => this.accepted.set(socket, wallMs()));
  }

  /** Logs `req` once its answer is out; `receivedAt` is wallMs() when its headers were parsed. */
  request(
    req: IncomingMessage,
    res: ServerResponse,
    receivedAt: number,
    bodyAt: number,
    body: unknown,
  ): void {
    const acceptedAt = this.accepted.get(req.socket);
    this.accepted.delete(req.socket);
    res.once("finish", () => {
      const answeredAt = wallMs();
      // An initialize has none: its session is the one the next requests name.
      const header = req.headers["mcp-session-id"];
      this.logger.debug(
        {
          http: req.method,
          session: Array.isArray(header) ? header[0] : header,
          ...rpcFields(body),
          status: res.statusCode,
          acceptedAt: acceptedAt === undefined ? undefined : round(acceptedAt),
          receivedAt: round(receivedAt),
          bodyMs: round(bodyAt - receivedAt),
          answeredAt: round(answeredAt),
          ms: round(answeredAt - receivedAt),
        },
        "request answered",
      );
    });
  }

  close(): void {
    clearInterval(this.timer);
    this.loop.disable();
  }

  private logLoopDelay(): void {
    const { loop } = this;
    if (loop.count === 0) return;
    this.logger.debug(
      {
        at: round(wallMs()),
        meanMs: round(loop.mean / 1e6),
        maxMs: round(loop.max / 1e6),
        samples: loop.count,
      },
      "event loop delay",
    );
    loop.reset();
  }
}
