import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { isRunning, processesWithEnv } from "@boris-mcp/test-support";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

export const MAIN = fileURLToPath(new URL("../../dist/main.js", import.meta.url));
/** The Node that runs the built server: this one, or BORIS_TEST_NODE (`pnpm test:nodes` sets it). */
export const SERVER_NODE = process.env.BORIS_TEST_NODE || process.execPath;

/** Whether `pid` is a server's spawn helper (process-group's SpawnHelper names itself so). */
export function isSpawnHelper(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/comm`, "latin1").trim() === "boris-spawn-hel";
  } catch {
    return false;
  }
}

export interface RunningServer {
  readonly proc: ChildProcess;
  readonly pid: number;
  /** http://127.0.0.1:PORT */
  readonly base: string;
  /** http://127.0.0.1:PORT/mcp */
  readonly url: string;
  readonly workdir: string;
  /** Environment entry every process of this server (and its sessions) carries. */
  readonly envMark: string;
  stderr(): string;
  /** Processes started by this server's sessions (the server itself excluded). */
  sessionProcesses(): number[];
  /** Resolves with the exit code once the process is gone. */
  readonly exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** GET /health of `server`: the status code and the parsed body. */
export async function health(server: RunningServer) {
  const res = await fetch(`${server.base}/health`);
  return {
    status: res.status,
    body: (await res.json()) as { status: string; instance: string; sessions: number; version: string },
  };
}

export function makeWorkdir(): string {
  return realpathSync(mkdtempSync(join(tmpdir(), "boris-http-e2e-")));
}

/**
 * Starts the built `boris-http` on a free port and waits for its listening line. It runs in
 * `workdir`, which it is also given as --workdir unless `workdirFlag` is false.
 */
export async function startServer(
  args: string[] = [],
  env: Record<string, string> = {},
  workdir: string = makeWorkdir(),
  { workdirFlag = true }: { workdirFlag?: boolean } = {},
): Promise<RunningServer> {
  const envMark = `BORIS_E2E_RUN=${randomBytes(6).toString("hex")}`;
  const [markName, markValue] = envMark.split("=") as [string, string];
  const proc = spawn(
    SERVER_NODE,
    [MAIN, "--port", "0", ...(workdirFlag ? ["--workdir", workdir] : []), "--log-level", "warn", ...args],
    {
      cwd: workdir,
      env: { ...process.env, ...env, [markName]: markValue },
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let stderr = "";
  proc.stderr!.setEncoding("utf8");
  const exited = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    proc.stderr!.on("data", (chunk: string) => {
      stderr += chunk;
      const m = /boris-http listening on (http:\/\/\S+)/.exec(stderr);
      if (m) resolve(m[1]!);
    });
    void exited.then((code) => reject(new Error(`boris-http exited with ${code}: ${stderr}`)));
  });
  const pid = proc.pid!;
  return {
    proc,
    pid,
    url,
    base: url.replace(/\/mcp$/, ""),
    workdir,
    envMark,
    exited,
    stderr: () => stderr,
    // The server's spawn helper carries its environment too, but is the server's, not a session's
    // (e2e-containment checks that it dies with the server).
    sessionProcesses: () => processesWithEnv(envMark).filter((p) => p !== pid && !isSpawnHelper(p)),
    async stop() {
      if (isRunning(pid)) proc.kill("SIGTERM");
      await exited;
      rmSync(workdir, { recursive: true, force: true });
    },
  };
}

export interface Connected {
  readonly client: Client;
  readonly transport: StreamableHTTPClientTransport;
  readonly sessionId: string;
}

export async function connect(
  url: string,
  options: { sessionId?: string; headers?: Record<string, string>; client?: Client } = {},
): Promise<Connected> {
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    ...(options.sessionId ? { sessionId: options.sessionId } : {}),
    ...(options.headers ? { requestInit: { headers: options.headers } } : {}),
  });
  const client = options.client ?? new Client({ name: "boris-e2e", version: "1.0.0" });
  await client.connect(transport);
  return { client, transport, sessionId: transport.sessionId! };
}

export const MCP_HEADERS = {
  "Content-Type": "application/json",
  Accept: "application/json, text/event-stream",
};

export const INITIALIZE = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
};

/** A raw initialize over fetch; returns the response and the new session id. */
export async function rawInitialize(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: "POST",
    headers: { ...MCP_HEADERS, ...headers },
    body: JSON.stringify(INITIALIZE),
  });
  const body = await res.text();
  return { res, body, sessionId: res.headers.get("mcp-session-id") ?? undefined };
}

/**
 * Sends one JSON-RPC request over a plain POST (no standalone GET stream, unlike the SDK client)
 * and returns the status and the response message read from the SSE or JSON body.
 */
export async function rawRequest(url: string, sessionId: string, message: Record<string, unknown>) {
  const res = await fetch(url, {
    method: "POST",
    headers: { ...MCP_HEADERS, "Mcp-Session-Id": sessionId, "Mcp-Protocol-Version": "2025-06-18" },
    body: JSON.stringify(message),
  });
  const text = await res.text();
  let response: Record<string, unknown> | undefined;
  for (const line of text.split("\n")) {
    const json = line.startsWith("data: ") ? line.slice(6) : line;
    try {
      const parsed = JSON.parse(json) as Record<string, unknown>;
      if (parsed.id === message.id) response = parsed;
    } catch {
      // not a message line
    }
  }
  return { status: res.status, response };
}

/** A session opened over plain fetch: initialize plus the initialized notification, no GET stream. */
export async function rawSession(url: string): Promise<string> {
  const { sessionId } = await rawInitialize(url);
  await rawRequest(url, sessionId!, { jsonrpc: "2.0", method: "notifications/initialized" });
  return sessionId!;
}

/** The JSON-RPC messages of an SSE body, in order (a priming event carries none). */
export function sseMessages(text: string): Record<string, unknown>[] {
  return text
    .split("\n")
    .filter((line) => line.startsWith("data: ") && line.length > 6)
    .map((line) => JSON.parse(line.slice(6)) as Record<string, unknown>);
}
