// One connected MCP server as the bench drives it, whatever the transport: tool calls that report
// failures as values (the load figure counts them), ping, the server's pid for /proc, and close.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";

/** Long enough for a whole-kernel search by a slow peer; the SDK's default is 60 s. */
const CALL_TIMEOUT_MS = 600_000;

export class Endpoint {
  /**
   * @param {object} o
   * @param {string} o.name        label in errors
   * @param {Client} o.client      connected SDK client
   * @param {number} o.pid         the server process (for /proc/<pid>/status)
   * @param {() => string} o.log   the server's recent stderr, for error messages
   * @param {() => Promise<void>} o.close
   */
  constructor({ name, client, pid, log, close }) {
    this.name = name;
    this.client = client;
    this.pid = pid;
    this.log = log;
    this.closeFn = close;
  }

  /** Calls a tool; resolves to { text, isError, structured } and never throws for a tool failure. */
  async call(tool, args) {
    try {
      const result = await this.client.callTool({ name: tool, arguments: args }, undefined, {
        timeout: CALL_TIMEOUT_MS,
      });
      const text = (result.content ?? [])
        .filter((c) => c.type === "text")
        .map((c) => c.text)
        .join("\n");
      return { text, isError: result.isError === true, structured: result.structuredContent };
    } catch (err) {
      return { text: String(err?.message ?? err), isError: true, structured: undefined };
    }
  }

  /** Calls a tool and returns its text; throws (with the server's recent stderr) when it failed. */
  async text(tool, args) {
    const r = await this.call(tool, args);
    if (r.isError) {
      const log = this.log().trim();
      throw new Error(`${this.name}: ${tool} failed: ${r.text.slice(0, 500)}${log ? `\n${log}` : ""}`);
    }
    return r.text;
  }

  /** MCP ping; `timeoutMs` bounds the wait for a server that stopped answering. */
  ping(timeoutMs = 60_000) {
    return this.client.ping({ timeout: timeoutMs });
  }

  close() {
    return this.closeFn();
  }
}

export function newClient() {
  return new Client({ name: "boris-bench", version: "0.0.0" });
}

const servers = new Set();

/**
 * Remembers a server process so that a bench that dies half-way (an exception, Ctrl-C) does not
 * leave it running: whatever is still registered at exit gets SIGKILL.
 */
export function trackServer(pid) {
  if (pid) servers.add(pid);
  return () => servers.delete(pid);
}

process.once("exit", () => {
  for (const pid of servers) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
});
for (const signal of ["SIGINT", "SIGTERM"]) process.once(signal, () => process.exit(130));

/** Keeps the last `limit` characters a stream printed. */
export function tail(stream, limit = 4000) {
  let kept = "";
  stream?.on("data", (chunk) => {
    kept = (kept + chunk.toString()).slice(-limit);
  });
  return () => kept;
}
