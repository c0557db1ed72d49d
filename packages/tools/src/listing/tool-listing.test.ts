import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { ToolConfig } from "../core/tool-config.js";
import { TOOL_NAMES } from "../core/tool-names.js";
import { describeTools } from "../core/tool-registry.js";
import { createPathScope } from "../scope/path-scope.js";
import { testConfig } from "../test/file-support.js";
import { toolsFor } from "../tool-set.js";
import { advertisedTools, hasPrebuiltListing, listingKey, type PrebuiltListing } from "./advertised-tools.js";

const LISTING_FILE = fileURLToPath(new URL("./tool-listing.json", import.meta.url));

/**
 * The tool settings whose tools/list answers are pre-built: those of `boris` and `boris-http` run
 * without tool options (config's defaults; cli-server's tests check that they still are), in both
 * compat modes.
 */
const DEFAULT_SETTINGS: Partial<ToolConfig> = {
  shell: "/bin/bash",
  defaultTimeoutMs: 120_000,
  maxTimeoutMs: 600_000,
  drainMs: 100,
  outputLimit: 30_000,
  progressIntervalMs: 50,
  maxFileSize: 10 * 1024 * 1024,
  maxImageSize: 750 * 1024,
  requireViewBeforeEdit: true,
  searchTimeoutMs: 60_000,
};
const PREBUILT_CONFIGS = [false, true].map((anthropicCompat) =>
  testConfig({ ...DEFAULT_SETTINGS, anthropicCompat }),
);

/** What the pre-built file must hold: every tool's advertised form, from the live zod definitions. */
function generate(): PrebuiltListing[] {
  return PREBUILT_CONFIGS.map((config) => ({
    key: listingKey(config),
    tools: describeTools(toolsFor(config)),
  }));
}

/** JSON round trip: the file holds JSON, so compare with what JSON can say (no undefined members). */
const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe("the pre-built tools/list answers (tool-listing.json)", () => {
  it("equal what the tools' zod definitions advertise (BORIS_UPDATE_LISTING=1 rewrites the file)", () => {
    const expected = asJson(generate());
    if (process.env.BORIS_UPDATE_LISTING === "1") {
      writeFileSync(LISTING_FILE, `${JSON.stringify(expected, null, 2)}\n`);
    }
    const stored = JSON.parse(readFileSync(LISTING_FILE, "utf8"));
    expect(
      stored,
      "tool-listing.json is out of date: run `BORIS_UPDATE_LISTING=1 npx vitest run src/listing` in packages/tools",
    ).toEqual(expected);
  });

  it("serve every enabled set of tools, in order, for the pre-built settings", () => {
    for (const base of PREBUILT_CONFIGS) {
      for (const disabled of [undefined, ...TOOL_NAMES]) {
        const config = { ...base, disabledTools: new Set(disabled ? [disabled] : []) };
        expect(hasPrebuiltListing(config)).toBe(true);
        expect(asJson(advertisedTools(config))).toEqual(asJson(describeTools(toolsFor(config))));
      }
    }
  });

  it("do not depend on what the key leaves out: the path scope, the roots mode and rgPath", () => {
    const [base] = PREBUILT_CONFIGS as [ToolConfig];
    const other: ToolConfig = {
      ...base,
      pathScope: createPathScope({ allowDirs: ["/srv/x"], denyPatterns: ["**/.env"] }),
      followClientRoots: !base.followClientRoots,
      rgPath: "/opt/rg",
    };
    expect(listingKey(other)).toBe(listingKey(base));
    expect(asJson(describeTools(toolsFor(other)))).toEqual(asJson(describeTools(toolsFor(base))));
  });

  it("are not used for other settings (the server builds the answer from the definitions)", () => {
    const config = testConfig({ ...DEFAULT_SETTINGS, maxFileSize: 1234 });
    expect(hasPrebuiltListing(config)).toBe(false);
    expect(advertisedTools(config)).toBeUndefined();
  });
});
