// Checking one answer against what SPEC §3/§4 promise.
import { maxMessageBytes } from "@boris-mcp/config";
import { textOf } from "@boris-mcp/test-support";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { expect } from "vitest";
import { ERROR_CODES } from "../results.js";
import type { Call } from "./calls.js";
import { MAX_FILE_SIZE } from "./server.js";

/** The HTTP body limit of the fuzzed servers: --max-file-size twice (JSON escaping) plus an envelope. */
const MAX_BODY_BYTES = maxMessageBytes(MAX_FILE_SIZE);
/** What the JSON-RPC envelope around a call's name and arguments may add or take away. */
const ENVELOPE_SLACK = 1024;

const CODE = new RegExp(`^\\[(${ERROR_CODES.join("|")})\\] [\\s\\S]`);

/**
 * Makes the call and checks the answer is what SPEC §3/§4 promise: a CallToolResult (the SDK
 * client has already validated it, structured content included, against the advertised output
 * schema), whose error text starts with a §4 code, with no stack trace and no catch-all failure.
 * Every argument object gets a result, never a protocol error, unless its body is over the server's
 * limit: then the 413 naming the limit is the answer, and the result is undefined.
 */
export async function callAndCheck(
  client: Client,
  call: Call,
  knownTools: Set<string>,
): Promise<CallToolResult | undefined> {
  // Strings of control characters are escaped six-fold (\u0000), so a call whose strings each fit
  // --max-file-size can still exceed the body limit: then the answer is the 413 that names it.
  const bodyBytes = Buffer.byteLength(JSON.stringify({ name: call.name, arguments: call.args }) ?? "");
  let result: CallToolResult;
  try {
    result = (await client.callTool({
      name: call.name,
      arguments: call.args as Record<string, unknown>,
    })) as CallToolResult;
  } catch (err) {
    const tooLarge =
      /Payload Too Large: request body over \d+ bytes \(--max-file-size plus protocol overhead\)/;
    if (bodyBytes > MAX_BODY_BYTES - ENVELOPE_SLACK && tooLarge.test(String(err))) return undefined;
    throw new Error(`${call.name} ${summary(call.args)} (${bodyBytes} bytes) threw ${clip(String(err))}`);
  }
  expect(bodyBytes, `a body over the limit was accepted: ${call.name} ${summary(call.args)}`).toBeLessThan(
    MAX_BODY_BYTES + ENVELOPE_SLACK,
  );
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
