// The SDK client's own close() of a stdio session ends the daemons that dropped the session marker
// (env -i, env -u, a title written over the environment): each session has its own cgroup.
import { spawnSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { openContainment } from "@boris-mcp/session";
import {
  bash,
  cgroupDirOf,
  daemonPids,
  isRunning,
  killAll,
  UNMARKED_DAEMONS,
  unmarkedDaemonsScript,
  waitUntil,
} from "@boris-mcp/test-support";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterEach, describe, expect, it } from "vitest";
import { MAIN, makeWorkdir, SERVER_NODE } from "./test/harness.js";

const support = openContainment();
const skipReason =
  support.kind === "cgroup" ? undefined : `cgroup v2 is not writable here: ${support.reason}`;
if (skipReason) console.log(`skipping the cgroup containment e2e tests: ${skipReason}`);

const started: number[] = [];
afterEach(() => killAll(started.splice(0)));

describe.skipIf(skipReason !== undefined)("boris contains its session in a cgroup", () => {
  it("the SDK client's close() leaves none of the daemons that dropped the marker, nor the cgroup", async () => {
    const workdir = makeWorkdir();
    const transport = new StdioClientTransport({
      command: SERVER_NODE,
      args: [MAIN, "--workdir", workdir, "--log-level", "warn"],
      stderr: "ignore",
    });
    const client = new Client({ name: "boris-e2e", version: "1.0.0" });
    await client.connect(transport);
    const pidFile = join(workdir, "daemons.pids");
    expect((await bash(client, unmarkedDaemonsScript(pidFile))).structured?.stdout).toBe("started\n");
    await waitUntil("the daemons to write their pids", () => daemonPids(pidFile).length === UNMARKED_DAEMONS);
    const daemons = daemonPids(pidFile);
    started.push(...daemons);
    const cgroup = cgroupDirOf(daemons[0]!)!;
    expect(cgroup).toMatch(/\/boris-\d+-\d+\/session-[0-9a-f]+$/);
    for (const pid of daemons) expect(isRunning(pid)).toBe(true);

    await client.close();
    await waitUntil("the daemons to die", () => !daemons.some(isRunning));
    await waitUntil("the session's cgroup to be removed", () => !existsSync(cgroup));
    rmSync(workdir, { recursive: true, force: true });
  });

  it("logs that the sessions are contained by cgroups", () => {
    const run = spawnSync(SERVER_NODE, [MAIN, "--log-level", "info"], { input: "", encoding: "utf8" });
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/boris ready on stdio .*containment=cgroup cgroup=\S+\/boris-\d+-\d+ /);
  });
});

describe("--cgroup off", () => {
  it("logs that the marker alone contains the sessions", () => {
    const run = spawnSync(SERVER_NODE, [MAIN, "--cgroup", "off", "--log-level", "info"], {
      input: "",
      encoding: "utf8",
    });
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/boris ready on stdio .*containment=marker cgroups=off /);
  });
});
