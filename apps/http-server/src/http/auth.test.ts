import { describe, expect, it } from "vitest";
import { createBearerCheck } from "./auth.js";

describe("createBearerCheck", () => {
  const check = createBearerCheck("s3cret-token");
  it("accepts exactly the Bearer token, scheme in any case", () => {
    expect(check("Bearer s3cret-token")).toBe(true);
    expect(check("bearer s3cret-token")).toBe(true);
  });
  it("refuses a missing, wrong, longer, shorter or non-Bearer credential", () => {
    for (const header of [
      undefined,
      "",
      "Bearer",
      "Bearer ",
      "Bearer wrong",
      "Bearer s3cret-token-and-more",
      "Bearer s3cret",
      "Basic s3cret-token",
      "s3cret-token",
      "Bearer s3cret-token extra",
    ]) {
      expect(check(header)).toBe(false);
    }
  });
});
