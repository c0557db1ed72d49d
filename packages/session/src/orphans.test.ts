import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { processIdentity } from "@boris-mcp/process-group";
import { isRunning, waitFor } from "@boris-mcp/test-support";
import { afterEach, describe, expect, it } from "vitest";
import { MARKER_NAME } from "./marker-name.js";
import {
  killProcessesOfThisServer,
  markerOwner,
  SERVER_IDENTITY,
  sweepOrphanedProcesses,
} from "./orphans.js";
import { Session } from "./session.js";

const started: number[] = [];

/** A detached `sleep` carrying `env`, outside any group we track. */
function startSleeper(env: Record<string, string> = {}): number {
  const child = spawn("sleep", ["1000"], {
    detached: true,
    stdio: "ignore",
    env: { ...process.env, ...env },
  });
  child.unref();
  started.push(child.pid!);
  return child.pid!;
}

afterEach(() => {
  for (const pid of started.splice(0)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {}
  }
});

describe.runIf(process.platform === "linux")("sweepOrphanedProcesses", () => {
  it("kills processes whose owning server is gone and spares live owners and foreign values", async () => {
    const deadServer = startSleeper();
    const deadIdentity = processIdentity(deadServer)!;
    const orphan = startSleeper({ [MARKER_NAME]: `${deadIdentity}.abc123` });
    const ours = startSleeper({ [MARKER_NAME]: `${SERVER_IDENTITY}.def456` });
    const foreign = startSleeper({ [MARKER_NAME]: "not-a-boris-marker" });
    process.kill(deadServer, "SIGKILL");
    expect(await waitFor(() => !isRunning(deadServer))).toBe(true);

    const killed = await sweepOrphanedProcesses();

    // At least ours: orphans of other dead servers on this machine may be swept too.
    expect(killed).toBeGreaterThanOrEqual(1);
    expect(await waitFor(() => !isRunning(orphan))).toBe(true);
    expect(isRunning(ours)).toBe(true);
    expect(isRunning(foreign)).toBe(true);
  });

  it("spares a process that also carries a marker of a live server", async () => {
    const deadServer = startSleeper();
    const deadIdentity = processIdentity(deadServer)!;
    process.kill(deadServer, "SIGKILL");
    expect(await waitFor(() => !isRunning(deadServer))).toBe(true);
    // execve takes any environment block; python's ctypes hands it one that repeats the marker.
    const exec = `import ctypes; libc = ctypes.CDLL(None)
argv = (ctypes.c_char_p * 3)(b"sleep", b"1000", None)
envp = (ctypes.c_char_p * 3)(b"${MARKER_NAME}=${deadIdentity}.x", b"${MARKER_NAME}=${SERVER_IDENTITY}.y", None)
libc.execve(b"/bin/sleep", argv, envp)`;
    const both = spawn("python3", ["-c", exec], { detached: true, stdio: "ignore" });
    both.unref();
    started.push(both.pid!);
    const onlyDead = startSleeper({ [MARKER_NAME]: `${deadIdentity}.z` });
    expect(await waitFor(() => readFileSync(`/proc/${both.pid}/comm`, "utf8").trim() === "sleep")).toBe(true);
    await sweepOrphanedProcesses();
    expect(await waitFor(() => !isRunning(onlyDead))).toBe(true);
    expect(isRunning(both.pid!)).toBe(true);
  });

  it("treats a reused pid with another start time as a dead owner", async () => {
    const [pid] = SERVER_IDENTITY.split("-");
    const orphan = startSleeper({ [MARKER_NAME]: `${pid}-1.abc` });
    expect(await sweepOrphanedProcesses()).toBeGreaterThanOrEqual(1);
    expect(await waitFor(() => !isRunning(orphan))).toBe(true);
  });
});

describe.runIf(process.platform === "linux")("killProcessesOfThisServer", () => {
  it("kills this server's marked processes and nothing else", async () => {
    const ours = startSleeper({ [MARKER_NAME]: `${SERVER_IDENTITY}.abc` });
    const otherServer = startSleeper();
    const theirs = startSleeper({ [MARKER_NAME]: `${processIdentity(otherServer)}.def` });
    expect(killProcessesOfThisServer()).toBeGreaterThanOrEqual(1);
    expect(await waitFor(() => !isRunning(ours))).toBe(true);
    expect(isRunning(theirs)).toBe(true);
  });
});

describe("session markers", () => {
  it("start with this server's identity", () => {
    const session = new Session({ workdir: "/" });
    expect(markerOwner(session.marker.value)).toBe(SERVER_IDENTITY);
    expect(session.env[MARKER_NAME]).toBe(session.marker.value);
  });

  it("markerOwner rejects values of another form", () => {
    expect(markerOwner("abc")).toBeUndefined();
    expect(markerOwner(".abc")).toBeUndefined();
    expect(markerOwner("x-1.abc")).toBeUndefined();
    expect(markerOwner("12-34.abc")).toBe("12-34");
  });
});
