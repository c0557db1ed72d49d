import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger, formatTextLine } from "./logger.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function logFile() {
  const dir = mkdtempSync(join(tmpdir(), "boris-log-"));
  dirs.push(dir);
  const path = join(dir, "log");
  return { path, fd: openSync(path, "w") };
}

describe("createLogger", () => {
  it("writes one text line per record at or above the level", () => {
    const { path, fd } = logFile();
    const log = createLogger({ name: "boris", level: "info", format: "text", fd });
    log.debug("hidden");
    log.info({ sessions: 2, path: "/a b" }, "session opened");
    log.error({ err: new Error("boom") }, "failed");
    closeSync(fd);
    const lines = readFileSync(path, "utf8").split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /^\d{4}-\d\d-\d\dT[\d:.]+Z INFO {2}boris: session opened sessions=2 path="\/a b"$/,
    );
    expect(lines[1]).toMatch(/ ERROR boris: failed err="boom"$/);
    expect(lines[2]).toBe("");
  });

  it("writes JSON records with a level label in json format", () => {
    const { path, fd } = logFile();
    const log = createLogger({ name: "boris-http", level: "debug", format: "json", fd });
    log.debug({ id: "x" }, "hello");
    closeSync(fd);
    const record = JSON.parse(readFileSync(path, "utf8"));
    expect(record).toMatchObject({ level: "debug", name: "boris-http", id: "x", msg: "hello" });
    expect(typeof record.time).toBe("string");
    expect(record.pid).toBeUndefined();
  });

  it("writes an error field with its type, message and stack, and survives a cycle", () => {
    const { path, fd } = logFile();
    const log = createLogger({ name: "boris", level: "info", format: "json", fd });
    const cyclic: Record<string, unknown> = { n: 1n };
    cyclic.self = cyclic;
    log.error({ err: new TypeError("bad"), cyclic }, "failed");
    closeSync(fd);
    const record = JSON.parse(readFileSync(path, "utf8"));
    expect(record.err).toMatchObject({ type: "TypeError", message: "bad" });
    expect(record.err.stack).toContain("TypeError: bad");
    expect(record.cyclic).toEqual({ n: "1", self: "[Circular]" });
    expect(record).toMatchObject({ level: "error", name: "boris", msg: "failed" });
  });

  it("reports a broken descriptor once and stops writing", () => {
    const { fd } = logFile();
    closeSync(fd);
    const seen: string[] = [];
    const log = createLogger({
      name: "b",
      level: "info",
      format: "text",
      fd,
      onBroken: (e) => seen.push(e.code!),
    });
    log.info("one");
    log.info("two");
    expect(seen).toEqual(["EBADF"]);
  });
});

describe("formatTextLine", () => {
  it("passes through what is not JSON", () => {
    expect(formatTextLine("plain")).toBe("plain\n");
  });
});
