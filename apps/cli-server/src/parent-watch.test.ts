import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { currentParentPid, watchParent } from "./parent-watch.js";

describe("currentParentPid", () => {
  it("reads the live parent pid", () => {
    expect(currentParentPid()).toBe(process.ppid);
  });
});

describe("watchParent", () => {
  it("fires once the watched parent is not our parent any more", async () => {
    // Pretend a short-lived process was our parent: once it is no longer the parent, we are told.
    const child = spawn("sleep", ["0.1"]);
    const fired = await new Promise<boolean>((resolve) => {
      watchParent(() => resolve(true), { intervalMs: 20, parentPid: child.pid! });
    });
    expect(fired).toBe(true);
  });

  it("stays quiet while the parent is alive, and stops when asked", async () => {
    let fired = false;
    const stop = watchParent(
      () => {
        fired = true;
      },
      { intervalMs: 10 },
    );
    await new Promise((r) => setTimeout(r, 100));
    stop();
    expect(fired).toBe(false);
  });

  it("does nothing for a process started by init", () => {
    let fired = false;
    const stop = watchParent(
      () => {
        fired = true;
      },
      { parentPid: 1 },
    );
    stop();
    expect(fired).toBe(false);
  });
});
