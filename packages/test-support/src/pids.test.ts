import { describe, expect, it } from "vitest";
import { pidsIn, readPids } from "./pids.js";

describe("pidsIn", () => {
  it("takes the lines that are only digits", () => {
    expect(pidsIn("12\nexit 3\n 4\n56\n\n78")).toEqual([12, 56, 78]);
    expect(pidsIn("")).toEqual([]);
  });
});

describe("readPids", () => {
  it("waits for whole lines: a last line without its newline may be half written", async () => {
    const outputs = ["", "41\n4", "41\n4", "41\n42", "41\n42\n43\n"];
    let calls = 0;
    const read = () => outputs[Math.min(calls++, outputs.length - 1)]!;
    expect(await readPids(read, 2)).toEqual([41, 42]);
  });

  it("fails with the output it saw when the pids do not come", async () => {
    await expect(readPids(() => "41\n4", 2, 50)).rejects.toThrow('expected 2 pids, got output "41\\n4"');
  });
});
