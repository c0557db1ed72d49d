// Test helpers for grep and glob: a stand-in rg that runs the real one after doing something first
// (recording its call, swapping a file), so a test can see what the server asked of rg and when;
// trees of files with chosen ages; a fixture of servers and folders cleaned up after each test.
import { mkdir, readFile, utimes, writeFile } from "node:fs/promises";
import path from "node:path";
import { rgPath as realRg } from "@vscode/ripgrep";
import { afterEach } from "vitest";
import type { ToolConfig } from "../core/tool-config.js";
import { connect, type Harness, removeDir, tempDir, testConfig } from "./file-support.js";

/** Writes `files` (relative path → content) under `root`, creating directories. */
export async function tree(root: string, files: Record<string, string | Buffer>): Promise<void> {
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(root, rel);
    await mkdir(path.dirname(abs), { recursive: true });
    await writeFile(abs, content);
  }
}

/** Sets mtimes so that paths listed first are newest (directories included). */
export async function ages(root: string, newestFirst: string[]): Promise<void> {
  const now = Date.now() / 1000;
  for (const [i, rel] of newestFirst.entries()) {
    await utimes(path.join(root, rel), now - i * 100, now - i * 100);
  }
}

export const lines = (text: string) => text.split("\n");
export const sorted = (text: string) => lines(text).sort();

/**
 * Per test file: `setup(files, config?)` makes a folder with `files` and a server on it, and
 * `folder()` a bare folder; both are closed and removed after each test.
 */
export function searchFixture(prefix: string) {
  const dirs: string[] = [];
  const harnesses: Harness[] = [];
  afterEach(async () => {
    await Promise.all(harnesses.splice(0).map((h) => h.close()));
    await Promise.all(dirs.splice(0).map((d) => removeDir(d)));
  });
  const folder = async (name = prefix): Promise<string> => {
    const dir = await tempDir(name);
    dirs.push(dir);
    return dir;
  };
  const serve = async (config: ToolConfig, workdir: string): Promise<Harness> => {
    const h = await connect(config, workdir);
    harnesses.push(h);
    return h;
  };
  const setup = async (files: Record<string, string | Buffer>, config: ToolConfig = testConfig()) => {
    const root = await folder();
    await tree(root, files);
    const h = await serve(config, root);
    return {
      root,
      h,
      grep: (args: Record<string, unknown>) => h.call("grep", args),
      glob: (args: Record<string, unknown>) => h.call("glob", args),
    };
  };
  return { setup, folder, serve };
}

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
