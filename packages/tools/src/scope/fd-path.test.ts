// What /proc/self/fd says about a descriptor whose name was unlinked or renamed over.
import { linkSync, renameSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeDir, tempDir } from "../test/file-support.js";
import { hasProcFd, realPathOfFd } from "./fd-path.js";

let root: string;
beforeAll(async () => {
  root = await tempDir("boris-fd-path-");
});
afterAll(async () => {
  await removeDir(root);
});

describe.skipIf(!hasProcFd)("realPathOfFd", () => {
  it("gives the path a file was opened by after another file was renamed over it, though a hard link keeps it", async () => {
    const name = path.join(root, "swapped");
    writeFileSync(name, "first\n");
    linkSync(name, path.join(root, ".keep"));
    const handle = await open(name, "r");
    try {
      writeFileSync(path.join(root, "next"), "second\n");
      renameSync(path.join(root, "next"), name);
      const stats = await handle.stat();
      expect(stats.nlink).toBe(1);
      expect(realPathOfFd(handle.fd, stats)).toBe(name);
    } finally {
      await handle.close();
    }
  });

  it("keeps a name that really ends in ' (deleted)'", async () => {
    const name = path.join(root, "notes (deleted)");
    writeFileSync(name, "still here\n");
    const handle = await open(name, "r");
    try {
      expect(realPathOfFd(handle.fd, await handle.stat())).toBe(name);
    } finally {
      await handle.close();
    }
  });
});
