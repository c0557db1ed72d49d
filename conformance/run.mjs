#!/usr/bin/env node
/**
 * Runs the official MCP conformance suite (@modelcontextprotocol/conformance) against a real
 * boris-http and compares every check with expected-failures.json. Fails on any check that does not
 * pass and is not in the baseline, and on any baseline entry that no longer fails, so the baseline
 * stays honest. Builds nothing: turbo builds boris-http first (`^build`).
 *
 * Usage: node run.mjs [--verbose] [--keep]
 *   --verbose  print the suite's own output for every scenario and the expected failures' reasons
 *   --keep     keep the temp folder (results of every scenario, server log) even when all is well
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { compare, parseBaseline } from "./src/baseline.mjs";
import { startServer } from "./src/server.mjs";
import { locateSuite, runScenario } from "./src/suite.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/**
 * The server scenarios that apply to a tool server without resources or prompts. The others need the
 * suite's own fixture tools (test_simple_text, test_sampling …), resources, prompts or completions;
 * README.md lists them with the reason for each.
 */
const SCENARIOS = [
  "server-initialize",
  "ping",
  "tools-list",
  "logging-set-level",
  "dns-rebinding-protection",
  "server-sse-polling",
  "server-sse-multiple-streams",
];
const SCENARIO_TIMEOUT_MS = 30_000;
/** Past this, the remaining scenarios are reported as not run (a failure) instead of dragging CI on. */
const BUDGET_MS = 100_000;
/** SIGTERM → exit allowance: the server's kill grace (5 s) plus a second, with headroom for a busy box. */
const STOP_GRACE_MS = 10_000;

const verbose = process.argv.includes("--verbose");
const keep = process.argv.includes("--keep");

/** boris-http's entry point, through the workspace dependency so turbo's `^build` has built it. */
function locateServer() {
  const pkgFile = require.resolve("@boris-mcp/http-server/package.json");
  const pkg = JSON.parse(readFileSync(pkgFile, "utf8"));
  const main = path.join(path.dirname(pkgFile), pkg.bin["boris-http"]);
  if (!existsSync(main)) {
    throw new Error(
      `${main} is missing: build it first (npx pnpm@10.34.9 turbo run build --filter=@boris-mcp/http-server...)`,
    );
  }
  return main;
}

/** The caller's environment without BORIS_* settings, so a developer's BORIS_TOKEN cannot skew the run. */
function serverEnv() {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("BORIS_")));
}

/** @param {number} ms */
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** @param {string} text @param {string} indent */
const indented = (text, indent) =>
  text
    .trimEnd()
    .split("\n")
    .map((line) => indent + line)
    .join("\n");

/**
 * The servers the scenarios run against. boris-http answers a request whose result is ready within
 * `--json-response-window` with one JSON response and anything else with an SSE stream; the suite
 * sees both: every scenario against a server whose window is long enough that every answer that
 * sends nothing first is JSON however loaded the machine, and the SSE scenarios once more against a
 * server that answers every request with an SSE stream (window 0), their checks named
 * `<scenario>-sse-answers/<check>` in the baseline.
 */
const PASSES = [
  { window: "600", scenarios: SCENARIOS, label: (/** @type {string} */ s) => s },
  {
    window: "0",
    scenarios: ["server-sse-polling", "server-sse-multiple-streams"],
    label: (/** @type {string} */ s) => `${s}-sse-answers`,
  },
];
const SCENARIO_COUNT = PASSES.reduce((n, pass) => n + pass.scenarios.length, 0);

async function main() {
  const started = performance.now();
  const baselineFile = path.join(here, "expected-failures.json");
  const baseline = parseBaseline(readFileSync(baselineFile, "utf8"), baselineFile);
  const suite = await locateSuite({ log: (line) => console.log(`conformance: ${line}`) });
  const serverMain = locateServer();
  const serverNode = process.execPath; // the project's Node; the suite runs on its own
  const serverNodeVersion = process.version;

  const tmp = mkdtempSync(path.join(os.tmpdir(), "boris-conformance-"));
  const workdir = path.join(tmp, "workdir");
  mkdirSync(workdir);
  const abort = new AbortController();
  /** @type {NodeJS.Signals | undefined} */
  let interrupted;
  /** @param {NodeJS.Signals} sig */
  const onSignal = (sig) => {
    interrupted = sig;
    abort.abort(); // kills the running suite process; the loop stops and the server is stopped below
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  /** @type {import("./src/baseline.mjs").ScenarioOutcome[]} */
  const outcomes = [];
  /** @type {string[]} */
  const problems = [];
  /** @type {string[]} */
  const serverLogs = [];
  /** @type {import("./src/server.mjs").StopResult | undefined} */
  let stop;
  try {
    for (const pass of PASSES) {
      if (interrupted) break;
      const server = await startServer({
        node: serverNode,
        main: serverMain,
        args: [
          "--host",
          "127.0.0.1",
          "--port",
          "0",
          "--workdir",
          workdir,
          "--json-response-window",
          pass.window,
        ],
        cwd: workdir,
        env: serverEnv(),
      });
      console.log(
        `conformance: suite ${suite.version} on node ${suite.nodeVersion}; boris-http (node ` +
          `${serverNodeVersion}, pid ${server.pid}, --json-response-window ${pass.window}) at ${server.url}`,
      );
      let diedEarly = false;
      try {
        for (const scenario of pass.scenarios) {
          if (interrupted) break;
          const label = pass.label(scenario);
          const t0 = performance.now();
          /** @type {import("./src/baseline.mjs").ScenarioOutcome & { output?: string }} */
          let outcome;
          if (t0 - started > BUDGET_MS) {
            outcome = {
              scenario: label,
              error: `not run: the run exceeded its ${seconds(BUDGET_MS)} budget`,
            };
          } else if (server.exited()) {
            outcome = { scenario: label, error: "not run: boris-http has exited" };
          } else {
            const outDir = path.join(tmp, "results", label);
            mkdirSync(outDir, { recursive: true });
            outcome = {
              ...(await runScenario({
                suite,
                url: server.url,
                scenario,
                outDir,
                timeoutMs: SCENARIO_TIMEOUT_MS,
                signal: abort.signal,
              })),
              scenario: label,
            };
          }
          if (interrupted) break;
          outcomes.push(outcome);
          const own = compare([outcome], baseline);
          const state = own.unexpected.length > 0 ? "FAIL" : "ok  ";
          console.log(
            `  ${state} ${label.padEnd(40)} ${own.passed} passed, ${own.expected.length} expected, ` +
              `${own.unexpected.length} unexpected (${seconds(performance.now() - t0)})`,
          );
          if (verbose && outcome.output) console.log(indented(outcome.output, "       | "));
        }
      } finally {
        diedEarly = server.exited();
        stop = await server.stop({ graceMs: STOP_GRACE_MS });
        serverLogs.push(`--- boris-http --json-response-window ${pass.window}\n${server.stderr()}`);
      }
      if (diedEarly)
        problems.push(`boris-http exited during the run (code ${stop.code}, signal ${stop.signal})`);
      else if (!stop.clean) {
        problems.push(
          `boris-http did not shut down cleanly on SIGTERM: code ${stop.code}, signal ${stop.signal}` +
            (stop.killed ? `, needed SIGKILL after ${seconds(STOP_GRACE_MS)}` : ""),
        );
      }
    }
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }

  if (interrupted) {
    rmSync(tmp, { recursive: true, force: true });
    console.log(`conformance: interrupted by ${interrupted}; boris-http stopped (exit code ${stop?.code})`);
    return interrupted === "SIGINT" ? 130 : 143;
  }

  const result = compare(outcomes, baseline);

  for (const f of result.unexpected) {
    console.log(`\nUNEXPECTED ${f.status}: ${f.key}\n${indented(f.message, "    ")}`);
  }
  for (const f of result.stale) {
    console.log(`\nSTALE BASELINE ENTRY (${f.status}): ${f.key}\n    ${f.message}`);
  }
  for (const p of problems) console.log(`\nSERVER: ${p}`);
  if (verbose) {
    for (const f of result.expected)
      console.log(`\nexpected ${f.status}: ${f.key}\n${indented(f.message, "    ")}`);
  }

  const ok = result.unexpected.length === 0 && result.stale.length === 0 && problems.length === 0;
  if (ok && !keep) {
    rmSync(tmp, { recursive: true, force: true });
  } else {
    writeFileSync(path.join(tmp, "server.log"), serverLogs.join("\n"));
    console.log(`\nresults and server log kept in ${tmp}`);
  }
  console.log(
    `\nconformance: ${result.passed} passed, ${result.expected.length} expected failures, ` +
      `${result.unexpected.length} unexpected, ${result.stale.length} stale` +
      ` (${SCENARIO_COUNT} scenario runs, ${seconds(performance.now() - started)}; servers stopped)`,
  );
  if (!ok) {
    console.log(
      "A check that now passes: remove its entry from expected-failures.json. A new failure: fix the " +
        "server, or (only if it cannot apply to Boris) add it to the baseline with the reason.",
    );
  }
  return ok ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(`conformance: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 2;
  },
);
