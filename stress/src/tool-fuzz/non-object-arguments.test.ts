import { textOf } from "@boris-mcp/test-support";
import { type CallToolResult, McpError } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import { useFuzzServers } from "../harness/fuzz/server.js";

describe("tool calls whose `arguments` is not an object", () => {
  const { serve } = useFuzzServers();

  it("answers `arguments` that are not an object with INVALID_INPUT or the protocol's -32602", async () => {
    const { server, client } = await serve();
    for (const name of [
      "bash",
      "view",
      "str_replace",
      "create_file",
      "grep",
      "glob",
      "task_output",
      "no_such_tool",
    ]) {
      for (const args of [null, [], ["a.txt"], "a.txt", 5, true]) {
        const where = `${name} with arguments ${JSON.stringify(args)}`;
        try {
          const result = (await (
            await client()
          ).callTool({
            name,
            arguments: args as unknown as Record<string, unknown>,
          })) as CallToolResult;
          expect(result.isError, where).toBe(true);
          expect(textOf(result), where).toMatch(/^\[INVALID_INPUT\] \S/);
        } catch (err) {
          // The protocol's own answer to params that break its schema: Invalid params, not a crash dump.
          expect(err instanceof McpError ? err.code : String(err), where).toBe(-32602);
        }
      }
    }
    expect(server.alive()).toBe(true);
  });
});
