import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { NODE_VERSIONS } from "@boris-mcp/scripts/node-versions";
import { afterAll, describe, expect, it } from "vitest";
import { locateSuite, runScenario } from "./suite.mjs";

const tmp = mkdtempSync(path.join(os.tmpdir(), "suite-test-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A loopback URL nobody listens on: a port the OS handed out and that is closed again. */
async function deadUrl() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(undefined)));
  const address = server.address();
  await new Promise((resolve) => server.close(() => resolve(undefined)));
  if (address === null || typeof address === "string") throw new Error("no port");
  return `http://127.0.0.1:${address.port}/mcp`;
}

describe("locateSuite", () => {
  it("fetches the pinned Node 22 and finds the suite's CLI in node_modules", async () => {
    const suite = await locateSuite();
    expect(existsSync(suite.node)).toBe(true);
    expect(suite.nodeVersion).toBe(`v${NODE_VERSIONS[22]}`);
    expect(existsSync(suite.cli)).toBe(true);
    expect(suite.version).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe("runScenario", async () => {
  const suite = await locateSuite();

  it("reads the checks the suite wrote, failures included", async () => {
    const outDir = mkdtempSync(path.join(tmp, "ping-"));
    const outcome = await runScenario({
      suite,
      url: await deadUrl(),
      scenario: "ping",
      outDir,
      timeoutMs: 30_000,
    });
    expect("checks" in outcome && outcome.checks).toEqual([
      expect.objectContaining({
        id: "ping",
        status: "FAILURE",
        errorMessage: expect.stringMatching(/fetch failed/),
      }),
    ]);
  });

  it("turns a run that writes no checks into an error with the suite's output", async () => {
    const outDir = mkdtempSync(path.join(tmp, "unknown-"));
    const outcome = await runScenario({
      suite,
      url: await deadUrl(),
      scenario: "no-such-scenario",
      outDir,
      timeoutMs: 30_000,
    });
    expect("error" in outcome && outcome.error).toMatch(
      /exit code 1, 0 checks\.json files[\s\S]*Unknown scenario/,
    );
  });

  it("kills a run that outlives its timeout and reports it as an error", async () => {
    const outDir = mkdtempSync(path.join(tmp, "slow-"));
    const cli = path.join(tmp, "never-finishes.mjs");
    writeFileSync(cli, "setInterval(() => {}, 1000);\n");
    const outcome = await runScenario({
      suite: { ...suite, node: process.execPath, cli },
      url: await deadUrl(),
      scenario: "ping",
      outDir,
      timeoutMs: 300,
    });
    expect("error" in outcome && outcome.error).toMatch(/^timed out after 300 ms/);
  });
});
