import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TOOL_NAMES as CONFIG_TOOL_NAMES, parseOptions } from "@boris-mcp/config";
import { TOOL_NAMES } from "@boris-mcp/tools";
import { afterAll, describe, expect, it } from "vitest";
import { buildToolConfig } from "./tool-config.js";

const dir = realpathSync(mkdtempSync(join(tmpdir(), "boris-toolconfig-")));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function options(argv: string[]) {
  const r = parseOptions({ program: "boris", argv, env: {}, cwd: dir });
  if (r.kind !== "run") throw new Error(JSON.stringify(r));
  return r.options;
}

describe("buildToolConfig", () => {
  it("accepts exactly the tool names the tools package knows", () => {
    expect([...CONFIG_TOOL_NAMES]).toEqual([...TOOL_NAMES]);
  });

  it("builds the shared config: limits, tool set and a path scope from the options", async () => {
    const config = buildToolConfig(
      options(["--allow-dir", dir, "--deny-dir", "**/.env", "--timeout", "7", "--disable-tools", "glob"]),
      { BORIS_RG_PATH: "/opt/rg" },
    );
    expect(config).toMatchObject({
      defaultTimeoutMs: 7000,
      rgPath: "/opt/rg",
      maxFileSize: 10 * 1024 * 1024,
    });
    expect(config.disabledTools.has("glob")).toBe(true);
    expect(config.pathScope.allowDirs).toEqual([dir]);
    expect((await config.pathScope.resolve("a.txt", dir)).ok).toBe(true);
    expect((await config.pathScope.resolve(".env", dir)).ok).toBe(false);
    expect((await config.pathScope.resolve("/etc/hostname", dir)).ok).toBe(false);
  });
});
