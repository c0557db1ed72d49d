// grep/glob never stall the server: rg runs in its own process group with the session marker, is
// killed on cancel, on session close and at the deadline, and other sessions keep being answered.
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { findMarkedProcesses } from "@boris-mcp/process-group";
import { isRunning } from "@boris-mcp/test-support";
import { describe, expect, it } from "vitest";
import { errorOf, okText, testConfig } from "../test/file-support.js";
import { comm, endlessSource as endlessIn, gone, rgOf } from "../test/rg-processes.js";
import { searchFixture } from "../test/search-support.js";

const { folder, serve } = searchFixture("boris-search-life-");
const endlessSource = () => endlessIn(folder);
const harness = (root: string, overrides = {}) => serve(testConfig(overrides), root);

describe("search processes", () => {
  it("cancelling a request kills its rg process", async () => {
    const { root, rgPath } = await endlessSource();
    const h = await harness(root, { rgPath });
    const abort = new AbortController();
    const call = h.client
      .callTool(
        {
          name: "grep",
          arguments: { pattern: "needle", output_mode: "content", offset: 1e12 },
        },
        undefined,
        { signal: abort.signal },
      )
      .then(
        () => "answered",
        () => "rejected",
      );
    const pid = await rgOf(h.session);
    expect(isRunning(pid)).toBe(true);
    abort.abort();
    expect(await call).toBe("rejected");
    expect(await gone(pid)).toBe(true);
  });

  it("closing the session kills a running search", async () => {
    const { root, rgPath } = await endlessSource();
    const h = await harness(root, { rgPath });
    const call = h.call("grep", { pattern: "needle", output_mode: "count", offset: 5 });
    const pid = await rgOf(h.session);
    await h.session.close();
    expect(isRunning(pid)).toBe(false);
    expect(errorOf(await call, "SESSION_CLOSED")).toContain("closed");
  });

  it("the deadline stops a search that does not finish and says so", async () => {
    const { root, rgPath } = await endlessSource();
    const h = await harness(root, { searchTimeoutMs: 300, rgPath });
    const text = okText(await h.call("grep", { pattern: "x", output_mode: "count" }));
    expect(text).toContain("deadline");
    expect(findMarkedProcesses(h.session.marker).filter((p) => comm(p) === "rg")).toEqual([]);
  });

  it("a search that has enough output stops rg early instead of reading everything", async () => {
    const { root, rgPath } = await endlessSource();
    const h = await harness(root, { rgPath });
    // A single file's lines come in order: rg is stopped once the page (and the store kept for
    // later pages, which is bounded) is full.
    const text = okText(
      await h.call("grep", {
        pattern: "needle",
        path: "endless.txt",
        output_mode: "content",
        head_limit: 3,
      }),
    );
    expect(text).toMatch(
      /^endless\.txt:1:needle\nendless\.txt:2:needle\nendless\.txt:3:needle\n\n\[Showing lines 1-3 of more than \d+\. Call again with offset=3 \(and head_limit=3\) to see more\.\]$/,
    );
    expect(findMarkedProcesses(h.session.marker).filter((p) => comm(p) === "rg")).toEqual([]);
    // Without head_limit the 30000-character cap ends the endless stream too.
    const capped = okText(
      await h.call("grep", { pattern: "needle", path: "endless.txt", output_mode: "content" }),
    );
    expect(capped).toContain("[Output cut at 30,000 characters");
    // A later page is read again past what was kept, still in order.
    const later = okText(
      await h.call("grep", {
        pattern: "needle",
        path: "endless.txt",
        output_mode: "content",
        offset: 1_000_000,
        head_limit: 2,
      }),
    );
    expect(later.split("\n\n")[0]).toBe("endless.txt:1000001:needle\nendless.txt:1000002:needle");
  });

  it("another session is answered while a huge search runs", async () => {
    const { root, rgPath } = await endlessSource();
    await writeFile(path.join(root, "small.txt"), "hello\n");
    const busy = await harness(root, { rgPath });
    const other = await harness(root);
    const abort = new AbortController();
    const running = busy.client
      .callTool(
        {
          name: "grep",
          arguments: { pattern: "needle", output_mode: "content", offset: 1e12 },
        },
        undefined,
        { signal: abort.signal },
      )
      .catch(() => "cancelled");
    const pid = await rgOf(busy.session);
    expect(
      okText(await other.call("grep", { pattern: "hello", path: "small.txt", output_mode: "content" })),
    ).toBe("small.txt:1:hello");
    expect(okText(await other.call("glob", { pattern: "small.*" }))).toBe("small.txt");
    expect(isRunning(pid)).toBe(true);
    abort.abort();
    await running;
    expect(await gone(pid)).toBe(true);
  });

  it("a catastrophic-backtracking pattern on a 100k-character line answers (linear-time engine)", async () => {
    const root = await folder();
    await mkdir(path.join(root, "d"));
    await writeFile(path.join(root, "d/long.txt"), `${"a".repeat(100_000)}b\n`);
    const h = await harness(root);
    expect(okText(await h.call("grep", { pattern: "(a+)+$" }))).toBe("No files found");
  });
});
