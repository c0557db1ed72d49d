import { describe, expect, it } from "vitest";
import { duration } from "./duration.mjs";

describe("duration", () => {
  it("rounds to whole seconds before splitting off the minutes", () => {
    expect(duration(479_700)).toBe("8m00s");
    expect(duration(425_200)).toBe("7m05s");
    expect(duration(59_400)).toBe("0m59s");
  });
});
