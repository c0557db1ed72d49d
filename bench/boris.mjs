// The built Boris binaries, found through the workspace devDependencies (so turbo's `^build` has
// built them before the bench runs), started as a user would start them.
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { tail, trackServer } from "./endpoint.mjs";
import { connectStdio } from "./stdio-client.mjs";

const require = createRequire(import.meta.url);
/** Extra Node options for the servers under test (e.g. `--cpu-prof`), from BORIS_BENCH_NODE_OPTIONS. */
const nodeOptions = () => (process.env.BORIS_BENCH_NODE_OPTIONS ?? "").split(" ").filter(Boolean);
/** Extra server arguments (e.g. `--cgroup off`), from BORIS_BENCH_SERVER_ARGS. */
const serverArgs = () => (process.env.BORIS_BENCH_SERVER_ARGS ?? "").split(" ").filter(Boolean);

function binary(pkgName, binName) {
  const pkgFile = require.resolve(`${pkgName}/package.json`);
  const pkg = JSON.parse(readFileSync(pkgFile, "utf8"));
  const file = path.join(path.dirname(pkgFile), pkg.bin[binName]);
  if (!existsSync(file)) {
    throw new Error(`${file} is missing: build first (npx pnpm@10.34.9 turbo run build)`);
  }
  return file;
}

export const borisStdioBin = () => binary("@boris-mcp/cli-server", "boris");
export const borisHttpBin = () => binary("@boris-mcp/http-server", "boris-http");

/** `boris` over stdio with `--workdir workdir`. */
export function startBorisStdio({ workdir, args = [] }) {
  return connectStdio({
    name: "boris",
    command: process.execPath,
    args: [...nodeOptions(), borisStdioBin(), "--workdir", workdir, ...args, ...serverArgs()],
  });
}

/**
 * `boris-http --port 0`; resolves once it printed its address.
 * @returns {Promise<{ url: string, pid: number, log: () => string, fullLog: () => string, listenMs: number, stop(): Promise<void> }>}
 */
export function startBorisHttp({ workdir, args = [], keepLog = false }) {
  const start = performance.now();
  const child = spawn(
    process.execPath,
    [
      ...nodeOptions(),
      borisHttpBin(),
      "--host",
      "127.0.0.1",
      "--port",
      "0",
      "--workdir",
      workdir,
      ...args,
      ...serverArgs(),
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  const log = tail(child.stderr);
  /** With keepLog, everything the server printed (for a trace it was asked to write). */
  const chunks = [];
  if (keepLog) child.stderr.on("data", (chunk) => chunks.push(chunk));
  const untrack = trackServer(child.pid);
  const exited = new Promise((resolve) => child.once("exit", resolve)).then(untrack);
  return new Promise((resolve, reject) => {
    let seen = "";
    const onData = (chunk) => {
      seen += chunk.toString();
      const m = /boris-http listening on (http:\/\/\S+\/mcp)/.exec(seen);
      if (!m) return;
      child.stderr.off("data", onData);
      resolve({
        url: m[1],
        pid: child.pid,
        log,
        fullLog: () => Buffer.concat(chunks).toString(),
        listenMs: performance.now() - start,
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
          await exited;
        },
      });
    };
    child.stderr.on("data", onData);
    child.once("exit", (code) => reject(new Error(`boris-http exited (${code}) before listening:\n${seen}`)));
    child.once("error", reject);
  });
}
