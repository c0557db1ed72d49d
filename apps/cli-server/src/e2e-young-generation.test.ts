import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { bash, textOf } from "@boris-mcp/test-support";
import { afterAll, describe, expect, it } from "vitest";
import { MAIN, makeWorkdir, startStdio } from "./test/harness.js";

const workdir = makeWorkdir();
afterAll(() => rmSync(workdir, { recursive: true, force: true }));

const PROBE_LINE = /young-generation-probe new_space=(\d+)/;
/** V8's young generation starts at 1 MB per semi-space (new_space reports both); grown it is 32 MB. */
const UNGROWN_NEW_SPACE = 4 * 1024 * 1024;

describe("the built boris binary keeps V8's young generation at its initial size", () => {
  it("does not grow new space while it reads a big file and a flood of output", async () => {
    // Loaded with --import before the binary: reports the new space's size as the process exits.
    const probe = join(workdir, "probe.mjs");
    writeFileSync(
      probe,
      `import { getHeapSpaceStatistics } from "node:v8";
import { writeSync } from "node:fs";
process.on("exit", () => {
  const space = getHeapSpaceStatistics().find((s) => s.space_name === "new_space");
  writeSync(2, "young-generation-probe new_space=" + space.space_size + "\\n");
});
`,
    );
    writeFileSync(
      join(workdir, "lines.txt"),
      Array.from({ length: 200_000 }, (_, i) => `line ${i}`).join("\n"),
    );
    const run = await startStdio([], {
      commandArgs: ["--import", pathToFileURL(probe).href, MAIN, "--workdir", workdir],
    });
    try {
      for (let i = 0; i < 5; i++) {
        const viewed = await run.client.callTool({
          name: "view",
          arguments: { path: "lines.txt", view_range: [199_990, 200_000] },
        });
        expect(textOf(viewed)).toContain("line 199999");
        expect((await bash(run.client, "seq 1 400000 | tail -n 1")).text).toContain("400000");
        expect((await bash(run.client, "seq 1 400000")).text).toContain("400000");
      }
    } finally {
      run.child.stdin!.end();
      await run.exited;
    }
    const reported = PROBE_LINE.exec(run.stderr());
    expect(reported, run.stderr()).not.toBeNull();
    expect(Number(reported![1])).toBeLessThanOrEqual(UNGROWN_NEW_SPACE);
  });
});
