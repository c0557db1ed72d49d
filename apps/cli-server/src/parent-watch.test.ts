import { spawn } from "node:child_process";
import { describe, expect, it, vi } from "vitest";
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

  it("stays quiet while the parent is alive, and stops when asked", () => {
    vi.useFakeTimers();
    try {
      const onGone = vi.fn();
      const stop = watchParent(onGone, { intervalMs: 10 });
      vi.advanceTimersByTime(1000); // a hundred checks of the live parent
      expect(onGone).not.toHaveBeenCalled();
      stop();
      expect(vi.getTimerCount()).toBe(0);
      // A parent that is not ours any more would fire at the next check: after stop() there is none.
      const stopOther = watchParent(onGone, { intervalMs: 10, parentPid: process.pid });
      stopOther();
      vi.advanceTimersByTime(1000);
      expect(onGone).not.toHaveBeenCalled();
    } finally {
      vi.useRealTimers();
    }
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
