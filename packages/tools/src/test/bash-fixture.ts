// The fixture of the bash tool tests: a temp root with sub/deeper, the harness of the test running
// now (`h`, set by `open`), and pids a test started outside the session. `root` and `h` are live
// bindings: importers see the values `useBashFixture`'s hooks and `open` assign.
import { readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { killAll } from "@boris-mcp/test-support";
import { afterAll, afterEach, beforeAll } from "vitest";
import { removeDir, tempDir, testConfig } from "./file-support.js";
import { connectShell, type ShellHarness } from "./shell-support.js";

export let root: string;
export let h: ShellHarness;
/** Pids to kill after the test. */
export const stray: number[] = [];
export const config = testConfig();

/** Makes `root` before the file's tests and removes it after; closes `h` and kills `stray` after each. */
export function useBashFixture(): void {
  beforeAll(async () => {
    root = await tempDir("boris-bash-");
    await mkdir(path.join(root, "sub", "deeper"), { recursive: true });
  });
  afterAll(async () => {
    await removeDir(root);
  });
  afterEach(async () => {
    await h?.close();
    killAll(stray.splice(0));
  });
}

export function readFileOrEmpty(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

/** Connects a new harness (`h`) with `overrides` of the test config, in `root`. */
export async function open(overrides = {}, sessionOptions = {}): Promise<ShellHarness> {
  h = await connectShell(testConfig(overrides), { workdir: root, ...sessionOptions });
  return h;
}
