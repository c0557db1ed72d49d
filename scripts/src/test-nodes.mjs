#!/usr/bin/env node
/**
 * `pnpm test:nodes`: the end-to-end suites of both binaries (the apps' `e2e` test files, which spawn
 * the built boris and boris-http) once under each Node of NODE_VERSIONS, fetched from npm on first
 * use (fetch-node.mjs). The test process stays on the project's Node; the harnesses start the
 * servers with BORIS_TEST_NODE. Needs a build (`pnpm build`, or `pnpm test` before it, as in .ci/run).
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { fetchNode } from "./fetch-node.mjs";
import { NODE_VERSIONS } from "./node-versions.mjs";
import { turboEnv } from "./turbo-env.mjs";

const require = createRequire(import.meta.url);
const vitestPkg = require.resolve("vitest/package.json");
const VITEST = path.join(path.dirname(vitestPkg), JSON.parse(readFileSync(vitestPkg, "utf8")).bin.vitest);
const APPS = ["cli-server", "http-server"];
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

/** @param {string} line */
const say = (line) => console.log(`test:nodes: ${line}`);

let passed = 0;
let failed = 0;
const started = performance.now();
for (const version of Object.values(NODE_VERSIONS)) {
  const node = await fetchNode(version, { log: say });
  for (const app of APPS) {
    const t0 = performance.now();
    const { code, output } = await vitest(
      fileURLToPath(new URL(`../../apps/${app}/`, import.meta.url)),
      node,
    );
    const tests = /Tests\s+(.*)$/m.exec(output.replace(ANSI, ""))?.[1]?.trim() ?? "no test summary";
    const ok = code === 0;
    say(
      `node v${version} · @boris-mcp/${app} e2e: ${ok ? "ok" : "FAILED"} (${tests}; ${seconds(performance.now() - t0)})`,
    );
    if (ok) passed++;
    else {
      failed++;
      process.stdout.write(output);
    }
  }
}
say(`${Object.keys(NODE_VERSIONS).length} Node versions in ${seconds(performance.now() - started)}`);
console.log(`test:nodes: ${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;

/**
 * Runs the app's e2e test files with vitest on this Node, the servers on `node`.
 * @param {string} cwd @param {string} node
 * @returns {Promise<{ code: number, output: string }>}
 */
function vitest(cwd, node) {
  const child = spawn(process.execPath, [VITEST, "run", "e2e"], {
    cwd,
    env: { ...turboEnv(process.env), BORIS_TEST_NODE: node, FORCE_COLOR: "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const collect = (/** @type {Buffer} */ chunk) => {
    output += chunk.toString("utf8");
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  return new Promise((resolve) => {
    child.once("error", (err) => resolve({ code: 1, output: `could not start vitest: ${err.message}\n` }));
    child.once("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

/** @param {number} ms */
function seconds(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}
