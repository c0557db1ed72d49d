import type { ToolConfig } from "./tool-config.js";

/**
 * A count of the files written through the tools (str_replace, create_file, the editor), one per
 * server (per ToolConfig): whatever keeps results derived from file contents — the search tools'
 * paging cache — compares it to the count it saw, and drops what a write may have made stale.
 */
const writes = new WeakMap<ToolConfig, number>();

/** Called by a file tool after each successful write. */
export function noteFileWritten(config: ToolConfig): void {
  writes.set(config, (writes.get(config) ?? 0) + 1);
}

/** Files written through the tools of this server so far. */
export function fileWriteCount(config: ToolConfig): number {
  return writes.get(config) ?? 0;
}
