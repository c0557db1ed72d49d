import { describe, expect, it } from "vitest";
import { LineSplitter } from "./line-splitter.js";

function feed(splitter: LineSplitter, text: string, chunkSize: number) {
  const bytes = Buffer.from(text);
  const events = [];
  for (let i = 0; i < bytes.length; i += chunkSize)
    events.push(...splitter.push(bytes.subarray(i, i + chunkSize)));
  return events;
}

describe("LineSplitter", () => {
  it("yields complete lines whatever the chunking, CRLF and blank lines included", () => {
    const text = '{"a":1}\r\n\n{"b":"é"}\n{"c":';
    for (const size of [1, 2, 3, 7, 100]) {
      const splitter = new LineSplitter(1024);
      expect(feed(splitter, text, size)).toEqual([
        { kind: "line", text: '{"a":1}' },
        { kind: "line", text: '{"b":"é"}' },
      ]);
      expect(splitter.push(Buffer.from("2}\n"))).toEqual([{ kind: "line", text: '{"c":2}' }]);
    }
  });

  it("accepts a line of exactly the limit and reports a longer one by its length and ends", () => {
    const splitter = new LineSplitter(10);
    expect(splitter.push(Buffer.from("0123456789\n"))).toEqual([{ kind: "line", text: "0123456789" }]);
    const long = `HEAD${"x".repeat(20_000)}TAIL`;
    const events = feed(splitter, `${long}\nnext\n`, 333);
    expect(events).toHaveLength(2);
    const [tooLong, next] = events;
    expect(tooLong).toMatchObject({ kind: "too-long", bytes: long.length });
    if (tooLong?.kind !== "too-long") throw new Error("expected too-long");
    expect(tooLong.head.startsWith("HEADxxx")).toBe(true);
    expect(tooLong.tail.endsWith("xxxTAIL")).toBe(true);
    expect(tooLong.head.length + tooLong.tail.length).toBeLessThan(10_000);
    expect(next).toEqual({ kind: "line", text: "next" });
  });
});
