import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { projectNode } from "./project-node.mjs";

const tmp = mkdtempSync(path.join(os.tmpdir(), "project-node-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Creates an executable file `<dir>/node` and returns its path. @param {string} dir */
function fakeNode(dir) {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "node");
  writeFileSync(file, "#!/bin/sh\n");
  chmodSync(file, 0o755);
  return file;
}

describe("projectNode", () => {
  const suiteNode = fakeNode(path.join(tmp, "suite", "bin"));
  const shimDir = path.join(tmp, "pkg", "node_modules", ".bin");
  fakeNode(shimDir);
  const systemNode = fakeNode(path.join(tmp, "usr", "bin"));
  const linkDir = path.join(tmp, "link");
  mkdirSync(linkDir);
  symlinkSync(suiteNode, path.join(linkDir, "node"));

  it("keeps the Node the runner was started with when it is not the suite's", () => {
    expect(projectNode({ suiteNode, execPath: systemNode, pathEnv: shimDir })).toBe(systemNode);
  });

  it("skips node_modules/.bin shims and links to the suite's Node when running on the suite's Node", () => {
    const pathEnv = [
      shimDir,
      "./node_modules/.bin",
      linkDir,
      path.join(tmp, "missing"),
      path.dirname(systemNode),
    ].join(path.delimiter);
    expect(projectNode({ suiteNode, execPath: suiteNode, pathEnv })).toBe(systemNode);
  });

  it("falls back to the runner's Node when PATH has no other", () => {
    expect(projectNode({ suiteNode, execPath: suiteNode, pathEnv: shimDir })).toBe(suiteNode);
  });
});
