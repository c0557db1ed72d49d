import { describe, expect, it } from "vitest";
import { helpText } from "./help.js";
import { OPTION_SPECS } from "./specs.js";
import { TEST_TOOL_NAMES } from "./test/tool-names.js";

describe("helpText", () => {
  it("lists every option with its variable for boris-http", () => {
    const text = helpText("boris-http", TEST_TOOL_NAMES);
    for (const spec of OPTION_SPECS) {
      expect(text).toContain(spec.flag);
      expect(text).toContain(spec.env);
    }
    expect(text).toContain("--bg-timeout");
    expect(text.startsWith("Usage: boris-http [options]")).toBe(true);
  });

  it("leaves the HTTP-only options out of boris", () => {
    const text = helpText("boris", TEST_TOOL_NAMES);
    expect(text).toContain("--workdir");
    expect(text).not.toContain("--port");
    expect(text).not.toContain("--token");
  });
});
