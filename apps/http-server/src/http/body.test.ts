import type { IncomingMessage } from "node:http";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { readJsonBody } from "./body.js";

function request(chunks: string[], headers: Record<string, string> = {}): IncomingMessage {
  return Object.assign(Readable.from(chunks.map((c) => Buffer.from(c))), {
    headers,
  }) as unknown as IncomingMessage;
}

describe("readJsonBody", () => {
  it("parses a body that arrives in pieces", async () => {
    expect(await readJsonBody(request(['{"a":', '"é"}']), 100)).toEqual({ kind: "ok", value: { a: "é" } });
  });

  it("refuses a declared length over the limit without reading", async () => {
    const req = request(["{}"], { "content-length": "101" });
    expect(await readJsonBody(req, 100)).toEqual({ kind: "too-large" });
  });

  it("stops at the limit when the length is not declared", async () => {
    expect(await readJsonBody(request(["[", "1,".repeat(60), "1]"]), 100)).toEqual({ kind: "too-large" });
  });

  it("reports invalid JSON", async () => {
    expect(await readJsonBody(request(["{oops"]), 100)).toEqual({ kind: "invalid-json" });
  });
});
