import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { killAll, waitUntil } from "@boris-mcp/test-support";
import { afterAll, describe, expect, it } from "vitest";
import { processesOfServer, survivors } from "./harness/processes.js";
import { call, startTask } from "./harness/results.js";
import { leftovers, makeTempDir, removeDir, type StdioServer, startStdio } from "./harness/servers.js";
import { readPids } from "./harness/workload.js";

/**
 * A session holding what a close has to outlast or find: a background task that ignores SIGTERM
 * (with its child), a `setsid` daemon and a child that left its process group with setpgid (bash
 * job control gives every job its own group). The daemon and the setpgid child respect SIGTERM and
 * record it in `termFile`. Every process writes its pid to `pidFile`; returns how many.
 */
async function holdHardProcesses(server: StdioServer, pidFile: string, termFile: string): Promise<number> {
  const f = JSON.stringify(pidFile);
  const t = JSON.stringify(termFile);
  await startTask(server.client, `trap '' TERM; sleep 300 & echo $! >> ${f}; echo $$ >> ${f}; wait`);
  const script = (name: string) => {
    const file = `${pidFile}.${name}.sh`;
    writeFileSync(
      file,
      `trap 'echo ${name} >> ${t}; exit 0' TERM\necho $$ >> ${f}\nwhile :; do sleep 0.05; done\n`,
    );
    return JSON.stringify(file);
  };
  await call(server.client, "bash", {
    command: `setsid -f sh ${script("daemon")} > /dev/null 2>&1 < /dev/null`,
  });
  await call(server.client, "bash", {
    command: `set -m; sh ${script("setpgid")} > /dev/null 2>&1 < /dev/null &`,
  });
  return 4;
}

describe("the SDK client's own close() of a stdio session", () => {
  const dir = makeTempDir("client-close");
  const servers: StdioServer[] = [];
  afterAll(() => {
    for (const s of servers) killAll(leftovers(s.mark));
    removeDir(dir);
  });

  async function startHolding(label: string) {
    const server = await startStdio(["--workdir", dir, "--log-level", "warn"]);
    servers.push(server);
    const pidFile = join(dir, `${label}.pids`);
    const termFile = join(dir, `${label}.term`);
    const expected = await holdHardProcesses(server, pidFile, termFile);
    await waitUntil("every process to record its pid", () => readPids(pidFile).length === expected);
    const pids = readPids(pidFile);
    expect(survivors(pids)).toHaveLength(expected);
    return { server, pids, termFile };
  }

  // StdioClientTransport.close() ends stdin, sends SIGTERM 2 s later and SIGKILL 2 s after that. The
  // TERM-ignoring task holds the orderly close for the 5 s grace, so the SIGTERM arrives during the
  // close: the server kills every process of its sessions at once and exits before the SIGKILL.
  it("leaves zero processes: a TERM-ignoring task, a setsid daemon and a setpgid child", async () => {
    const { server, pids } = await startHolding("kill-clock");
    await server.close();
    expect(survivors(pids)).toEqual([]);
    expect(processesOfServer(server.identity)).toEqual([]);
    // The log line travels through the client's stderr pipe, which may deliver it after close().
    await waitUntil("the server to log the kill", () =>
      server.stderr().includes("killed every process of this server"),
    );
  });

  // SPEC §2: "close signals groups and marked processes at once": the daemon and the setpgid child
  // get SIGTERM the moment stdin ends, not SIGKILL from the second signal 2 s later.
  it("signals the setsid daemon and the setpgid child with SIGTERM as soon as stdin ends", async () => {
    const { server, pids, termFile } = await startHolding("term-at-once");
    await server.close();
    expect(survivors(pids)).toEqual([]);
    const termed = existsSync(termFile) ? readFileSync(termFile, "utf8").split("\n").filter(Boolean) : [];
    expect(termed.sort()).toEqual(["daemon", "setpgid"]);
  });
});
