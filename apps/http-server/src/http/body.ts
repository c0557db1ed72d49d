import type { IncomingMessage } from "node:http";

export type BodyResult =
  | { readonly kind: "ok"; readonly value: unknown }
  | { readonly kind: "too-large" }
  | { readonly kind: "invalid-json" }
  | { readonly kind: "aborted" };

/**
 * Reads and parses a JSON request body of at most `limit` bytes. A declared Content-Length over the
 * limit is refused before anything is read; otherwise reading stops (nothing more is buffered) as
 * soon as the limit is passed.
 */
export function readJsonBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve({ kind: "too-large" });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (result: BodyResult) => {
      if (settled) return;
      settled = true;
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onAbort);
      req.off("close", onAbort);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        finish({ kind: "too-large" });
      } else {
        chunks.push(chunk);
      }
    };
    const onEnd = () => {
      try {
        finish({ kind: "ok", value: JSON.parse(Buffer.concat(chunks, size).toString("utf8")) });
      } catch {
        finish({ kind: "invalid-json" });
      }
    };
    const onAbort = () => finish({ kind: "aborted" });
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onAbort);
    req.on("close", onAbort);
  });
}

/** How much of a refused body is still read (and thrown away) so the client gets to read the 413. */
const DISCARD_BYTES = 64 * 1024 * 1024;
const DISCARD_MS = 30_000;

/**
 * After refusing a body, reads and drops the rest so the client, still sending, is not reset before
 * it reads the answer; the connection then stays usable. A client that keeps sending past a bound
 * (bytes or time) is disconnected. Returns whether the connection should be closed right away.
 */
export function discardRest(req: IncomingMessage): boolean {
  if (req.complete) return false;
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > DISCARD_BYTES) return true;
  let dropped = 0;
  const timer = setTimeout(() => req.socket.destroy(), DISCARD_MS).unref();
  const stop = () => clearTimeout(timer);
  req.on("data", (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > DISCARD_BYTES) req.socket.destroy();
  });
  req.once("end", stop);
  req.once("close", stop);
  req.resume();
  return false;
}
