import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { bash, COMPAT_TOOLS, isRunning, STANDARD_TOOLS, textOf, waitUntil } from "@boris-mcp/test-support";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, describe, expect, it } from "vitest";
import { MAIN, makeWorkdir, SERVER_NODE, startStdio } from "./test/harness.js";

const workdir = makeWorkdir();
afterAll(() => rmSync(workdir, { recursive: true, force: true }));

async function toolNames(client: Client): Promise<string[]> {
  return (await client.listTools()).tools.map((t) => t.name);
}

/** Starts a background task and a setsid daemon; returns the pids that must die with the session. */
async function startProcesses(client: Client): Promise<number[]> {
  const bg = await bash(client, "echo $$; exec sleep 300", { run_in_background: true });
  expect(bg.text).toContain("Command started in background.");
  const daemon = await bash(
    client,
    "setsid sh -c 'echo $$; exec sleep 300' > daemon.pid 2>/dev/null < /dev/null & sleep 0.2; cat daemon.pid",
  );
  const daemonPid = Number(String(daemon.structured!.stdout).trim());
  const taskId = String(bg.structured!.task_id);
  let taskPid = 0;
  await waitUntil("the background task to print its pid", async () => {
    const out = await client.callTool({ name: "task_output", arguments: { task_id: taskId } });
    taskPid = Number(/(\d+)/.exec(textOf(out).split("stdout:")[1] ?? "")?.[1] ?? 0);
    return taskPid > 0;
  });
  const pids = [taskPid, daemonPid];
  for (const pid of pids) expect(isRunning(pid)).toBe(true);
  return pids;
}

describe("boris over stdio", () => {
  it("serves the tools, the instructions and nothing but protocol on stdout", async () => {
    mkdirSync(join(workdir, "a"), { recursive: true });
    const run = await startStdio(
      ["--allow-dir", join(workdir, "a"), "--deny-dir", "**/.env", "--log-level", "debug"],
      { workdir },
    );
    try {
      expect(await toolNames(run.client)).toEqual(STANDARD_TOOLS);
      expect(run.client.getInstructions()).toContain(
        `Working directory: ${workdir}\nAllowed directories: ${join(workdir, "a")}\nDenied patterns: **/.env\n`,
      );
      await bash(run.client, "cd a; echo to-stdout; echo to-stderr >&2");
      expect(String((await bash(run.client, "pwd")).structured!.stdout).trim()).toBe(join(workdir, "a"));
      expect(run.stderr()).toContain("boris ready on stdio"); // logs go to stderr …
      for (const line of run.stdout().split("\n").filter(Boolean)) {
        expect(JSON.parse(line).jsonrpc).toBe("2.0"); // … and stdout is protocol only
      }
    } finally {
      run.child.stdin!.end();
      await run.exited;
    }
  });

  it("serves the compat tool set and leaves disabled tools out", async () => {
    const cases: [string[], readonly string[]][] = [
      [["--anthropic-compat"], COMPAT_TOOLS],
      [
        ["--disable-tools", "bash", "--disable-tools", "grep"],
        ["view", "str_replace", "create_file", "glob"],
      ],
      [
        ["--anthropic-compat", "--disable-tools", "bash"],
        ["str_replace_editor", "grep", "glob"],
      ],
    ];
    for (const [args, expected] of cases) {
      const run = await startStdio(args, { workdir });
      try {
        expect(await toolNames(run.client)).toEqual(expected);
      } finally {
        run.child.stdin!.end();
        await run.exited;
      }
    }
  });

  it("kills background tasks and a setsid daemon when stdin ends", async () => {
    const run = await startStdio([], { workdir });
    const pids = await startProcesses(run.client);
    run.child.stdin!.end();
    expect((await run.exited).code).toBe(0);
    expect(run.stderr()).toContain('shutting down reason="stdin ended"');
    expect(pids.filter(isRunning)).toEqual([]);
    expect(run.processes()).toEqual([]);
  });

  it("kills background tasks and a setsid daemon on SIGTERM", async () => {
    const run = await startStdio([], { workdir });
    const pids = await startProcesses(run.client);
    run.child.kill("SIGTERM");
    await run.exited;
    expect(run.stderr()).toContain("shutting down reason=SIGTERM");
    expect(pids.filter(isRunning)).toEqual([]);
    expect(run.processes()).toEqual([]);
  });

  it("shuts down when its stdout breaks (EPIPE) instead of spinning", async () => {
    const run = await startStdio([], { workdir });
    const pids = await startProcesses(run.client);
    run.child.stdout!.destroy(); // the reading end is gone: the next write fails with EPIPE
    run.child.stdin!.write(`${JSON.stringify({ jsonrpc: "2.0", id: 99, method: "tools/list" })}\n`);
    await run.exited;
    expect(pids.filter(isRunning)).toEqual([]);
    run.child.stdin!.destroy();
  });

  it("shuts down when its stderr breaks (EPIPE)", async () => {
    const run = await startStdio([], { workdir });
    const pids = await startProcesses(run.client);
    run.child.stderr!.destroy();
    run.child.stdin!.write("this is not JSON\n"); // logged as a protocol error: the write hits EPIPE
    await run.exited;
    expect(pids.filter(isRunning)).toEqual([]);
    run.child.stdin!.destroy();
  });

  it("exits, killing its tasks, when its parent is SIGKILLed while its stdin stays open", async () => {
    // boris reads a FIFO that it also holds open for writing (as if another process kept the
    // client's pipe), so killing the parent ends no input: only the parent watchdog can notice.
    const fifo = join(workdir, "stdin.fifo");
    execFileSync("mkfifo", [fifo]);
    const parentScript = `const fs = require("node:fs");
      const { spawn } = require("node:child_process");
      const input = fs.openSync(process.argv[1], "r+");
      spawn(process.execPath, process.argv.slice(2), { stdio: [input, "inherit", "inherit"] });
      setInterval(() => {}, 1 << 30);`;
    const run = await startStdio([], {
      commandArgs: ["-e", parentScript, fifo, MAIN, "--workdir", workdir],
      inputFifo: fifo,
    });
    try {
      const borisPid = Number(String((await bash(run.client, "echo $PPID")).structured!.stdout).trim());
      expect(borisPid).not.toBe(run.child.pid);
      const pids = await startProcesses(run.client);
      run.child.kill("SIGKILL");
      await run.exited;
      await waitUntil("boris to notice its parent is gone and exit", () => !isRunning(borisPid), 10_000);
      await waitUntil("its tasks to be gone", () => pids.every((p) => !isRunning(p)), 10_000);
      expect(run.processes()).toEqual([]);
      expect(run.stderr()).toContain('shutting down reason="parent process gone"');
    } finally {
      run.child.kill("SIGKILL");
      run.input.end();
    }
  });
});

describe("boris option errors", () => {
  const cases: [string[], string][] = [
    [["--sessions"], "boris: unknown option --sessions. Run 'boris --help' to see the options."],
    [["--port", "8080"], "boris: --port is an option of boris-http (the HTTP server)"],
    [["--token=abc"], "boris: --token is an option of boris-http"],
    [["--generate-token"], "boris: --generate-token is an option of boris-http"],
    [["--session-idle-timeout", "5"], "boris: --session-idle-timeout is an option of boris-http"],
    [
      ["--disable-tools", "shell"],
      'boris: --disable-tools "shell": unknown tool name; valid names are bash, view, str_replace, create_file, grep, glob.',
    ],
    [["--max-file-size", "10QB"], 'boris: --max-file-size "10QB": expected a size such as 10MB'],
    [["--require-view-before-edit", "sometimes"], "expected one of auto, true, false"],
    [["--bg-timeout", "soon"], 'boris: --bg-timeout "soon": expected a number of seconds, 0 to turn it off.'],
    [["--shell", "/no/such/shell"], 'boris: --shell "/no/such/shell": not an executable file.'],
  ];
  it.each(cases)("%j exits 2 with one line", (args, message) => {
    const run = spawnSync(SERVER_NODE, [MAIN, ...args], { encoding: "utf8" });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(run.stderr).toContain(message);
  });

  it("prints --version and --help", () => {
    const version = spawnSync(SERVER_NODE, [MAIN, "--version"], { encoding: "utf8" });
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const help = spawnSync(SERVER_NODE, [MAIN, "--help"], { encoding: "utf8" });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("--bg-timeout");
    expect(help.stdout).not.toContain("--port");
  });
});
