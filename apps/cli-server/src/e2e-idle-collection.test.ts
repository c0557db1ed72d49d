import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { textOf } from "@boris-mcp/test-support";
import { afterAll, describe, expect, it } from "vitest";
import { makeWorkdir, type StdioRun, startStdio } from "./test/harness.js";

const workdir = makeWorkdir();
afterAll(() => rmSync(workdir, { recursive: true, force: true }));

interface Collection {
  heapBytesBefore: number;
  heapBytesAfter: number;
}

/** The idle collector's debug lines so far (`--log-format json`). */
function collections(run: StdioRun): Collection[] {
  return run
    .stderr()
    .split("\n")
    .filter((line) => line.includes('"collected garbage while idle"'))
    .map((line) => JSON.parse(line) as Collection);
}

describe("the built boris binary collects a search's garbage once it is idle", () => {
  it("runs a full collection after a big grep, which leaves the heap smaller", async () => {
    writeFileSync(
      join(workdir, "lines.txt"),
      Array.from({ length: 200_000 }, (_, i) => `line ${i} of the probe file`).join("\n"),
    );
    const run = await startStdio(["--log-level", "debug", "--log-format", "json"], { workdir });
    try {
      const found = await run.client.callTool({
        name: "grep",
        arguments: { pattern: "probe", output_mode: "content" },
      });
      expect(textOf(found)).toContain("line 0 of the probe file");
      await expect.poll(() => collections(run).length, { timeout: 10_000 }).toBe(1);
      const [collected] = collections(run);
      expect(collected!.heapBytesAfter).toBeLessThan(collected!.heapBytesBefore);
      // Small calls after it do not grow the heap enough to be worth another.
      for (let i = 0; i < 5; i++) await run.client.ping();
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(collections(run)).toHaveLength(1);
    } finally {
      run.child.stdin!.end();
      await run.exited;
    }
  });
});
