// rg's CPU priority, asked of the OS for the running processes: a lone search runs at the server's
// niceness; a search started while another is running runs RG_NICENESS lower, from its first
// instruction.
import { readFileSync } from "node:fs";
import { getPriority } from "node:os";
import { findMarkedProcesses } from "@boris-mcp/process-group";
import { describe, expect, it } from "vitest";
import { testConfig } from "../test/file-support.js";
import { comm, endlessSource, gone, rgOf } from "../test/rg-processes.js";
import { searchFixture } from "../test/search-support.js";
import { RG_NICENESS } from "./rg-priority.js";
import { setSearchConcurrency } from "./rg-slots.js";

const { folder, serve } = searchFixture("boris-rg-priority-");

/** The niceness of `pid`, from /proc/<pid>/stat (field 19). */
function niceOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);
}

describe("rg's CPU priority", () => {
  it("is the server's for a lone search, and RG_NICENESS lower for one started while another runs", async () => {
    const { root, rgPath } = await endlessSource(folder);
    const config = testConfig({ rgPath });
    setSearchConcurrency(config, 2);
    const a = await serve(config, root);
    const b = await serve(config, root);
    const abort = new AbortController();
    const search = (h: typeof a) =>
      h.client
        .callTool({ name: "grep", arguments: { pattern: "needle" } }, undefined, { signal: abort.signal })
        .catch(() => "cancelled");
    const first = search(a);
    const lone = await rgOf(a.session);
    expect(niceOf(lone)).toBe(getPriority());
    const second = search(b);
    const crowded = await rgOf(b.session);
    expect(niceOf(crowded)).toBe(Math.min(19, getPriority() + RG_NICENESS));
    // Every process of the lowered search's group has the lowered niceness.
    for (const pid of findMarkedProcesses(b.session.marker)) {
      if (comm(pid) === "rg") expect(niceOf(pid)).toBe(niceOf(crowded));
    }
    abort.abort();
    expect(await first).toBe("cancelled");
    expect(await second).toBe("cancelled");
    expect(await gone(lone)).toBe(true);
    expect(await gone(crowded)).toBe(true);
  });
});
