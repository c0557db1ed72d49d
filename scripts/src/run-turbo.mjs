import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { constants } from "node:os";
import { turboEnv } from "./turbo-env.mjs";

const require = createRequire(import.meta.url);

/** The workspace's turbo launcher (the root's devDependency). */
export const TURBO = require.resolve("turbo/bin/turbo");

/**
 * Starts turbo with `args`. Ctrl-C reaches turbo directly (same process group), so this process
 * ignores SIGINT while turbo runs and reports turbo's own exit.
 * @param {string[]} args
 * @param {{ stdio?: import("node:child_process").StdioOptions, env?: NodeJS.ProcessEnv }} [opts]
 * @returns {{ child: import("node:child_process").ChildProcess, exited: Promise<number> }}
 *   `exited`: turbo's exit code, 128 + signal number when it was killed by a signal
 */
export function runTurbo(args, { stdio = "inherit", env = process.env } = {}) {
  const child = spawn(process.execPath, [TURBO, ...args], { stdio, env: turboEnv(env) });
  const ignore = () => {};
  process.on("SIGINT", ignore);
  const exited = new Promise((resolve) => {
    child.once("error", (err) => {
      process.stderr.write(`turbo: could not start ${TURBO}: ${err.message}\n`);
      resolve(1);
    });
    child.once("close", (code, signal) => {
      resolve(code ?? 128 + (signal ? signalNumber(signal) : 0));
    });
  }).finally(() => process.off("SIGINT", ignore));
  return { child, exited: /** @type {Promise<number>} */ (exited) };
}

/** @param {NodeJS.Signals} signal */
function signalNumber(signal) {
  return /** @type {Record<string, number>} */ (constants.signals)[signal] ?? 0;
}
