import { describe, expect, it } from "vitest";
import { failureLines } from "./failures.mjs";

describe("failureLines", () => {
  it("keeps the failed tests, the failed tasks and pnpm errors, once each, without colours", () => {
    const log = [
      "@boris-mcp/session:test:  \x1b[32m✓\x1b[39m src/output-buffer.test.ts (12 tests) 40ms",
      "@boris-mcp/process-group:test:  \x1b[31m×\x1b[39m many groups are terminated in parallel 812ms",
      "@boris-mcp/process-group:test:  FAIL  src/terminate.test.ts > terminate > many groups are terminated in parallel",
      "@boris-mcp/process-group:test:  FAIL  src/terminate.test.ts > terminate > many groups are terminated in parallel",
      "@boris-mcp/process-group:test: AssertionError: expected [ 15854 ] to deeply equal []",
      "@boris-mcp/conformance:test: UNEXPECTED FAILURE: ping/ping",
      "@boris-mcp/tools:lint:  ERR_PNPM_RECURSIVE_RUN_FIRST_FAIL  Unexpected end of JSON input",
      " ELIFECYCLE  Test failed. See above for more details.",
      "  Failed:    @boris-mcp/process-group#test",
    ].join("\n");
    expect(failureLines(log)).toEqual([
      "@boris-mcp/process-group:test:  × many groups are terminated in parallel 812ms",
      "@boris-mcp/process-group:test:  FAIL  src/terminate.test.ts > terminate > many groups are terminated in parallel",
      "@boris-mcp/conformance:test: UNEXPECTED FAILURE: ping/ping",
      "@boris-mcp/tools:lint:  ERR_PNPM_RECURSIVE_RUN_FIRST_FAIL  Unexpected end of JSON input",
      "Failed:    @boris-mcp/process-group#test",
    ]);
  });

  it("finds nothing in a green log and caps a long one", () => {
    expect(failureLines("@boris-mcp/tools:test:  Test Files  40 passed (40)\n Tasks: 36 successful")).toEqual(
      [],
    );
    const many = Array.from({ length: 50 }, (_, i) => `pkg:test:  FAIL  src/t${i}.test.ts > case`).join("\n");
    expect(failureLines(many, 10)).toHaveLength(10);
  });
});
