import { Session } from "@boris-mcp/session";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { afterAll, describe, expect, it } from "vitest";
import { createToolConfig } from "./core/tool-config.js";
import { createSessionServer, TOOL_NAMES, toolNamesFor } from "./index.js";
import { removeDir, tempDir, testConfig } from "./test/file-support.js";
import { toolsFor } from "./tool-set.js";

const dir = await tempDir("boris-session-server-");
afterAll(() => removeDir(dir));

describe("createToolConfig", () => {
  it("keeps the plain values and builds the path scope from allowDirs and denyPatterns", async () => {
    const { pathScope: _, ...values } = testConfig({ maxFileSize: 4096 });
    const config = createToolConfig({ ...values, allowDirs: [dir], denyPatterns: ["**/.env"] });
    expect(config).toMatchObject({ maxFileSize: 4096, defaultTimeoutMs: 120_000 });
    expect(config.pathScope.allowDirs).toEqual([dir]);
    expect((await config.pathScope.resolve("a.txt", dir)).ok).toBe(true);
    expect((await config.pathScope.resolve(".env", dir)).ok).toBe(false);
    expect((await config.pathScope.resolve("/etc/hostname", dir)).ok).toBe(false);
  });
});

describe("TOOL_NAMES", () => {
  it("each name --disable-tools accepts leaves out the tool of that name", () => {
    const all = toolsFor(testConfig()).map((t) => t.name);
    for (const name of TOOL_NAMES) {
      expect(all).toContain(name);
      const without = toolsFor(testConfig({ disabledTools: new Set([name]) })).map((t) => t.name);
      expect(without).not.toContain(name);
    }
  });
});

describe("toolNamesFor", () => {
  it("names the tools toolsFor defines, in the same order, for every compat mode and disabled tool", () => {
    for (const anthropicCompat of [false, true]) {
      for (const disabled of [undefined, ...TOOL_NAMES]) {
        const config = testConfig({ anthropicCompat, disabledTools: new Set(disabled ? [disabled] : []) });
        expect(toolNamesFor(config)).toEqual(toolsFor(config).map((t) => t.name));
      }
    }
  });
});

describe("createSessionServer", () => {
  it("serves the enabled tools of one session with the given name, version and instructions", async () => {
    const session = new Session({ workdir: dir });
    const server = createSessionServer(
      { name: "boris-test", version: "9.9.9", instructions: "Working directory: /x" },
      session,
      testConfig({ disabledTools: new Set(["grep"]) }),
    );
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    const client = new Client({ name: "test-client", version: "0.0.0" });
    await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
    try {
      expect(client.getServerVersion()).toMatchObject({ name: "boris-test", version: "9.9.9" });
      expect(client.getInstructions()).toBe("Working directory: /x");
      const names = (await client.listTools()).tools.map((t) => t.name);
      expect(names).toContain("bash");
      expect(names).not.toContain("grep");
      const pwd = await client.callTool({ name: "bash", arguments: { command: "pwd" } });
      expect(pwd.structuredContent).toMatchObject({ exit_code: 0, stdout: `${dir}\n` });
    } finally {
      await client.close();
      await session.close();
    }
  });
});
