import { describe, expect, it } from "vitest";
import { maxMessageBytes } from "./message-limit.js";

describe("maxMessageBytes", () => {
  it("holds a file of the limit whose every character JSON doubles, with its envelope", () => {
    const maxFileSize = 64 * 1024;
    const content = '"\\\n\t'.repeat(maxFileSize / 4);
    const message = JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "tools/call",
      params: { name: "create_file", arguments: { path: "/some/where/file.txt", content } },
    });
    expect(Buffer.byteLength(content)).toBe(maxFileSize);
    expect(Buffer.byteLength(message)).toBeGreaterThan(2 * maxFileSize);
    expect(Buffer.byteLength(message)).toBeLessThanOrEqual(maxMessageBytes(maxFileSize));
  });
});
