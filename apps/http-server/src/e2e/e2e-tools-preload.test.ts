// The tools' code is loaded once the first session is open, before any tool call, and not at
// start-up (where the first initialize would wait for it).
import { waitUntil } from "@boris-mcp/test-support";
import { describe, expect, it } from "vitest";
import { connect, startServer } from "../test/harness.js";

function records(stderr: string): { msg: string; method?: string }[] {
  return stderr
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as { msg: string; method?: string });
}

function messages(stderr: string): string[] {
  return records(stderr).map((r) => r.msg);
}

describe("boris-http loads the tools' code after the first initialize", () => {
  it("logs 'tools loaded' after the first session opened, with no tool called", async () => {
    const server = await startServer(["--log-level", "debug", "--log-format", "json"]);
    try {
      const { client } = await connect(server.url);
      await waitUntil("the tools to be loaded", () => messages(server.stderr()).includes("tools loaded"));
      const msgs = messages(server.stderr());
      expect(msgs.indexOf("session opened")).toBeGreaterThanOrEqual(0);
      expect(msgs.indexOf("tools loaded")).toBeGreaterThan(msgs.indexOf("session opened"));
      expect(records(server.stderr()).filter((r) => r.method === "tools/call")).toEqual([]);
      expect(msgs.filter((m) => m === "tools loaded")).toHaveLength(1);
      // A second session does not load them again.
      const second = await connect(server.url);
      await second.client.close();
      await client.close();
      expect(messages(server.stderr()).filter((m) => m === "tools loaded")).toHaveLength(1);
    } finally {
      await server.stop();
    }
  });
});
