// rg runs at a lower CPU priority than the server (niceness + RG_NICENESS), from its first
// instruction: asked of the OS for the running process.
import { readFileSync } from "node:fs";
import { getPriority } from "node:os";
import { describe, expect, it } from "vitest";
import { testConfig } from "../test/file-support.js";
import { endlessSource, gone, rgOf } from "../test/rg-processes.js";
import { searchFixture } from "../test/search-support.js";
import { RG_NICENESS } from "./rg-priority.js";

const { folder, serve } = searchFixture("boris-rg-priority-");

/** The niceness of `pid`, from /proc/<pid>/stat (field 19). */
function niceOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);
}

describe("rg's CPU priority", () => {
  it("is the server's niceness plus RG_NICENESS", async () => {
    const { root, rgPath } = await endlessSource(folder);
    const h = await serve(testConfig({ rgPath }), root);
    const abort = new AbortController();
    const call = h.client
      .callTool({ name: "grep", arguments: { pattern: "needle" } }, undefined, { signal: abort.signal })
      .catch(() => "cancelled");
    const pid = await rgOf(h.session);
    expect(niceOf(pid)).toBe(Math.min(19, getPriority() + RG_NICENESS));
    expect(niceOf(process.pid)).toBe(getPriority());
    abort.abort();
    expect(await call).toBe("cancelled");
    expect(await gone(pid)).toBe(true);
  });
});
