import { CallToolResultSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { connect, errorOf, type Harness, removeDir, tempDir, testConfig } from "../test/file-support.js";
import { quoted } from "./errors.js";

let dir: string;
let h: Harness;

beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await removeDir(dir);
});
afterEach(async () => {
  await h?.close();
});

describe("tools/call argument handling", () => {
  it.each([
    ["null", null],
    ["array", [1, 2]],
    ["string", "view /etc/passwd"],
    ["number", 42],
    ["boolean", true],
  ])("answers INVALID_INPUT when arguments is a %s", async (type, args) => {
    h = await connect(testConfig(), dir);
    const result = await h.client.request(
      { method: "tools/call", params: { name: "view", arguments: args as never } },
      CallToolResultSchema,
    );
    expect(errorOf(result, "INVALID_INPUT")).toBe(
      `view: 'arguments' must be an object of named arguments, got ${type}. Call view with e.g. {"path": …}.`,
    );
  });

  it("names a missing required argument and an unknown tool", async () => {
    h = await connect(testConfig(), dir);
    expect(errorOf(await h.call("view", {}), "INVALID_INPUT")).toBe(
      "view: missing required argument 'path' (string). Fix the arguments and call again.",
    );
    expect(errorOf(await h.call("no_such_tool", {}), "INVALID_INPUT")).toMatch(
      /^unknown tool 'no_such_tool'\. Available tools: .*view/,
    );
  });
});

describe("tools/list", () => {
  it.each([false, true])(
    "every tool has a top-level title and portable input schemas (compat %s)",
    async (anthropicCompat) => {
      h = await connect(testConfig({ anthropicCompat }), dir);
      const { tools } = await h.client.listTools();
      expect(tools.length).toBeGreaterThan(5);
      for (const tool of tools) {
        expect(tool.title, tool.name).toBeTruthy();
        expect(tool.title, tool.name).toBe(tool.annotations?.title);
        expect(JSON.stringify(tool.inputSchema), tool.name).not.toContain("additionalProperties");
      }
    },
  );
});

describe("quoted", () => {
  it("keeps short values and shortens long ones in the middle", () => {
    expect(quoted("abc")).toBe('"abc"');
    const long = `${"a".repeat(150)}${"b".repeat(1000)}${"c".repeat(150)}`;
    expect(quoted(long)).toBe(`"${"a".repeat(100)}"…(1100 more characters)…"${"c".repeat(100)}"`);
  });
});
