import { parseOptions, toolSettings } from "@boris-mcp/config";
import { createToolConfig, hasPrebuiltListing, TOOL_NAMES } from "@boris-mcp/tools";
import { describe, expect, it } from "vitest";

function configFor(program: "boris" | "boris-http", argv: string[]) {
  const result = parseOptions({ program, argv, env: {}, cwd: "/tmp", toolNames: TOOL_NAMES });
  if (result.kind !== "run") throw new Error(`unexpected parse result ${JSON.stringify(result)}`);
  return createToolConfig(toolSettings(result.options, {}));
}

describe("the pre-built tools/list answers", () => {
  // They spare a start-up zod and the tools' code; the tools package builds them for these settings.
  it("cover both binaries run without tool options, in both compat modes and with tools disabled", () => {
    for (const program of ["boris", "boris-http"] as const) {
      for (const argv of [
        [],
        ["--workdir", "/tmp"],
        ["--anthropic-compat"],
        ["--disable-tools", "grep,glob"],
      ]) {
        expect(hasPrebuiltListing(configFor(program, argv)), `${program} ${argv.join(" ")}`).toBe(true);
      }
    }
  });

  it("are not used when an option changes what the descriptions say", () => {
    expect(hasPrebuiltListing(configFor("boris", ["--max-file-size", "1MB"]))).toBe(false);
  });
});
