#!/usr/bin/env node
/**
 * `pnpm start [boris-http options]`: builds boris-http (turbo: cached after the first time), then runs
 * it in the foreground serving the folder pnpm was started from, unless `--workdir` or BORIS_WORKDIR
 * says otherwise. Shows which package is being built, prints turbo's log only when the build fails,
 * and exits quietly (status 0) when Ctrl-C stops the server.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { runTurbo } from "./run-turbo.mjs";

const SERVER = fileURLToPath(new URL("../../apps/http-server/dist/main.js", import.meta.url));
const args = process.argv.slice(2);
const say = (/** @type {string} */ line) => process.stderr.write(`start: ${line}\n`);

say("building boris-http (the first start takes a minute or two; later ones reuse the build) …");
const started = performance.now();
const build = runTurbo(["run", "build", "--filter=@boris-mcp/http-server...", "--output-logs=hash-only"], {
  stdio: ["ignore", "pipe", "pipe"],
});
let log = "";
let pending = "";
/** @param {Buffer} chunk */
const onOutput = (chunk) => {
  log += chunk.toString("utf8");
  pending += chunk.toString("utf8");
  const lines = pending.split("\n");
  pending = lines.pop() ?? "";
  for (const line of lines) {
    const task = /^(\S+):build: cache (miss|bypass)/.exec(line);
    if (task) say(`  building ${task[1]}`);
  }
};
build.child.stdout?.on("data", onOutput);
build.child.stderr?.on("data", onOutput);
const buildCode = await build.exited;
if (buildCode !== 0) {
  process.stderr.write(log);
  say(`the build failed (exit code ${buildCode}); the output above says why`);
  process.exit(buildCode);
}
say(`built in ${((performance.now() - started) / 1000).toFixed(1)} s; Ctrl-C stops the server`);

const workdirGiven =
  args.some((a) => a === "--workdir" || a.startsWith("--workdir=")) || !!process.env.BORIS_WORKDIR;
const workdir = workdirGiven ? [] : ["--workdir", process.env.INIT_CWD || process.cwd()];
const server = spawn(process.execPath, [SERVER, ...workdir, ...args], { stdio: "inherit" });
// The terminal's Ctrl-C reaches the server directly (same process group); this process only waits.
let stopping = false;
const onSignal = (/** @type {NodeJS.Signals} */ signal) => {
  stopping = true;
  if (signal === "SIGTERM") server.kill("SIGTERM");
};
process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);
server.once("error", (err) => {
  say(`could not start ${SERVER}: ${err.message}`);
  process.exit(1);
});
server.once("exit", (code, signal) => {
  // Stopped on request: a normal end, not a failure for pnpm to report.
  if (stopping && (code === 0 || signal === "SIGINT" || signal === "SIGTERM" || code === 130))
    process.exit(0);
  process.exit(code ?? 1);
});
