import { mkdtempSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { finished } from "node:stream/promises";
import { isGone, isRunning, Leftovers, procStat, readPids } from "@boris-mcp/test-support";
import { afterEach, describe, expect, it } from "vitest";
import { collect } from "../test/collect.js";
import { SpawnError, spawnGroup } from "./spawn.js";
import { terminate } from "./terminate.js";

const cwd = tmpdir();
const leftovers = new Leftovers();
afterEach(() => leftovers.cleanup());

describe("spawnGroup", () => {
  it("makes the child the leader of its own process group and session", async () => {
    const group = spawnGroup("sleep", ["1000"], { cwd });
    leftovers.group(group.pgid);
    expect(group.pgid).toBe(group.pid);
    const s = procStat(group.pid);
    expect(s?.pgrp).toBe(group.pid);
    expect(s?.session).toBe(group.pid);
    // Not in the test runner's group: a signal to ours cannot reach it and vice versa.
    expect(procStat(process.pid)?.pgrp).not.toBe(group.pid);
    await terminate(group, { graceMs: 2000 });
  });

  it("gives the child /dev/null as stdin", async () => {
    const group = spawnGroup("sleep", ["1000"], { cwd });
    leftovers.group(group.pgid);
    expect(readlinkSync(`/proc/${group.pid}/fd/0`)).toBe("/dev/null");
    await terminate(group, { graceMs: 2000 });

    // A command that reads stdin sees end-of-file at once instead of hanging.
    const cat = spawnGroup("cat", [], { cwd });
    leftovers.group(cat.pgid);
    const out = collect(cat.pipes.stdout);
    expect(await cat.exited).toEqual({ code: 0, signal: null });
    expect(out.text()).toBe("");
  });

  it("passes extra env over the inherited environment and runs in cwd", async () => {
    const group = spawnGroup("sh", ["-c", 'printf "%s|%s|%s" "$BORIS_TEST_EXTRA" "$PWD" "$PATH"'], {
      cwd,
      env: { BORIS_TEST_EXTRA: "value with spaces" },
    });
    leftovers.group(group.pgid);
    const out = collect(group.pipes.stdout);
    await group.exited;
    await finished(group.pipes.stdout);
    expect(out.text()).toBe(`value with spaces|${cwd}|${process.env.PATH}`);
  });

  it("resolves exited when the leader exits although a background grandchild holds the pipes", async () => {
    const group = spawnGroup("bash", ["-c", "sleep 1000 & echo $!; exit 7"], { cwd });
    leftovers.group(group.pgid);
    const out = collect(group.pipes.stdout);
    const [grandchild] = await readPids(out.text, 1);
    expect(await group.exited).toEqual({ code: 7, signal: null });
    expect(group.exitInfo).toEqual({ code: 7, signal: null });
    expect(isGone(group.pid)).toBe(true);
    // The pipe is still open (the grandchild holds it), yet exited has resolved.
    expect(group.pipes.stdout.readableEnded).toBe(false);
    expect(isRunning(grandchild!)).toBe(true);
    expect(procStat(grandchild!)?.pgrp).toBe(group.pgid);
    await terminate(group.pgid, { graceMs: 2000 });
    expect(isRunning(grandchild!)).toBe(false);
  });

  it("reports a signal death in exitInfo", async () => {
    const group = spawnGroup("sleep", ["1000"], { cwd });
    leftovers.group(group.pgid);
    process.kill(group.pid, "SIGKILL");
    expect(await group.exited).toEqual({ code: null, signal: "SIGKILL" });
  });

  it("throws SpawnError naming a binary that is not on PATH", () => {
    let error: unknown;
    try {
      spawnGroup("boris-no-such-binary", ["x"], { cwd });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SpawnError);
    expect((error as Error).message).toMatch(/^could not start boris-no-such-binary: .*not found on PATH/);
  });

  it("throws SpawnError for a path that does not exist", () => {
    expect(() => spawnGroup("./boris-no-such-file", [], { cwd })).toThrow(
      /could not start \.\/boris-no-such-file: .*does not exist or is not an executable file/,
    );
  });

  it("throws SpawnError naming a missing working directory", () => {
    expect(() => spawnGroup("sh", ["-c", "true"], { cwd: "/boris/no/such/dir" })).toThrow(
      new SpawnError("could not start sh: working directory /boris/no/such/dir does not exist"),
    );
  });

  it("throws SpawnError when the working directory is a file", () => {
    const dir = mkdtempSync(join(tmpdir(), "boris-pg-"));
    const file = join(dir, "plain-file");
    writeFileSync(file, "");
    try {
      expect(() => spawnGroup("sh", ["-c", "true"], { cwd: file })).toThrow(
        `could not start sh: working directory ${file} is not a directory`,
      );
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it("throws SpawnError for arguments node refuses", () => {
    expect(() => spawnGroup("sh", ["a\0b"], { cwd })).toThrow(SpawnError);
  });
});
