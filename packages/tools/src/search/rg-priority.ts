import { accessSync, constants } from "node:fs";
import type { Command } from "@boris-mcp/process-group";

/**
 * The niceness ripgrep runs at while searches pile up (runRgInSlot decides). A search is a
 * throughput job of seconds that keeps every core busy (one thread per core, a slot per core); the
 * server's event loop and the shells of bash calls are latency jobs of milliseconds. At niceness 10
 * the scheduler gives a runnable rg about a tenth of the CPU a niceness-0 process gets when they
 * compete, so bash, view and the server itself cut in ahead of the walks.
 */
export const RG_NICENESS = 10;

/** Where `nice` usually lives; searched once. */
const NICE_PATHS = ["/usr/bin/nice", "/bin/nice"];

let niceBin: string | null | undefined;

function findNice(): string | null {
  for (const file of NICE_PATHS) {
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {}
  }
  return null;
}

/**
 * Wraps a command so it starts at RG_NICENESS: `nice` sets the niceness and execs it, so rg and
 * every thread it starts inherit it from their first instruction (setting it on the pid after the
 * spawn would race with rg creating its threads: Linux keeps a niceness per thread). Without a
 * `nice` binary the command runs unchanged.
 */
export function atLowPriority(command: Command): Command {
  niceBin ??= findNice();
  if (niceBin === null) return command;
  return { file: niceBin, args: ["-n", String(RG_NICENESS), command.file, ...command.args] };
}
