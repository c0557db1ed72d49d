// --log-format json on the built `boris`: stderr carries one JSON object per line, with a line per
// tool call naming the tool (and the error code of a failed call); stdout stays protocol only.
import { bash } from "@boris-mcp/test-support";
import { describe, expect, it } from "vitest";
import { makeWorkdir, startStdio } from "./test/harness.js";

describe("boris --log-format json", () => {
  it("logs each tool call as a JSON line with the tool and its error type", async () => {
    const run = await startStdio(["--log-format", "json"], { workdir: makeWorkdir() });
    try {
      await bash(run.client, "true");
      await run.client.callTool({ name: "view", arguments: { path: "nope.txt" } });
    } finally {
      run.child.stdin!.end();
      await run.exited;
    }
    const lines = run
      .stderr()
      .split("\n")
      .filter((l) => l !== "");
    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.find((r) => r.msg === "boris ready on stdio")).toMatchObject({
      level: "info",
      name: "boris",
    });
    const calls = records.filter((r) => r.msg === "tool call");
    expect(calls.map(({ tool, error }) => ({ tool, error }))).toEqual([
      { tool: "bash", error: undefined },
      { tool: "view", error: "PATH_NOT_FOUND" },
    ]);
    for (const call of calls) {
      expect(typeof call.ms).toBe("number");
      expect(typeof call.time).toBe("string");
    }
  });
});
