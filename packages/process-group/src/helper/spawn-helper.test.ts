import { spawn } from "node:child_process";
import { readdirSync, readlinkSync } from "node:fs";
import { groupEntries, isGone, isRunning, Leftovers, waitFor } from "@boris-mcp/test-support";
import { afterEach, describe, expect, it } from "vitest";
import type { SpawnedGroup } from "../group/spawn.js";
import { readStat } from "../os/proc.js";
import { startRun } from "../run/run.js";
import { HELPER_SCRIPT } from "./helper-script.js";
import { SpawnHelper } from "./spawn-helper.js";

const leftovers = new Leftovers();
const helpers: SpawnHelper[] = [];
afterEach(() => {
  for (const h of helpers.splice(0)) h.close();
  leftovers.cleanup();
});

function newHelper(): SpawnHelper {
  const helper = new SpawnHelper();
  helpers.push(helper);
  return helper;
}

function text(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve) => {
    let out = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      out += chunk;
    });
    stream.once("end", () => resolve(out));
  });
}

const shell = (script: string) => ["-c", script] as const;

function fdOf(socket: object): number {
  return (socket as { _handle: { fd: number } })._handle.fd;
}

function fdTarget(pid: number, fd: number | string): string {
  try {
    return readlinkSync(`/proc/${pid}/fd/${fd}`);
  } catch {
    return "";
  }
}

/** What each open file descriptor of `pid` points at (`socket:[inode]`…). */
function openFiles(pid: number): string[] {
  return readdirSync(`/proc/${pid}/fd`).map((fd) => fdTarget(pid, fd));
}

describe("SpawnHelper", () => {
  it("starts a command as its child, the leader of a new group, and hands back its pipes and its exit", async () => {
    const helper = newHelper();
    const group = await helper.spawn(
      "/bin/sh",
      shell('read -r line <&3; echo "out $line in $(pwd) $BORIS_HELPER_TEST"; echo err >&2; exit 7'),
      { cwd: "/tmp", env: { ...process.env, BORIS_HELPER_TEST: "yes" } },
    );
    expect(group).toBeDefined();
    const { pid, pipes } = group!;
    leftovers.group(pid);
    // Asked of the kernel: the helper is its parent, and it leads its own group.
    expect(helper.pid).toBeDefined();
    expect(helper.pid).not.toBe(process.pid);
    expect(readStat(pid)?.ppid).toBe(helper.pid);
    expect(readStat(pid)?.pgrp).toBe(pid);
    // The helper keeps no copy of the pipes it handed over (a copy of fd 3 would keep the command
    // from ever reading its end, and a helper making spares for hours would run out of fds).
    const ours = [pipes.stdout, pipes.stderr, pipes.fd3!].map((socket) =>
      fdTarget(process.pid, fdOf(socket)),
    );
    expect(await waitFor(() => !openFiles(helper.pid!).some((target) => ours.includes(target)))).toBe(true);
    const out = text(pipes.stdout);
    const err = text(pipes.stderr);
    pipes.fd3!.end("hello\n");
    expect(await group!.exited).toEqual({ code: 7, signal: null });
    expect(group!.exitInfo).toEqual({ code: 7, signal: null });
    expect(await out).toBe(`out hello in /tmp yes\n`);
    expect(await err).toBe("err\n");
  });

  it("reports a leader killed by a signal with that signal", async () => {
    const group = (await newHelper().spawn("/bin/sh", shell("kill -TERM $$; sleep 5"), {
      cwd: "/",
      env: process.env,
    }))!;
    leftovers.group(group.pid);
    expect(await group.exited).toEqual({ code: null, signal: "SIGTERM" });
  });

  it("resolves undefined when the command cannot start, and goes on starting others", async () => {
    const helper = newHelper();
    expect(
      await helper.spawn("/bin/sh", shell("true"), { cwd: "/no/such/dir", env: process.env }),
    ).toBeUndefined();
    const group = (await helper.spawn("/bin/sh", shell("exit 0"), { cwd: "/", env: process.env }))!;
    expect(await group.exited).toEqual({ code: 0, signal: null });
  });

  it("gives its pipes to the runner, which reads them into its reused buffer", async () => {
    const group = (await newHelper().spawn(
      "/bin/sh",
      shell("read -r n <&3; head -c $n /dev/zero | tr '\\0' x"),
      {
        cwd: "/",
        env: process.env,
      },
    ))!;
    leftovers.group(group.pid);
    group.pipes.fd3!.end("300000\n");
    // A launcher-like start: the runner takes over a group made elsewhere.
    const run = startRun("unused", [], {
      cwd: "/",
      outputLimit: 1_000_000,
      launcher: { start: () => group, prepare: () => {} } as never,
    });
    const result = await run.result;
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe("x".repeat(300_000));
  });

  it("after the helper is lost, reports its running commands once they are gone, and starts a new helper", async () => {
    const helper = newHelper();
    const group = (await helper.spawn("/bin/sh", shell("sleep 30"), { cwd: "/", env: process.env }))!;
    leftovers.group(group.pid);
    const first = helper.pid!;
    process.kill(first, "SIGKILL");
    expect(await waitFor(() => isGone(first))).toBe(true);
    // The orphan runs on; its exit status went with the helper.
    expect(await waitFor(() => helper.pid === undefined)).toBe(true);
    expect(isGone(group.pid)).toBe(false);
    process.kill(-group.pid, "SIGKILL");
    expect(await group.exited).toEqual({ code: null, signal: null });
    const next = (await helper.spawn("/bin/sh", shell("exit 4"), { cwd: "/", env: process.env }))!;
    expect(helper.pid).not.toBe(first);
    expect(await next.exited).toEqual({ code: 4, signal: null });
  });

  it("reports the exits of its commands while the helper is stopped, from /proc, and goes on once it runs again", async () => {
    const helper = newHelper();
    const spawnShell = (script: string) =>
      helper.spawn("/bin/sh", shell(script), { cwd: "/", env: process.env });
    const [exits, killed] = (await Promise.all([
      spawnShell("read -r x <&3; exit 7"),
      spawnShell("read -r x <&3; sleep 30"),
    ])) as [SpawnedGroup, SpawnedGroup];
    for (const group of [exits, killed]) leftovers.group(group.pid);
    const helperPid = helper.pid!;
    process.kill(helperPid, "SIGSTOP");
    try {
      expect(await waitFor(() => ["T", "t"].includes(readStat(helperPid)?.state ?? ""))).toBe(true);
      exits.pipes.fd3!.end("go\n");
      killed.pipes.fd3!.end("go\n");
      expect(await exits.exited).toEqual({ code: 7, signal: null });
      // Its exit waits as a zombie of the stopped helper: the status is the kernel's.
      expect(readStat(exits.pid)?.state).toBe("Z");
      expect(await waitFor(() => readStat(killed.pid)?.state === "S")).toBe(true);
      process.kill(killed.pid, "SIGTERM");
      expect(await killed.exited).toEqual({ code: null, signal: "SIGTERM" });
    } finally {
      process.kill(helperPid, "SIGCONT");
    }
    // Running again, it reaps them and sends their exits (for ids forgotten already), and still works.
    expect(await waitFor(() => isGone(exits.pid) && isGone(killed.pid))).toBe(true);
    const next = (await spawnShell("exit 3"))!;
    expect(helper.pid).toBe(helperPid);
    expect(await next.exited).toEqual({ code: 3, signal: null });
  });

  it("close() ends the helper process; nothing starts through it afterwards", async () => {
    const helper = newHelper();
    const group = (await helper.spawn("/bin/sh", shell("exit 0"), { cwd: "/", env: process.env }))!;
    await group.exited;
    const pid = helper.pid!;
    helper.close();
    expect(await waitFor(() => isGone(pid))).toBe(true);
    // Undefined at once: the caller spawns it itself.
    expect(helper.spawn("/bin/sh", shell("exit 0"), { cwd: "/", env: process.env })).toBeUndefined();
  });

  it("killNow() stops the helper, SIGKILLs what it started and then itself, and starts nothing afterwards", async () => {
    const helper = newHelper();
    const groups = await Promise.all(
      [1, 2].map(() =>
        helper.spawn("/bin/sh", shell("sleep 30 & read -r x <&3"), { cwd: "/", env: process.env }),
      ),
    );
    const pids = groups.map((g) => g!.pid);
    for (const pid of pids) leftovers.group(pid);
    const helperPid = helper.pid!;
    const killed = helper.killNow();
    expect(killed.sort()).toEqual([...pids].sort());
    // Asked of the kernel: the commands, what they left in their groups, and the helper are gone.
    expect(await waitFor(() => pids.every((pid) => groupEntries(pid).every((p) => !isRunning(p))))).toBe(
      true,
    );
    expect(await waitFor(() => !isRunning(helperPid))).toBe(true);
    expect(helper.spawn("/bin/sh", shell("exit 0"), { cwd: "/", env: process.env })).toBeUndefined();
  });

  it("gives up on a helper that dies before it ever answered, so that callers spawn for themselves", async () => {
    // A "node" that exits at once: the helper cannot run here.
    const helper = new SpawnHelper("/bin/false");
    helpers.push(helper);
    const first = helper.spawn("/bin/sh", shell("exit 0"), { cwd: "/", env: process.env });
    expect(first).toBeDefined();
    expect(await first).toBeUndefined();
    expect(helper.spawn("/bin/sh", shell("exit 0"), { cwd: "/", env: process.env })).toBeUndefined();
  });

  it("does not keep its server alive, and goes away when the server is killed", async () => {
    // A server that starts the helper, runs one command through it and has nothing else to do: it
    // exits by itself. A second one is SIGKILLed while the helper hands over pipes: the helper exits
    // with it (a zombie of an init that does not reap counts as gone). They run the
    // built module (turbo builds the package before its tests).
    const built = new URL("../../dist/helper/spawn-helper.js", import.meta.url).href;
    const server = (kill: boolean) => `
      const { SpawnHelper } = await import(${JSON.stringify(built)});
      const helper = new SpawnHelper();
      const group = await helper.spawn("/bin/sh", ["-c", "exit 0"], { cwd: "/", env: process.env });
      await group.exited;
      console.log(helper.pid);
      // Killed while the helper is handing over the pipes of these: its handle messages wait for
      // acknowledgements that never come.
      ${kill ? 'for (let i = 0; i < 20; i++) helper.spawn("/bin/sh", ["-c", "read -r x <&3"], { cwd: "/", env: process.env }); setInterval(() => {}, 1000);' : ""}`;
    const start = (kill: boolean) =>
      spawn(process.execPath, ["--input-type=module", "-e", server(kill)], {
        stdio: ["ignore", "pipe", "inherit"],
      });
    expect(HELPER_SCRIPT).toContain("disconnect");
    for (const kill of [false, true]) {
      const child = start(kill);
      const out = text(child.stdout!);
      const helperPid = Number(
        (
          await new Promise<string>((resolve) => child.stdout!.once("data", (d) => resolve(String(d))))
        ).trim(),
      );
      expect(helperPid).toBeGreaterThan(0);
      leftovers.pid(helperPid);
      if (kill) child.kill("SIGKILL");
      const exited = await new Promise<number | null>((resolve) =>
        child.once("exit", (code) => resolve(code)),
      );
      if (!kill) expect(exited).toBe(0);
      await out;
      expect(await waitFor(() => !isRunning(helperPid))).toBe(true);
    }
  });
});
