// Test helpers of this package only; the process questions shared by every package's tests are in
// @boris-mcp/test-support.
import type { Readable } from "node:stream";

/** Collects a stream's text as it arrives. */
export function collect(stream: Readable): { text: () => string } {
  let text = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    text += chunk;
  });
  return { text: () => text };
}
