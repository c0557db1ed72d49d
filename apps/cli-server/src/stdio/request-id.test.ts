import { describe, expect, it } from "vitest";
import { findRequestId } from "./request-id.js";

const big = "x".repeat(50);

describe("findRequestId", () => {
  it("reads the id where the official SDK puts it: last", () => {
    const line = JSON.stringify({ method: "tools/call", params: { content: big }, jsonrpc: "2.0", id: 42 });
    expect(findRequestId(line.slice(0, 30), line.slice(-30))).toBe(42);
    const text = JSON.stringify({ method: "m", params: {}, jsonrpc: "2.0", id: 'a"b' });
    expect(findRequestId("", text)).toBe('a"b');
  });

  it("reads the id among the leading scalar members", () => {
    const line = JSON.stringify({
      jsonrpc: "2.0",
      id: "req-7",
      method: "tools/call",
      params: { content: big },
    });
    expect(findRequestId(line.slice(0, 40), "…cut")).toBe("req-7");
    expect(findRequestId(' { "method" : "x" , "id" : -3.5 , "params": {', "")).toBe(-3.5);
  });

  it("finds nothing in a notification or in an id nested in the params", () => {
    const note = JSON.stringify({
      method: "notifications/x",
      params: { id: 5, content: big },
      jsonrpc: "2.0",
    });
    expect(findRequestId(note.slice(0, 30), note.slice(-30))).toBeUndefined();
    const nested = JSON.stringify({ method: "x", jsonrpc: "2.0", params: { content: big, id: 9 } });
    expect(findRequestId(nested.slice(0, 20), nested.slice(-20))).toBeUndefined();
    expect(findRequestId("not json", "at all")).toBeUndefined();
    expect(findRequestId('{"id":null,', '"id":true}')).toBeUndefined();
  });
});
