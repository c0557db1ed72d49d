import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { Leftovers } from "./cleanup.js";
import { markedPids, markedProcesses, markerOf, processesWithEnv } from "./environ.js";
import { waitFor } from "./wait.js";

const leftovers = new Leftovers();
const byNumber = (a: number, b: number) => a - b;
afterEach(() => leftovers.cleanup());

/** `sleep 300` with `env` added to its environment, once the exec has happened (environ is sleep's). */
async function sleeper(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn("sleep", ["300"], { env: { ...process.env, ...env }, stdio: "ignore" });
  leftovers.pid(child.pid!);
  await new Promise((resolve) => child.once("spawn", resolve));
  return child;
}

async function kill(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
}

describe("processesWithEnv", () => {
  it("finds the running processes with an exact entry, and not once they are gone", async () => {
    const run = randomBytes(6).toString("hex");
    const a = await sleeper({ TEST_SUPPORT_RUN: run });
    const b = await sleeper({ TEST_SUPPORT_RUN: run });
    await sleeper({ TEST_SUPPORT_RUN: `${run}x` });
    expect(await waitFor(() => processesWithEnv(`TEST_SUPPORT_RUN=${run}`).length === 2)).toBe(true);
    expect(processesWithEnv(`TEST_SUPPORT_RUN=${run}`).sort(byNumber)).toEqual(
      [a.pid!, b.pid!].sort(byNumber),
    );
    await kill(a);
    expect(processesWithEnv(`TEST_SUPPORT_RUN=${run}`)).toEqual([b.pid!]);
  });
});

describe("session markers", () => {
  it("finds processes by BORIS_SESSION value and prefix, and reads one's marker", async () => {
    const server = randomBytes(6).toString("hex");
    const one = await sleeper({ BORIS_SESSION: `${server}.one` });
    const two = await sleeper({ BORIS_SESSION: `${server}.two` });
    expect(await waitFor(() => markedPids(`${server}.`).length === 2)).toBe(true);
    expect(markedPids(`${server}.`).sort(byNumber)).toEqual([one.pid!, two.pid!].sort(byNumber));
    expect(markedProcesses()).toContainEqual({ pid: one.pid!, marker: `${server}.one` });
    expect(markedPids(`${server}.t`)).toEqual([two.pid!]);
    expect(markedPids()).toEqual(expect.arrayContaining([one.pid!, two.pid!]));
    expect(markerOf(two.pid!)).toBe(`${server}.two`);
    await kill(two);
    expect(markedPids(`${server}.`)).toEqual([one.pid!]);
    expect(markerOf(two.pid!)).toBeUndefined();
  });

  it("counts every value of a repeated BORIS_SESSION", async () => {
    const server = randomBytes(6).toString("hex");
    // execve takes any environment block; python's ctypes hands it one that repeats a variable.
    const exec = `import ctypes; libc = ctypes.CDLL(None)
argv = (ctypes.c_char_p * 3)(b"sleep", b"300", None)
envp = (ctypes.c_char_p * 3)(b"BORIS_SESSION=${server}.a", b"BORIS_SESSION=${server}.b", None)
libc.execve(b"/bin/sleep", argv, envp)`;
    const child = spawn("python3", ["-c", exec], { stdio: "ignore" });
    leftovers.pid(child.pid!);
    expect(await waitFor(() => markedPids(`${server}.b`).length === 1)).toBe(true);
    expect(markedPids(`${server}.a`)).toEqual([child.pid!]);
    expect(markedPids(`${server}.`)).toEqual([child.pid!]);
    expect(markerOf(child.pid!)).toBe(`${server}.a`);
  });
});
