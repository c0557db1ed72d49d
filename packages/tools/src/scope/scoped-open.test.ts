// The descriptor checks under the file tools: what was opened is judged, not the name.
import { execFileSync } from "node:child_process";
import { mkdir, open, stat, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeDir, tempDir } from "../test/file-support.js";
import { readFd } from "./fd-io.js";
import { hasProcFd } from "./fd-path.js";
import { createPathScope } from "./path-scope.js";
import { makeDirInScope, openDirInScope } from "./scoped-dir.js";
import { checkDescriptor, openInScope } from "./scoped-open.js";

let root: string;
let inside: string;
let outside: string;

beforeAll(async () => {
  root = await tempDir("boris-scoped-open-");
  inside = path.join(root, "inside");
  outside = path.join(root, "outside");
  await mkdir(path.join(inside, "sub"), { recursive: true });
  await mkdir(outside, { recursive: true });
  await writeFile(path.join(inside, "a.txt"), "inside\n");
  await writeFile(path.join(outside, "secret.txt"), "secret\n");
  await symlink(path.join(outside, "secret.txt"), path.join(inside, "link-out"));
  await symlink(outside, path.join(inside, "dir-out"));
  execFileSync("mkfifo", [path.join(inside, "fifo")]);
});
afterAll(async () => {
  await removeDir(root);
});

const scoped = () => createPathScope({ allowDirs: [inside], denyPatterns: ["**/.env"] });

describe.skipIf(!hasProcFd)("openInScope", () => {
  it("opens an in-scope file and reports the descriptor's real path and fstat", async () => {
    const opened = await openInScope(scoped(), "sub/../a.txt", inside);
    if (!opened.ok) throw new Error(opened.reason);
    try {
      expect(opened.file.path).toBe(path.join(inside, "a.txt"));
      expect(opened.file.stats.ino).toBe((await stat(path.join(inside, "a.txt"))).ino);
      const buf = Buffer.alloc(6);
      expect(await readFd(opened.file.fd, buf, 0, 6, 0)).toBe(6);
      expect(buf.toString()).toBe("inside");
    } finally {
      opened.file.close();
    }
  });

  it("refuses a symlink that leads out, as the scope does", async () => {
    const opened = await openInScope(scoped(), "link-out", inside);
    expect(opened).toMatchObject({ ok: false, why: "outside" });
  });

  it("opens a FIFO without a writer at once (non-blocking) and shows its type", async () => {
    const opened = await openInScope(scoped(), "fifo", inside);
    if (!opened.ok) throw new Error(opened.reason);
    expect(opened.file.stats.isFIFO()).toBe(true);
    opened.file.close();
  });

  it("passes a descriptor that is where it was expected (that path was checked already)", async () => {
    const handle = await open(path.join(inside, "a.txt"), "r");
    try {
      expect(
        checkDescriptor(scoped(), handle.fd, await handle.stat(), path.join(inside, "a.txt"), "a.txt"),
      ).toEqual({ ok: true, path: path.join(inside, "a.txt") });
    } finally {
      await handle.close();
    }
  });

  it("judges an opened descriptor by where it really is, not by the name it was expected at", async () => {
    // As if the name had been swapped for a symlink between the check and the open.
    const handle = await open(path.join(outside, "secret.txt"), "r");
    try {
      const judged = checkDescriptor(
        scoped(),
        handle.fd,
        await handle.stat(),
        path.join(inside, "a.txt"),
        "a.txt",
      );
      expect(judged).toMatchObject({ ok: false, why: "outside" });
      if (!judged.ok) expect(judged.reason).toContain("changed while it was being opened");
    } finally {
      await handle.close();
    }
  });
});

describe.skipIf(!hasProcFd)("openDirInScope and makeDirInScope", () => {
  it("pins a checked directory: entries go through its descriptor", async () => {
    const opened = await openDirInScope(scoped(), path.join(inside, "sub"), "sub");
    if (!opened.ok) throw new Error(opened.reason);
    try {
      expect(opened.dir.path).toBe(path.join(inside, "sub"));
      expect(opened.dir.entry("x")).toMatch(/^\/proc\/self\/fd\/\d+\/x$/);
      await writeFile(opened.dir.entry("x"), "through the descriptor");
      expect((await stat(path.join(inside, "sub", "x"))).size).toBe(22);
    } finally {
      await opened.dir.close();
    }
  });

  it("refuses a directory whose last component is a symlink now (it was checked as a real dir)", async () => {
    const opened = await openDirInScope(scoped(), path.join(inside, "dir-out"), "dir-out/new.txt");
    expect(opened).toMatchObject({ ok: false });
    if (!opened.ok) expect(opened.reason).toContain("replaced by a symbolic link");
  });

  it("creates missing levels with exactly the mode asked for, whatever the umask", async () => {
    const target = path.join(inside, "made", "a", "b");
    const old = process.umask(0o077);
    let opened: Awaited<ReturnType<typeof makeDirInScope>>;
    try {
      opened = await makeDirInScope(scoped(), target, "made/a/b/f.txt", 0o755);
    } finally {
      process.umask(old);
    }
    if (!opened.ok) throw new Error(opened.reason);
    await opened.dir.close();
    expect(opened.dir.path).toBe(target);
    for (const d of ["made", "made/a", "made/a/b"]) {
      expect((await stat(path.join(inside, d))).mode & 0o777).toBe(0o755);
    }
  });
});
