import { readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { bash, isRunning, textOf, waitUntil } from "@boris-mcp/test-support";
import { McpError } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, describe, expect, it } from "vitest";
import { makeWorkdir, startStdio } from "./test/harness.js";

const workdir = makeWorkdir();
afterAll(() => rmSync(workdir, { recursive: true, force: true }));

describe("boris over stdio: messages as big as --max-file-size allows", () => {
  it("creates a file of 7.2 MB of newlines, a 10.8 MB line of JSON, under the default 10MB limit", async () => {
    const run = await startStdio([], { workdir });
    try {
      const content = "a\n".repeat(3_600_000);
      const created = await run.client.callTool({
        name: "create_file",
        arguments: { path: "big.txt", content },
      });
      expect(created.isError).toBeFalsy();
      expect(textOf(created)).toContain("big.txt");
      expect(statSync(join(workdir, "big.txt")).size).toBe(content.length);
      expect(readFileSync(join(workdir, "big.txt"), "utf8") === content).toBe(true);
      // the same session answers the next call
      expect((await bash(run.client, "echo still here")).text).toContain("still here");
    } finally {
      run.child.stdin!.end();
      await run.exited;
    }
  });

  it("answers a line over the limit with a JSON-RPC error naming the limit, and the session goes on", async () => {
    // --max-file-size 1MB: lines up to 3 MiB are read; this request is a 4 MB line.
    const run = await startStdio(["--max-file-size", "1MB"], { workdir });
    try {
      const task = await bash(run.client, "exec sleep 300", { run_in_background: true });
      const daemon = await bash(
        run.client,
        "setsid sh -c 'echo $$; exec sleep 300' > daemon.pid 2>/dev/null < /dev/null & sleep 0.2; cat daemon.pid",
      );
      const daemonPid = Number(String(daemon.structured!.stdout).trim());
      expect(isRunning(daemonPid)).toBe(true);
      const refused = await run.client
        .callTool({ name: "create_file", arguments: { path: "huge.txt", content: "x".repeat(4_000_000) } })
        .then(
          () => undefined,
          (err: unknown) => err,
        );
      expect(refused).toBeInstanceOf(McpError);
      expect((refused as McpError).code).toBe(-32600);
      expect((refused as McpError).message).toContain("4000");
      expect((refused as McpError).message).toContain("--max-file-size");
      expect(run.stderr()).toContain("request too large");
      // the session, its cwd and its task are all still there
      expect((await bash(run.client, "echo alive")).text).toContain("alive");
      const output = await run.client.callTool({
        name: "task_output",
        arguments: { task_id: String(task.structured!.task_id) },
      });
      expect(textOf(output)).toContain("running");
      // and ending stdin still runs the one orderly shutdown
      run.child.stdin!.end();
      expect((await run.exited).code).toBe(0);
      await waitUntil("the daemon to be gone", () => !isRunning(daemonPid));
      expect(run.processes()).toEqual([]);
    } finally {
      run.child.kill("SIGKILL");
    }
  });
});
