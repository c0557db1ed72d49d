import { describe, expect, it } from "vitest";
import { turboEnv } from "./turbo-env.mjs";

describe("turboEnv", () => {
  it("drops the verify-deps variables pnpm sets for its scripts and keeps everything else", () => {
    const env = {
      PATH: "/usr/bin",
      pnpm_config_verify_deps_before_run: "false",
      npm_config_verify_deps_before_run: "false",
      npm_config_user_agent: "pnpm/10.34.9",
    };
    expect(turboEnv(env)).toEqual({ PATH: "/usr/bin", npm_config_user_agent: "pnpm/10.34.9" });
    expect(env.pnpm_config_verify_deps_before_run).toBe("false"); // the caller's object is untouched
  });
});
