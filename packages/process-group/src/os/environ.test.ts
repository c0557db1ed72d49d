import { describe, expect, it } from "vitest";
import { environValues } from "./environ.js";

const block = (...entries: string[]) => Buffer.from(`${entries.join("\0")}\0`);

describe("environValues", () => {
  it("gives every value of a variable, in order, from whole entries only", () => {
    const environ = block("A=1", "XB=2", "B=3", "C=B=4", "B=", "B=5=6", "BB=7");
    expect(environValues(environ, "B")).toEqual(["3", "", "5=6"]);
    expect(environValues(environ, "A")).toEqual(["1"]);
    expect(environValues(environ, "Z")).toEqual([]);
  });

  it("reads a block without a final NUL and a value that is not ASCII", () => {
    expect(environValues(Buffer.from("A=1\0B=é"), "B")).toEqual(["é"]);
    expect(environValues(Buffer.from(""), "B")).toEqual([]);
  });
});
