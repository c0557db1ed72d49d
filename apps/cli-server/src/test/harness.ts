import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, mkdtempSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { processesWithEnv } from "@boris-mcp/test-support";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";

export const MAIN = fileURLToPath(new URL("../../dist/main.js", import.meta.url));
/** The Node that runs the built server: this one, or BORIS_TEST_NODE (`pnpm test:nodes` sets it). */
export const SERVER_NODE = process.env.BORIS_TEST_NODE || process.execPath;

export function makeWorkdir(): string {
  return realpathSync(mkdtempSync(join(tmpdir(), "boris-stdio-e2e-")));
}

export interface StdioRun {
  readonly child: ChildProcess;
  readonly client: Client;
  /** Where the client's messages go (the child's stdin, or the FIFO). */
  readonly input: NodeJS.WritableStream;
  /** Everything the process wrote to stdout, raw. */
  stdout(): string;
  stderr(): string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Processes carrying this run's environment mark (its sessions' and itself). */
  processes(): number[];
}

/**
 * Spawns `command args` with piped stdio and talks MCP to it. The stdio framing is the same in both
 * directions, so the SDK's stdio transport over the child's pipes serves as the client side; the
 * test keeps full control of the pipes and the process (close stdin, send signals …).
 */
export async function startStdio(
  args: string[],
  options: {
    command?: string;
    commandArgs?: string[];
    workdir?: string;
    env?: Record<string, string>;
    /** Send the client's messages into this FIFO instead of the child's stdin pipe. */
    inputFifo?: string;
    /** The server's own working directory (the default workdir). */
    cwd?: string;
    /** The client to connect (e.g. one offering roots); default a plain SDK client. */
    client?: Client;
  } = {},
): Promise<StdioRun> {
  const mark = randomBytes(6).toString("hex");
  const command = options.command ?? SERVER_NODE;
  const fullArgs = options.commandArgs ?? [
    MAIN,
    ...(options.workdir ? ["--workdir", options.workdir] : []),
    ...args,
  ];
  const child = spawn(command, fullArgs, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env, BORIS_E2E_RUN: mark },
    stdio: [options.inputFifo ? "ignore" : "pipe", "pipe", "pipe"],
  });
  const input = options.inputFifo ? createWriteStream(options.inputFifo) : child.stdin!;
  input.on("error", () => {}); // the server may be gone when the test writes
  let out = "";
  let err = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    out += chunk.toString("utf8");
  });
  child.stderr!.on("data", (chunk: Buffer) => {
    err += chunk.toString("utf8");
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const client = options.client ?? new Client({ name: "boris-e2e", version: "1.0.0" });
  const early = exited.then(({ code }) => {
    throw new Error(`the server exited with ${code} before the client connected: ${err}`);
  });
  early.catch(() => {});
  await Promise.race([client.connect(new StdioServerTransport(child.stdout!, input)), early]);
  return {
    child,
    client,
    input,
    stdout: () => out,
    stderr: () => err,
    exited,
    processes: () => processesWithEnv(`BORIS_E2E_RUN=${mark}`),
  };
}
