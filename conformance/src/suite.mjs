import { execFileSync, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fetchNode } from "@boris-mcp/scripts/fetch-node";
import { NODE_VERSIONS } from "@boris-mcp/scripts/node-versions";

const require = createRequire(import.meta.url);
const OUTPUT_KEEP = 32 * 1024;
/** The suite colours its report whatever NO_COLOR says; CI logs read better without escapes. */
const ANSI = /\x1b\[[0-9;]*m/g;

/**
 * @typedef {import("./baseline.mjs").ScenarioOutcome} ScenarioOutcome
 * @typedef {{ node: string, nodeVersion: string, cli: string, version: string }} Suite
 */

/**
 * The suite's Node and CLI. The suite needs Node 22 (it imports `fs.globSync`) while the project runs
 * on Node 20, so it gets its own binary, fetched from npm on first use and cached (fetch-node.mjs),
 * which keeps a plain install of the project small.
 * @param {{ log?: (line: string) => void }} [opts]
 * @returns {Promise<Suite>}
 */
export async function locateSuite({ log } = {}) {
  const node = await fetchNode(NODE_VERSIONS[22], log ? { log } : {});
  const nodeVersion = execFileSync(node, ["--version"], { encoding: "utf8" }).trim();
  const cliPkgFile = require.resolve("@modelcontextprotocol/conformance/package.json");
  const cliPkg = JSON.parse(readFileSync(cliPkgFile, "utf8"));
  const cli = path.join(path.dirname(cliPkgFile), cliPkg.bin.conformance);
  return { node, nodeVersion, cli, version: cliPkg.version };
}

/**
 * Runs one server scenario of the suite against `url` and reads the checks it wrote. Anything that
 * keeps it from producing checks (crash, timeout) becomes an `error` outcome, never a silent pass.
 * @param {{ suite: Suite, url: string, scenario: string, outDir: string, timeoutMs: number, signal?: AbortSignal }} opts
 * @returns {Promise<ScenarioOutcome & { output: string }>}
 */
export async function runScenario({ suite, url, scenario, outDir, timeoutMs, signal }) {
  const args = [suite.cli, "server", "--url", url, "--scenario", scenario, "--output-dir", outDir];
  const child = spawn(suite.node, args, {
    cwd: outDir, // the CLI may write a results/ folder next to it: keep it out of the tree
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
    stdio: ["ignore", "pipe", "pipe"],
    timeout: timeoutMs,
    killSignal: "SIGKILL",
    ...(signal ? { signal } : {}),
  });
  let output = "";
  /** @param {Buffer} chunk */
  const collect = (chunk) => {
    output = (output + chunk.toString("utf8").replace(ANSI, "")).slice(-OUTPUT_KEEP);
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  /** @type {{ code: number | null, signal: NodeJS.Signals | null, error?: Error }} */
  const exit = await new Promise((resolve) => {
    child.once("error", (error) => resolve({ code: null, signal: null, error }));
    child.once("close", (code, sig) => resolve({ code, signal: sig }));
  });

  if (exit.error) return { scenario, error: `could not run the suite: ${exit.error.message}`, output };
  if (exit.signal) {
    const why = exit.signal === "SIGKILL" ? `timed out after ${timeoutMs} ms` : `killed by ${exit.signal}`;
    return { scenario, error: `${why}\n${output}`, output };
  }
  const files = readdirSync(outDir, { recursive: true, encoding: "utf8" }).filter(
    (f) => path.basename(f) === "checks.json",
  );
  if (files.length !== 1 || !files[0]) {
    return {
      scenario,
      error: `exit code ${exit.code}, ${files.length} checks.json files\n${output}`,
      output,
    };
  }
  const checks = JSON.parse(readFileSync(path.join(outDir, files[0]), "utf8"));
  if (!Array.isArray(checks) || checks.length === 0) {
    return { scenario, error: `exit code ${exit.code}, no checks reported\n${output}`, output };
  }
  return { scenario, checks, output };
}
