#!/usr/bin/env node
/**
 * `pnpm test:loaded [--runs N] [--load N]`: the README's test command, N times in a row (default 5),
 * each with turbo's cache bypassed (`--force`), while N busy-loop processes (default: one per core)
 * keep every core saturated. A test that fails only on a busy machine shows up here. Each run's
 * output goes to a log file; the console gets one line per run, the failed tests of a failed run,
 * and a summary. Exits 1 if any run failed.
 */
import { spawn } from "node:child_process";
import { createWriteStream, mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { duration } from "./duration.mjs";
import { failureLines } from "./failures.mjs";
import { turboEnv } from "./turbo-env.mjs";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const PACKAGE_MANAGER = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")).packageManager;

/** Spins until its parent (argv[1]) is gone, so a killed runner cannot leave load behind. */
const BUSY_LOOP =
  "const parent = Number(process.argv[1]);" +
  "for (;;) { for (let i = 0; i < 5e7; i++); if (process.ppid !== parent) process.exit(0); }";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "5" },
    load: { type: "string", default: String(os.availableParallelism()) },
  },
});
const runs = positiveInt(values.runs, "--runs");
const load = positiveInt(values.load, "--load", true);

/** @param {string} value @param {string} flag @param {boolean} [zeroOk] */
function positiveInt(value, flag, zeroOk = false) {
  const n = Number(value);
  if (!Number.isInteger(n) || n < (zeroOk ? 0 : 1)) {
    process.stderr.write(`[BAD_OPTION] ${flag} ${value}: give a whole number${zeroOk ? "" : " above 0"}\n`);
    process.exit(2);
  }
  return n;
}

const logDir = mkdtempSync(path.join(os.tmpdir(), "boris-test-loaded-"));
const workers = Array.from({ length: load }, () =>
  spawn(process.execPath, ["-e", BUSY_LOOP, String(process.pid)], { stdio: "ignore" }),
);
const stopLoad = () => {
  for (const w of workers) w.kill("SIGKILL");
};
process.on("exit", stopLoad);

/** @type {import("node:child_process").ChildProcess | undefined} */
let current;
let interrupted = false;
const onSignal = () => {
  interrupted = true; // the run's processes got the terminal's SIGINT too; a SIGTERM is passed on
  current?.kill("SIGTERM");
};
process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);

const command = ["--yes", PACKAGE_MANAGER, "test", "--force"];
console.log(
  `test:loaded: ${runs} runs of \`npx ${command.join(" ")}\` with ${load} busy-loop processes on ` +
    `${os.availableParallelism()} cores; logs in ${logDir}`,
);

/** @type {{ run: number, ok: boolean, ms: number, log: string, failures: string[] }[]} */
const results = [];
for (let run = 1; run <= runs && !interrupted; run++) {
  const log = path.join(logDir, `run-${run}.log`);
  const out = createWriteStream(log);
  const started = performance.now();
  process.stdout.write(`  run ${run}/${runs} … `);
  const child = spawn("npx", command, {
    cwd: ROOT,
    env: turboEnv(process.env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  current = child;
  child.stdout.pipe(out, { end: false });
  child.stderr.pipe(out, { end: false });
  const code = await new Promise((resolve) => {
    child.once("error", () => resolve(1));
    child.once("close", (c) => resolve(c ?? 1));
  });
  await new Promise((resolve) => out.end(resolve));
  const ms = performance.now() - started;
  if (interrupted) {
    console.log(`interrupted after ${duration(ms)}`);
    break;
  }
  const failures = code === 0 ? [] : failureLines(readFileSync(log, "utf8"));
  results.push({ run, ok: code === 0, ms, log, failures });
  console.log(
    code === 0 ? `ok (${duration(ms)})` : `FAILED (${duration(ms)}, exit code ${code}) log: ${log}`,
  );
  for (const line of failures) console.log(`      ${line}`);
}
stopLoad();

const failed = results.filter((r) => !r.ok);
console.log(`\ntest:loaded summary (${load} busy-loop processes, turbo cache bypassed):`);
for (const r of results) {
  console.log(`  run ${r.run}  ${r.ok ? "ok    " : "FAILED"}  ${duration(r.ms)}${r.ok ? "" : `  ${r.log}`}`);
  for (const line of r.failures) console.log(`      ${line}`);
}
console.log(
  `test:loaded: ${results.length - failed.length} passed, ${failed.length} failed${interrupted ? " (interrupted)" : ""}`,
);
process.exitCode = interrupted ? 130 : failed.length > 0 ? 1 : 0;
