// Daemons that drop the session marker (env -i, env -u, a title written over the environment, a
// double fork) die with their session where each session has its own cgroup: after DELETE, server
// shutdown, a second signal, and a crash followed by the next server's start. Against the built
// binary.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { openContainment } from "@boris-mcp/session";
import {
  bash,
  cgroupDirOf,
  childrenOf,
  daemonPids,
  isRunning,
  killAll,
  procStat,
  textOf,
  UNMARKED_DAEMONS,
  unmarkedDaemonsScript,
  waitUntil,
} from "@boris-mcp/test-support";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterEach, describe, expect, it } from "vitest";
import {
  connect,
  isSpawnHelper,
  MAIN,
  type RunningServer,
  SERVER_NODE,
  startServer,
} from "../test/harness.js";

const support = openContainment();
const skipReason =
  support.kind === "cgroup" ? undefined : `cgroup v2 is not writable here: ${support.reason}`;
if (skipReason) console.log(`skipping the cgroup containment e2e tests: ${skipReason}`);

const servers: RunningServer[] = [];
const started: number[] = [];
afterEach(async () => {
  killAll(started.splice(0));
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

async function server(args: string[] = []): Promise<RunningServer> {
  const s = await startServer(args);
  servers.push(s);
  return s;
}

/** `<own cgroup>/boris-<identity of pid>`: where a server puts its session cgroups. */
function serverCgroupOf(pid: number): string {
  return join(cgroupDirOf(pid)!, `boris-${pid}-${procStat(pid)!.startTime}`);
}

/**
 * Runs the marker-dropping daemons through `client`'s bash; resolves with their pids and the
 * session's cgroup directory (where the daemons are).
 */
async function startDaemons(client: Client, workdir: string, name: string) {
  const pidFile = join(workdir, `${name}.pids`);
  const { structured } = await bash(client, unmarkedDaemonsScript(pidFile));
  expect(structured?.stdout).toBe("started\n");
  await waitUntil("the daemons to write their pids", () => daemonPids(pidFile).length === UNMARKED_DAEMONS);
  const daemons = daemonPids(pidFile);
  started.push(...daemons);
  for (const pid of daemons) expect(isRunning(pid)).toBe(true);
  const cgroup = cgroupDirOf(daemons[0]!)!;
  expect(basename(cgroup)).toMatch(/^session-/);
  for (const pid of daemons) expect(cgroupDirOf(pid)).toBe(cgroup);
  return { daemons, cgroup };
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/**
 * Asked of the kernel: the server's child named boris-spawn-helper, and the waiting spare it made,
 * which has entered the session's cgroup (`<server cgroup>/session-<id>`) by itself.
 */
async function helperAndSpare(serverPid: number): Promise<{ helper: number; spare: number }> {
  const helperOf = () => childrenOf(serverPid).find(isSpawnHelper);
  const spareOf = (helper: number) =>
    childrenOf(helper).find((pid) => dirname(cgroupDirOf(pid) ?? "") === serverCgroupOf(serverPid));
  let found: { helper: number; spare: number } | undefined;
  await waitUntil("the helper and its spare", () => {
    const helper = helperOf();
    const spare = helper === undefined ? undefined : spareOf(helper);
    if (helper !== undefined && spare !== undefined) found = { helper, spare };
    return found !== undefined;
  });
  return found!;
}

describe.skipIf(skipReason !== undefined)("boris-http contains each session in a cgroup", () => {
  it("says so in /health and in the ready line", async () => {
    const s = await server(["--log-level", "info"]);
    expect(await (await fetch(`${s.base}/health`)).json()).toMatchObject({ containment: "cgroup" });
    await waitUntil("the ready line", () => s.stderr().includes("boris-http ready"));
    expect(s.stderr()).toContain(`containment=cgroup cgroup=${serverCgroupOf(s.pid)}`);
  });

  it("kills them on DELETE of the session and removes its cgroup", async () => {
    const s = await server();
    const serverCgroup = serverCgroupOf(s.pid);
    const deleted = await connect(s.url);
    const kept = await connect(s.url);
    const gone = await startDaemons(deleted.client, s.workdir, "deleted");
    const stay = await startDaemons(kept.client, s.workdir, "kept");
    expect(dirname(gone.cgroup)).toBe(serverCgroup);
    await deleted.transport.terminateSession();
    await waitUntil("the deleted session's daemons to die", () => !gone.daemons.some(isRunning));
    await waitUntil("its cgroup to be removed", () => !existsSync(gone.cgroup));
    for (const pid of stay.daemons) expect(isRunning(pid)).toBe(true);
    // Stopping the server ends the rest, and leaves no cgroup behind.
    s.proc.kill("SIGTERM");
    expect(await s.exited).toBe(0);
    for (const pid of stay.daemons) expect(isRunning(pid)).toBe(false);
    expect(existsSync(serverCgroup)).toBe(false);
  });

  it("kills them at once on a second signal during a close held up by a TERM-ignoring task", async () => {
    const s = await server(["--log-level", "info"]);
    const serverCgroup = serverCgroupOf(s.pid);
    const { client } = await connect(s.url);
    const { daemons } = await startDaemons(client, s.workdir, "second-signal");
    const stubborn = await bash(client, 'trap "" TERM; echo ready; while :; do sleep 0.1; done', {
      run_in_background: true,
    });
    const taskId = String(stubborn.structured!.task_id);
    await waitUntil("the TERM-ignoring task to be ready", async () => {
      const out = await client.callTool({ name: "task_output", arguments: { task_id: taskId } });
      return textOf(out).includes("ready");
    });
    s.proc.kill("SIGTERM");
    await waitUntil("the shutdown to begin", () => s.stderr().includes("shutting down reason=SIGTERM"));
    s.proc.kill("SIGTERM");
    expect(await s.exited).toBe(1);
    for (const pid of daemons) expect(isRunning(pid)).toBe(false);
    expect(existsSync(serverCgroup)).toBe(false);
  });

  it("makes the sessions' spare processes through one helper process, which dies with the server", async () => {
    const s = await server();
    const { client } = await connect(s.url);
    const first = await bash(client, "echo $$");
    expect(first.structured?.exit_code).toBe(0);
    const { helper, spare } = await helperAndSpare(s.pid);
    const sessionCgroup = cgroupDirOf(spare!);
    // The next command runs in that spare: same pid, its parent the helper, in the session's cgroup.
    const next = await bash(client, 'echo "$$ $PPID"; cat /proc/self/cgroup');
    expect(next.structured?.stdout).toContain(`${spare} ${helper}\n`);
    expect(next.structured?.stdout).toContain(sessionCgroup!.slice(sessionCgroup!.indexOf("/boris-")));
    expect(cgroupDirOf(helper)).not.toBe(sessionCgroup);
    s.proc.kill("SIGKILL");
    await s.exited;
    await waitUntil("the helper to exit with the server", () => !isRunning(helper));
  });

  it("answers a command run in a spare of a stopped helper (its exit is read from /proc)", async () => {
    const s = await server();
    const { client } = await connect(s.url);
    await bash(client, "true");
    const { helper, spare } = await helperAndSpare(s.pid);
    process.kill(helper, "SIGSTOP");
    try {
      const stopped = await bash(client, 'echo "$$"; exit 5');
      expect(stopped.structured?.exit_code).toBe(5);
      expect(stopped.structured?.stdout).toBe(`${spare}\n`);
    } finally {
      process.kill(helper, "SIGCONT");
    }
    const after = await bash(client, "echo after");
    expect(after.structured?.stdout).toBe("after\n");
  });

  it("after a crash, the next server kills them and removes the dead server's cgroups", async () => {
    const crashed = await server();
    const { client } = await connect(crashed.url);
    const { daemons, cgroup } = await startDaemons(client, crashed.workdir, "crash");
    const crashedCgroup = serverCgroupOf(crashed.pid);
    crashed.proc.kill("SIGKILL");
    await crashed.exited;
    // Precondition: SIGKILL left them running, in the dead server's cgroup.
    for (const pid of daemons) expect(isRunning(pid)).toBe(true);
    expect(existsSync(cgroup)).toBe(true);

    // (Any server starting meanwhile, such as another test file's, sweeps them just the same.)
    const next = await server();
    await waitUntil("the start-up sweep to kill them", () => !daemons.some(isRunning));
    await waitUntil("the dead server's cgroups to be removed", () => !existsSync(crashedCgroup));
    expect(await (await fetch(`${next.base}/health`)).json()).toMatchObject({ status: "ok" });
  });
});

describe("session limits this system cannot enforce", () => {
  it("exits with status 2 and one line naming the option", (ctx) => {
    const controllers = join(dirname(support.cgroupPath ?? "/nonexistent/x"), "cgroup.controllers");
    if (existsSync(controllers) && readFileSync(controllers, "utf8").split(/\s+/).includes("pids")) {
      console.log("skipping: the pids controller is available in cgroup v2 here");
      ctx.skip();
    }
    const run = spawnSync(SERVER_NODE, [MAIN, "--port", "0", "--session-pids-max", "64"], {
      encoding: "utf8",
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^boris-http: --session-pids-max 64: .*pids.*\.\n$/);
  });
});
