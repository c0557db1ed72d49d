// The boris-http instances behind a balancer: the built binary, each on its own loopback port,
// workdir and environment mark (so /proc tells which processes each one started).
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { isRunning, killAll, processesWithEnv } from "@boris-mcp/test-support";

const require = createRequire(import.meta.url);
/** The built `boris-http` (turbo builds it before the suite: `pnpm test:cluster`). */
export const HTTP_MAIN = join(
  dirname(require.resolve("@boris-mcp/http-server/package.json")),
  "dist/main.js",
);

export interface Instance {
  /** Its --instance-id, which is also its server name in the balancer configs. */
  readonly id: string;
  readonly pid: number;
  readonly port: number;
  /** `HOST:PORT` it listens on (127.0.0.1 unless `--host` says otherwise), as a balancer config names it. */
  readonly address: string;
  readonly workdir: string;
  /** The `NAME=value` entry the instance and every process it starts carry. */
  readonly mark: string;
  stderr(): string;
  /** Processes its sessions started (the instance itself left out). */
  processes(): number[];
  health(): Promise<{ status: string; instance: string; sessions: number }>;
  /** SIGKILL, as a crash: its sessions' processes are left behind (cleaned by `stop`). */
  crash(): Promise<void>;
  /** SIGTERM and wait; then kills anything of its sessions still there. */
  stop(): Promise<void>;
}

/** A temp folder for one cluster run; every instance gets a workdir in it. */
export function makeRunDir(label: string): string {
  return realpathSync(mkdtempSync(join(tmpdir(), `boris-cluster-${label}-`)));
}

/** Starts the built boris-http as instance `id` on a free loopback port; waits until it listens. */
export async function startInstance(
  id: string,
  runDir: string,
  args: readonly string[] = [],
): Promise<Instance> {
  const workdir = join(runDir, id);
  mkdirSync(workdir, { recursive: true });
  const mark = `BORIS_CLUSTER_RUN=${randomBytes(6).toString("hex")}`;
  const [markName, markValue] = mark.split("=") as [string, string];
  const proc: ChildProcess = spawn(
    process.execPath,
    [HTTP_MAIN, "--instance-id", id, "--host", "127.0.0.1", "--port", "0", "--workdir", workdir, ...args],
    { env: { ...process.env, [markName]: markValue }, stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  proc.stderr!.setEncoding("utf8");
  const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
  const [host, port] = await new Promise<[string, number]>((resolve, reject) => {
    proc.stderr!.on("data", (chunk: string) => {
      stderr += chunk;
      const m = /boris-http listening on http:\/\/([\d.]+):(\d+)\/mcp/.exec(stderr);
      if (m) resolve([m[1]!, Number(m[2])]);
    });
    void exited.then(() => reject(new Error(`boris-http ${id} exited before listening: ${stderr}`)));
  });
  const pid = proc.pid!;
  const processes = () => processesWithEnv(mark).filter((p) => p !== pid);
  return {
    id,
    pid,
    port,
    address: `${host}:${port}`,
    workdir,
    mark,
    stderr: () => stderr,
    processes,
    async health() {
      const res = await fetch(`http://${host}:${port}/health`);
      return (await res.json()) as { status: string; instance: string; sessions: number };
    },
    async crash() {
      if (isRunning(pid)) proc.kill("SIGKILL");
      await exited;
    },
    async stop() {
      if (isRunning(pid)) proc.kill("SIGTERM");
      await exited;
      killAll(processes());
    },
  };
}

/** Starts the instances `ids` in parallel. */
export function startInstances(ids: readonly string[], runDir: string, args: readonly string[] = []) {
  return Promise.all(ids.map((id) => startInstance(id, runDir, args)));
}

export function removeRunDir(runDir: string): void {
  rmSync(runDir, { recursive: true, force: true });
}
