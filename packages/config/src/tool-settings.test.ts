import { describe, expect, it } from "vitest";
import { parseOptions } from "./parse.js";
import { TEST_TOOL_NAMES } from "./test/tool-names.js";
import { sessionSettings, TOOL_DEFAULTS, toolSettings } from "./tool-settings.js";

function opts(argv: string[]) {
  const r = parseOptions({ program: "boris", argv, env: {}, cwd: "/w", toolNames: TEST_TOOL_NAMES });
  if (r.kind !== "run") throw new Error(JSON.stringify(r));
  return r.options;
}

describe("toolSettings", () => {
  it("converts the options the tools see", () => {
    const s = toolSettings(
      opts(["--timeout", "2.5", "--disable-tools", "grep", "--require-view-before-edit=false"]),
      {
        BORIS_RG_PATH: "/usr/bin/rg",
      },
    );
    expect(s).toMatchObject({
      shell: "/bin/bash",
      defaultTimeoutMs: 2500,
      maxTimeoutMs: TOOL_DEFAULTS.maxTimeoutMs,
      maxFileSize: 10485760,
      maxImageSize: 768000,
      requireViewBeforeEdit: false,
      anthropicCompat: false,
      rgPath: "/usr/bin/rg",
    });
    expect([...s.disabledTools]).toEqual(["grep"]);
    expect(toolSettings(opts([])).rgPath).toBeUndefined();
  });

  it("follows a client's roots only when neither --workdir nor --allow-dir was given", () => {
    expect(toolSettings(opts([])).followClientRoots).toBe(true);
    expect(toolSettings(opts(["--workdir", "."])).followClientRoots).toBe(false);
    expect(toolSettings(opts(["--allow-dir", "/a"])).followClientRoots).toBe(false);
    const fromEnv = parseOptions({
      program: "boris",
      argv: [],
      env: { BORIS_WORKDIR: "/srv" },
      cwd: "/w",
      toolNames: TEST_TOOL_NAMES,
    });
    expect(fromEnv.kind === "run" && toolSettings(fromEnv.options).followClientRoots).toBe(false);
  });

  it("raises the bash timeout ceiling to a larger default", () => {
    expect(toolSettings(opts(["--timeout", "900"])).maxTimeoutMs).toBe(900_000);
  });
});

describe("sessionSettings", () => {
  it("carries the workdir and the background safety net", () => {
    expect(sessionSettings(opts(["--bg-timeout", "3"]))).toMatchObject({
      workdir: "/w",
      backgroundTaskTimeoutMs: 3000,
    });
  });
});
