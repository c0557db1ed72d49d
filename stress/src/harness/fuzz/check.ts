// Checking one answer against what SPEC §3/§4 promise.
import { textOf } from "@boris-mcp/test-support";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { expect } from "vitest";
import { ERROR_CODES } from "../results.js";
import type { Call } from "./calls.js";

const CODE = new RegExp(`^\\[(${ERROR_CODES.join("|")})\\] [\\s\\S]`);

/**
 * Makes the call and checks the answer is what SPEC §3/§4 promise: a CallToolResult (the SDK
 * client has already validated it, structured content included, against the advertised output
 * schema), whose error text starts with a §4 code, with no stack trace and no catch-all failure.
 * Every argument object gets a result, never a protocol error.
 */
export async function callAndCheck(
  client: Client,
  call: Call,
  knownTools: Set<string>,
): Promise<CallToolResult> {
  let result: CallToolResult;
  try {
    result = (await client.callTool({
      name: call.name,
      arguments: call.args as Record<string, unknown>,
    })) as CallToolResult;
  } catch (err) {
    throw new Error(`${call.name} ${summary(call.args)} threw ${clip(String(err))}`);
  }
  const text = textOf(result);
  const where = `${call.name} ${summary(call.args)} → ${clip(text)}`;
  expect(Array.isArray(result.content), where).toBe(true);
  expect(result.content.length, where).toBeGreaterThan(0);
  if (result.isError) {
    expect(CODE.test(text), `error text without a §4 code: ${where}`).toBe(true);
    expect(/failed unexpectedly/.test(text), `an unexpected exception reached the catch-all: ${where}`).toBe(
      false,
    );
  } else {
    expect(knownTools.has(call.name), `unknown tool answered as a success: ${where}`).toBe(true);
  }
  expect(/\n\s+at .+:\d+:\d+/.test(text), `stack trace in the text: ${where}`).toBe(false);
  return result;
}

/** `text` cut to a readable length for a failure message. */
function clip(text: string, max = 400): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
}

/** The arguments as JSON with long strings shortened. */
function summary(args: unknown): string {
  return clip(
    JSON.stringify(args, (_k, v) =>
      typeof v === "string" && v.length > 60 ? `${v.slice(0, 30)}…(${v.length} chars)` : v,
    ) ?? String(args),
  );
}
