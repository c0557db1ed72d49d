import { EventEmitter } from "node:events";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ServerLifecycle, type ServerLifecycleOptions, SHUTDOWN_MARGIN_MS } from "./server-lifecycle.js";

/** A stand-in for `process`: events are emitted by the test, exits are recorded. */
class FakeHost extends EventEmitter {
  readonly exits: number[] = [];
  exit(code: number): void {
    this.exits.push(code);
  }
}

function recordingLogger() {
  const lines: { level: string; fields: object; message: string }[] = [];
  const at =
    (level: string) =>
    (fields: object, message: string): void => {
      lines.push({ level, fields, message });
    };
  return { lines, info: at("info"), warn: at("warn"), error: at("error"), fatal: at("fatal") };
}

interface Setup {
  readonly host: FakeHost;
  readonly lifecycle: ServerLifecycle;
  readonly logger: ReturnType<typeof recordingLogger>;
  readonly killNow: ReturnType<typeof vi.fn<() => number>>;
  /** Settles the close the lifecycle is waiting on. */
  finishClose(): void;
  readonly closeCalls: () => number;
}

function setup(overrides: Partial<ServerLifecycleOptions> = {}): Setup {
  const host = new FakeHost();
  const logger = recordingLogger();
  const killNow = vi.fn(() => 3);
  let calls = 0;
  let finish = () => {};
  const lifecycle = new ServerLifecycle({
    logger,
    graceMs: 5000,
    killNow,
    sweepOrphans: async () => 0,
    host,
    close: () => {
      calls++;
      return new Promise<void>((resolve) => {
        finish = resolve;
      });
    },
    ...overrides,
  });
  lifecycle.start("test ready", { version: "1" });
  return { host, lifecycle, logger, killNow, finishClose: () => finish(), closeCalls: () => calls };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("ServerLifecycle", () => {
  it("logs the ready line with its fields", () => {
    const { logger } = setup();
    expect(logger.lines[0]).toEqual({ level: "info", fields: { version: "1" }, message: "test ready" });
  });

  it.each(["SIGINT", "SIGTERM", "SIGHUP"])("closes once on %s, then exits 0", async (signal) => {
    const s = setup();
    s.host.emit(signal);
    expect(s.lifecycle.shuttingDown).toBe(true);
    expect(s.logger.lines).toContainEqual({
      level: "info",
      fields: { reason: signal },
      message: "shutting down",
    });
    expect(s.host.exits).toEqual([]);
    s.finishClose();
    await vi.runAllTimersAsync();
    expect(s.host.exits).toEqual([0]);
    expect(s.closeCalls()).toBe(1);
    expect(s.killNow).not.toHaveBeenCalled();
  });

  it("shares one close between every caller", async () => {
    const s = setup();
    const first = s.lifecycle.shutdown("stdin ended");
    const second = s.lifecycle.shutdown("transport closed");
    expect(second).toBe(first);
    s.finishClose();
    await first;
    expect(s.closeCalls()).toBe(1);
    expect(s.host.exits).toEqual([0]);
  });

  it("kills everything and exits 1 when a termination signal arrives during the close", async () => {
    const s = setup();
    void s.lifecycle.shutdown("stdin ended");
    s.killNow.mockReturnValueOnce(3).mockReturnValueOnce(1).mockReturnValueOnce(0);
    s.host.emit("SIGTERM");
    s.host.emit("SIGINT"); // a third signal changes nothing
    // Scans and kills again until a scan finds nothing left, then exits.
    await vi.runAllTimersAsync();
    expect(s.killNow).toHaveBeenCalledTimes(3);
    expect(s.host.exits).toEqual([1]);
    expect(s.logger.lines).toContainEqual({
      level: "warn",
      fields: { reason: "SIGTERM during shutdown", killed: 3 },
      message: "killed every process of this server",
    });
    // The orderly close finishing afterwards changes nothing.
    s.finishClose();
    await vi.runAllTimersAsync();
    expect(s.host.exits).toEqual([1]);
  });

  it("kills the sessions' groups and marked processes at once, and exits once they are gone", async () => {
    let sessionsGone = () => {};
    const killSessionsNow = vi.fn(() => new Promise<void>((resolve) => (sessionsGone = resolve)));
    const s = setup({ killSessionsNow });
    s.killNow.mockReturnValue(0);
    void s.lifecycle.shutdown("stdin ended");
    s.host.emit("SIGTERM");
    expect(killSessionsNow).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(s.host.exits).toEqual([]);
    sessionsGone();
    await vi.runAllTimersAsync();
    expect(s.host.exits).toEqual([1]);
  });

  it("lets the kill-now loop make the exit even when the orderly close ends first", async () => {
    const s = setup();
    void s.lifecycle.shutdown("stdin ended");
    s.killNow.mockReturnValueOnce(2).mockReturnValueOnce(1).mockReturnValue(0);
    s.host.emit("SIGTERM");
    s.finishClose(); // the group the close waited for died of the SIGKILL
    await vi.advanceTimersByTimeAsync(0);
    expect(s.host.exits).toEqual([]);
    await vi.runAllTimersAsync();
    expect(s.host.exits).toEqual([1]);
  });

  it("kills everything and exits 1 when the close overruns the grace plus the margin", async () => {
    const s = setup();
    void s.lifecycle.shutdown("SIGTERM");
    await vi.advanceTimersByTimeAsync(5000 + SHUTDOWN_MARGIN_MS - 1);
    expect(s.host.exits).toEqual([]);
    s.killNow.mockReturnValue(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(s.killNow).toHaveBeenCalledTimes(1);
    expect(s.host.exits).toEqual([1]);
  });

  it("exits 1 after an uncaught exception, once the close is done", async () => {
    const s = setup();
    s.host.emit("uncaughtException", new Error("boom"));
    expect(s.logger.lines.some((l) => l.level === "fatal" && l.message === "unexpected error")).toBe(true);
    s.finishClose();
    await vi.runAllTimersAsync();
    expect(s.host.exits).toEqual([1]);
  });

  it("exits 1 when the close fails", async () => {
    const s = setup({ close: async () => Promise.reject(new Error("no /proc")) });
    await s.lifecycle.shutdown("SIGINT");
    expect(s.host.exits).toEqual([1]);
    expect(s.logger.lines.some((l) => l.level === "error" && l.message === "closing failed")).toBe(true);
  });

  it("reports the processes of dead servers it swept at start, and nothing when there were none", async () => {
    const swept = setup({ sweepOrphans: async () => 2 });
    const clean = setup();
    await vi.runAllTimersAsync();
    expect(swept.logger.lines).toContainEqual({
      level: "warn",
      fields: { killed: 2 },
      message: "killed 2 processes left by servers that no longer exist",
    });
    expect(clean.logger.lines.filter((l) => l.level === "warn")).toEqual([]);
  });
});
