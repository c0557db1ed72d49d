import { describe, expect, it } from "vitest";
import { waitFor, waitUntil } from "./wait.js";

describe("waitFor", () => {
  it("is true once the condition holds, polling until then", async () => {
    let calls = 0;
    expect(await waitFor(() => ++calls === 3)).toBe(true);
    expect(calls).toBe(3);
  });

  it("is false when the deadline passes first", async () => {
    expect(await waitFor(() => false, 30)).toBe(false);
  });
});

describe("waitUntil", () => {
  it("resolves once an async check holds", async () => {
    let calls = 0;
    await waitUntil("the third call", async () => ++calls === 3);
    expect(calls).toBe(3);
  });

  it("throws naming what it waited for", async () => {
    await expect(waitUntil("the moon", () => false, 30)).rejects.toThrow(
      "timed out after 30 ms waiting for: the moon",
    );
  });
});
