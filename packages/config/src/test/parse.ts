// What the parser tests hand it: the test vocabulary of tool names, a fixed cwd, boris-http by default.
import { expect } from "vitest";
import { type ParseInput, parseOptions } from "../parse.js";
import { TEST_TOOL_NAMES } from "./tool-names.js";

export function parse(
  argv: string[],
  env: Record<string, string> = {},
  program: ParseInput["program"] = "boris-http",
) {
  return parseOptions({ program, argv, env, cwd: "/home/u/proj", toolNames: TEST_TOOL_NAMES });
}

/** The options of a parse that must run. */
export function options(
  argv: string[],
  env: Record<string, string> = {},
  program: ParseInput["program"] = "boris-http",
) {
  const result = parse(argv, env, program);
  if (result.kind !== "run") throw new Error(`expected options, got ${JSON.stringify(result)}`);
  return result.options;
}

/** The one-line message of a parse that must fail. */
export function errorOf(
  argv: string[],
  env: Record<string, string> = {},
  program: ParseInput["program"] = "boris-http",
) {
  const result = parse(argv, env, program);
  if (result.kind !== "error") throw new Error(`expected an error, got ${JSON.stringify(result)}`);
  expect(result.message).not.toContain("\n");
  return result.message;
}
