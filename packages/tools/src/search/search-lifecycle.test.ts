// grep/glob never stall the server: rg runs in its own process group with the session marker, is
// killed on cancel, on session close and at the deadline, and other sessions keep being answered.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { findMarkedProcesses } from "@boris-mcp/process-group";
import type { Session } from "@boris-mcp/session";
import { afterEach, describe, expect, it } from "vitest";
import {
  connect,
  errorOf,
  type Harness,
  okText,
  removeDir,
  tempDir,
  testConfig,
} from "../test/file-support.js";

const dirs: string[] = [];
const harnesses: Harness[] = [];
const writers: ChildProcess[] = [];

afterEach(async () => {
  for (const w of writers.splice(0)) {
    try {
      if (w.pid) process.kill(-w.pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
  await Promise.all(harnesses.splice(0).map((h) => h.close()));
  await Promise.all(dirs.splice(0).map((d) => removeDir(d)));
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // A zombie is dead for our purposes (its parent has not reaped it yet).
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

function comm(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return "";
  }
}

/** Waits (polling the OS) until the session has a running rg; returns its pid. */
async function rgOf(session: Session): Promise<number> {
  for (let i = 0; i < 500; i++) {
    const pid = findMarkedProcesses(session.marker).find((p) => comm(p) === "rg");
    if (pid) return pid;
    await sleep(20);
  }
  throw new Error("no rg process with the session marker appeared");
}

async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 500; i++) {
    if (!alive(pid)) return true;
    await sleep(20);
  }
  return false;
}

/** A directory with a FIFO fed an endless stream of matching lines (`yes needle`), for every reader. */
async function endlessSource(): Promise<{ root: string; fifo: string }> {
  const root = await tempDir("boris-search-life-");
  dirs.push(root);
  const fifo = path.join(root, "endless.fifo");
  execFileSync("mkfifo", [fifo]);
  const writer = spawn("sh", ["-c", `while :; do yes needle > '${fifo}'; done`], {
    detached: true,
    stdio: "ignore",
  });
  writers.push(writer);
  return { root, fifo };
}

async function harness(root: string, overrides = {}): Promise<Harness> {
  const h = await connect(testConfig(overrides), root);
  harnesses.push(h);
  return h;
}

describe("search processes", () => {
  it("cancelling a request kills its rg process", async () => {
    const { root } = await endlessSource();
    const h = await harness(root);
    const abort = new AbortController();
    // An offset that is never reached: the server reads the endless stream until told to stop.
    const call = h.client
      .callTool(
        {
          name: "grep",
          arguments: { pattern: "needle", path: "endless.fifo", output_mode: "content", offset: 1e12 },
        },
        undefined,
        { signal: abort.signal },
      )
      .then(
        () => "answered",
        () => "rejected",
      );
    const pid = await rgOf(h.session);
    expect(alive(pid)).toBe(true);
    abort.abort();
    expect(await call).toBe("rejected");
    expect(await gone(pid)).toBe(true);
  });

  it("closing the session kills a running search", async () => {
    const { root } = await endlessSource();
    const h = await harness(root);
    const call = h.call("grep", { pattern: "needle", path: "endless.fifo", output_mode: "count", offset: 5 });
    const pid = await rgOf(h.session);
    await h.session.close();
    expect(alive(pid)).toBe(false);
    expect(errorOf(await call, "SESSION_CLOSED")).toContain("closed");
  });

  it("the deadline stops a search that does not finish and says so", async () => {
    const root = await tempDir("boris-search-life-");
    dirs.push(root);
    // No writer: rg blocks opening the FIFO, a stand-in for a search that takes too long.
    execFileSync("mkfifo", [path.join(root, "stuck.fifo")]);
    const h = await harness(root, { searchTimeoutMs: 300 });
    const text = okText(await h.call("grep", { pattern: "x", path: "stuck.fifo", output_mode: "content" }));
    expect(text).toContain("deadline");
    expect(findMarkedProcesses(h.session.marker).filter((p) => comm(p) === "rg")).toEqual([]);
  });

  it("a search that has enough output stops rg early instead of reading everything", async () => {
    const { root } = await endlessSource();
    const h = await harness(root);
    const text = okText(
      await h.call("grep", {
        pattern: "needle",
        path: "endless.fifo",
        output_mode: "content",
        head_limit: 3,
      }),
    );
    expect(text).toBe("endless.fifo:1:needle\nendless.fifo:2:needle\nendless.fifo:3:needle");
    expect(findMarkedProcesses(h.session.marker).filter((p) => comm(p) === "rg")).toEqual([]);
    // Without head_limit the 30000-character cap ends the endless stream too.
    const capped = okText(
      await h.call("grep", { pattern: "needle", path: "endless.fifo", output_mode: "content" }),
    );
    expect(capped).toContain("[Output cut at 30,000 characters");
  });

  it("another session is answered while a huge search runs", async () => {
    const { root } = await endlessSource();
    await writeFile(path.join(root, "small.txt"), "hello\n");
    const busy = await harness(root);
    const other = await harness(root);
    const abort = new AbortController();
    const running = busy.client
      .callTool(
        {
          name: "grep",
          arguments: { pattern: "needle", path: "endless.fifo", output_mode: "content", offset: 1e12 },
        },
        undefined,
        { signal: abort.signal },
      )
      .catch(() => "cancelled");
    const pid = await rgOf(busy.session);
    expect(
      okText(await other.call("grep", { pattern: "hello", path: "small.txt", output_mode: "content" })),
    ).toBe("small.txt:1:hello");
    expect(okText(await other.call("glob", { pattern: "*.txt" }))).toBe("small.txt");
    expect(alive(pid)).toBe(true);
    abort.abort();
    await running;
    expect(await gone(pid)).toBe(true);
  });

  it("a catastrophic-backtracking pattern on a 100k-character line answers (linear-time engine)", async () => {
    const root = await tempDir("boris-search-life-");
    dirs.push(root);
    await mkdir(path.join(root, "d"));
    await writeFile(path.join(root, "d/long.txt"), `${"a".repeat(100_000)}b\n`);
    const h = await harness(root);
    expect(okText(await h.call("grep", { pattern: "(a+)+$" }))).toBe("No files found");
  });
});
