import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { isRunning, processesWithEnv } from "@boris-mcp/test-support";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { processIdentity } from "./processes.js";

/** The built binaries (turbo builds them before this package's tests). */
const require = createRequire(import.meta.url);
export const HTTP_MAIN = join(
  dirname(require.resolve("@boris-mcp/http-server/package.json")),
  "dist/main.js",
);
export const STDIO_MAIN = join(
  dirname(require.resolve("@boris-mcp/cli-server/package.json")),
  "dist/main.js",
);

/** A fresh real (symlink-free) temp dir; removed by `removeDir`. */
export function makeTempDir(label: string): string {
  return realpathSync(mkdtempSync(join(tmpdir(), `boris-stress-${label}-`)));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A random `NAME=value` entry given to a server so every process it (transitively) starts can be found. */
export function runMark(): string {
  return `BORIS_STRESS_RUN=${randomBytes(6).toString("hex")}`;
}

function withMark(mark: string, env: Record<string, string>): NodeJS.ProcessEnv {
  const [name, value] = mark.split("=") as [string, string];
  return { ...process.env, ...env, [name]: value };
}

export interface HttpServer {
  readonly proc: ChildProcess;
  readonly pid: number;
  /** `<pid>-<start time>`: the prefix of every session marker of this server. */
  readonly identity: string;
  /** http://127.0.0.1:PORT */
  readonly base: string;
  /** http://127.0.0.1:PORT/mcp */
  readonly url: string;
  readonly port: number;
  /** The env entry this server and everything it starts carry. */
  readonly mark: string;
  stderr(): string;
  /** Resolves once the process is gone, with its exit code and signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  alive(): boolean;
  /** GET /health; the parsed body or an error. */
  health(): Promise<{ status: string; sessions: number; version: string }>;
  /** Ends the server (SIGTERM, then SIGKILL if it hangs) and waits for it. */
  stop(): Promise<void>;
}

/** Starts the built `boris-http` on 127.0.0.1 and a free port; waits for its listening line. */
export async function startHttp(
  args: readonly string[],
  options: { env?: Record<string, string>; mark?: string; nodeArgs?: readonly string[] } = {},
): Promise<HttpServer> {
  const mark = options.mark ?? runMark();
  const argv = [...(options.nodeArgs ?? []), HTTP_MAIN, "--host", "127.0.0.1", "--port", "0", ...args];
  const proc = spawn(process.execPath, argv, {
    env: withMark(mark, options.env ?? {}),
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  proc.stderr!.setEncoding("utf8");
  proc.stderr!.on("data", (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const onData = () => {
      const m = /boris-http listening on (http:\/\/\S+)/.exec(stderr);
      if (m) {
        proc.stderr!.off("data", onData);
        resolve(m[1]!);
      }
    };
    proc.stderr!.on("data", onData);
    void exited.then(({ code, signal }) =>
      reject(new Error(`boris-http exited (${code ?? signal}) before listening: ${stderr}`)),
    );
  });
  const pid = proc.pid!;
  const base = url.replace(/\/mcp$/, "");
  const server: HttpServer = {
    proc,
    pid,
    identity: processIdentity(pid),
    base,
    url,
    port: Number(new URL(url).port),
    mark,
    exited,
    stderr: () => stderr,
    alive: () => isRunning(pid),
    async health() {
      const res = await fetch(`${base}/health`);
      if (res.status !== 200) throw new Error(`/health answered ${res.status}`);
      return (await res.json()) as { status: string; sessions: number; version: string };
    },
    async stop() {
      if (isRunning(pid)) proc.kill("SIGTERM");
      const timer = setTimeout(() => proc.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
  return server;
}

/** An SDK client on a new HTTP session of `url`. */
export async function connectHttp(url: string): Promise<{
  client: Client;
  transport: StreamableHTTPClientTransport;
  sessionId: string;
}> {
  const transport = new StreamableHTTPClientTransport(new URL(url));
  const client = new Client({ name: "boris-stress", version: "1.0.0" });
  await client.connect(transport);
  return { client, transport, sessionId: transport.sessionId! };
}

export interface StdioServer {
  readonly client: Client;
  readonly transport: StdioClientTransport;
  readonly pid: number;
  readonly identity: string;
  readonly mark: string;
  stderr(): string;
  close(): Promise<void>;
}

/** Starts the built `boris` (stdio) under an SDK client. */
export async function startStdio(
  args: readonly string[],
  options: { env?: Record<string, string>; mark?: string; cwd?: string } = {},
): Promise<StdioServer> {
  const mark = options.mark ?? runMark();
  const env = withMark(mark, options.env ?? {});
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [STDIO_MAIN, ...args],
    env: Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined)),
    stderr: "pipe",
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  let stderr = "";
  transport.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const client = new Client({ name: "boris-stress", version: "1.0.0" });
  await client.connect(transport);
  const pid = transport.pid!;
  return {
    client,
    transport,
    pid,
    identity: processIdentity(pid),
    mark,
    stderr: () => stderr,
    close: () => client.close(),
  };
}

/** Everything still alive that carries `mark` (servers included): for after-test clean-up. */
export function leftovers(mark: string): number[] {
  return processesWithEnv(mark);
}
