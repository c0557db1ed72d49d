import { checkOptionsOnDisk } from "./environment.js";
import { helpText } from "./help.js";
import { type BorisOptions, parseOptions } from "./parse.js";
import type { Program } from "./specs.js";

/** Exit status for a bad command line. */
export const EXIT_USAGE = 2;

export interface CommandLine {
  readonly program: Program;
  readonly argv: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly version: string;
  /** Names --disable-tools accepts (the tools package's TOOL_NAMES). */
  readonly toolNames: readonly string[];
}

/**
 * What a binary does with its command line before it starts anything: prints `--help` or
 * `--version` to stdout, or one line on stderr with exit status 2 for a bad option (including
 * directories that do not exist); returns the options only when the server should start.
 */
export function readCommandLine({
  program,
  argv,
  env,
  version,
  toolNames,
}: CommandLine): BorisOptions | undefined {
  const parsed = parseOptions({ program, argv, env, cwd: process.cwd(), toolNames });
  if (parsed.kind === "help") {
    process.stdout.write(helpText(program, toolNames));
    return undefined;
  }
  if (parsed.kind === "version") {
    process.stdout.write(`${version}\n`);
    return undefined;
  }
  const problem = parsed.kind === "error" ? parsed.message : checkOptionsOnDisk(program, parsed.options);
  if (problem !== undefined) {
    process.stderr.write(`${problem}\n`);
    process.exitCode = EXIT_USAGE;
    return undefined;
  }
  return parsed.kind === "run" ? parsed.options : undefined;
}
