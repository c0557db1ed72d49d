// The SDK client's own close() of a stdio session ends the daemons that dropped the session marker
// (env -i, env -u, a title written over the environment, a double fork): each session has its own
// cgroup.
import { spawnSync } from "node:child_process";
import { chownSync, existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { openContainment } from "@boris-mcp/session";
import {
  bash,
  cgroupDirOf,
  daemonPids,
  isRunning,
  killAll,
  readPids,
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

// The fallback, on any machine where this test runs as root: `nobody` cannot create cgroups.
const NOBODY = 65534;
const AS_NOBODY = [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups"];
/** Whether `nobody` can run Node and read the built binary (a checkout in a 0700 temp dir cannot). */
const nobodyReachesBinary = (): boolean =>
  spawnSync("setpriv", [
    ...AS_NOBODY,
    SERVER_NODE,
    "-e",
    "require('node:fs').readFileSync(process.argv[1])",
    MAIN,
  ]).status === 0;
const fallbackSkip =
  process.getuid?.() !== 0
    ? "needs root, to start the server as nobody"
    : spawnSync("setpriv", ["--version"]).status !== 0
      ? "setpriv is missing"
      : !nobodyReachesBinary()
        ? `nobody cannot read ${MAIN} or run ${SERVER_NODE} (a parent folder is private)`
        : undefined;
if (fallbackSkip) console.log(`skipping the cgroup fallback e2e test: ${fallbackSkip}`);

describe.skipIf(fallbackSkip !== undefined)("where cgroups cannot be made", () => {
  it("falls back to the marker, says why, and the SDK client's close() still ends a setsid daemon", async () => {
    const workdir = makeWorkdir();
    chownSync(workdir, NOBODY, NOBODY);
    let stderr = "";
    const transport = new StdioClientTransport({
      command: "setpriv",
      args: [...AS_NOBODY, SERVER_NODE, MAIN, "--workdir", workdir, "--log-level", "info"],
      stderr: "pipe",
    });
    transport.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    const client = new Client({ name: "boris-e2e", version: "1.0.0" });
    await client.connect(transport);
    await waitUntil("the ready line", () => stderr.includes("boris ready on stdio"));
    expect(stderr).toMatch(/containment=marker cgroups="cannot create a cgroup under \S+ \(EACCES\)"/);
    const { structured } = await bash(client, "setsid sleep 999 < /dev/null > /dev/null 2>&1 & echo $!");
    const [daemon] = await readPids(() => String(structured?.stdout ?? ""), 1);
    started.push(daemon!);
    expect(isRunning(daemon!)).toBe(true);

    await client.close();
    await waitUntil("the marked daemon to die", () => !isRunning(daemon!));
    rmSync(workdir, { recursive: true, force: true });
  });
});
