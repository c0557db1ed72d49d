// Test helpers for grep and glob: a stand-in rg that runs the real one after doing something first
// (recording its call, swapping a file), so a test can see what the server asked of rg and when.
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { rgPath as realRg } from "@vscode/ripgrep";

/**
 * Writes an executable `rg` into `dir` that runs `before` (shell code) and then the real rg with
 * the same arguments. Returns its path, for `config.rgPath`.
 */
export async function wrappedRg(dir: string, before: string): Promise<string> {
  const file = path.join(dir, "rg");
  await writeFile(file, `#!/bin/sh\n${before}\nexec '${realRg}' "$@"\n`, { mode: 0o755 });
  return file;
}

/** An rg that appends one line per call to `log`; `rgCalls(log)` reads them back. */
export function countingRg(dir: string, log: string): Promise<string> {
  return wrappedRg(dir, `echo call >> '${log}'`);
}

export async function rgCalls(log: string): Promise<number> {
  try {
    return (await readFile(log, "utf8")).split("\n").filter(Boolean).length;
  } catch {
    return 0;
  }
}
