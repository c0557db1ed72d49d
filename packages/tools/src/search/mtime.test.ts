// mtimeOf against statSync on real files: same milliseconds for files with sub-second times, through
// a symlink (followed) and given as bytes; undefined for a missing path and a dangling link; the
// errors statSync throws (ENOTDIR, ELOOP) are thrown; a NUL is refused, never cut short to another
// path. linkOf against lstatSync: a directory's link count, a directory symlink seen as a link.
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { linkOf, mtimeByStatSync, mtimeOf, mtimeUsesBinding } from "./mtime.js";

const dir = mkdtempSync(join(tmpdir(), "boris-mtime-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("mtimeOf", () => {
  it("goes through fs's binding on Node 20–21 and through statSync from Node 22", () => {
    const major = Number(process.versions.node.split(".")[0]);
    expect(mtimeUsesBinding()).toBe(major < 22);
  });

  it("gives statSync's milliseconds, for strings and bytes, following symlinks", () => {
    for (let i = 0; i < 50; i++) {
      const file = join(dir, `f${i}.c`);
      writeFileSync(file, "x");
      // Times with fractions of a millisecond, before and after 1970.
      const t = (i - 10) * 86_400.123456 + 1_700_000_000.987654;
      utimesSync(file, t, t);
      const want = statSync(file).mtimeMs;
      expect(mtimeOf(file)).toBe(want);
      expect(mtimeOf(Buffer.from(file))).toBe(want);
      expect(mtimeByStatSync(file)).toBe(want);
    }
    const link = join(dir, "link.c");
    symlinkSync(join(dir, "f3.c"), link);
    expect(mtimeOf(link)).toBe(statSync(join(dir, "f3.c")).mtimeMs);
  });

  it("is undefined for what is gone, and throws what statSync throws", () => {
    expect(mtimeOf(join(dir, "absent.c"))).toBeUndefined();
    symlinkSync(join(dir, "nowhere"), join(dir, "dangling"));
    expect(mtimeOf(join(dir, "dangling"))).toBeUndefined();
    expect(mtimeOf(Buffer.from(join(dir, "absent.c")))).toBeUndefined();
    writeFileSync(join(dir, "plain"), "x");
    // A file used as a directory: statSync throws ENOTDIR even when told not to throw for ENOENT.
    expect(() => mtimeByStatSync(join(dir, "plain", "x"))).toThrow(/ENOTDIR/);
    expect(() => mtimeOf(join(dir, "plain", "x"))).toThrow(/ENOTDIR/);
    const loop = join(dir, "loop");
    symlinkSync(loop, loop);
    expect(() => mtimeByStatSync(loop)).toThrow(/ELOOP/);
    expect(() => mtimeOf(loop)).toThrow(/ELOOP/);
  });

  it("refuses a NUL instead of statting the path before it", () => {
    mkdirSync(join(dir, "sub"));
    const cut = `${join(dir, "sub")}\0/more`;
    expect(() => mtimeOf(cut)).toThrow(/null bytes/);
    expect(() => mtimeOf(Buffer.from(cut))).toThrow(/null bytes/);
  });

  it("linkOf gives lstat's link count and sees directory symlinks as links", () => {
    const top = join(dir, "tree");
    for (const sub of ["a", "b", "c"]) mkdirSync(join(top, sub), { recursive: true });
    expect(linkOf(top)).toEqual({ symlink: false, nlink: lstatSync(top).nlink });
    expect(linkOf(top)?.nlink).toBe(5);
    symlinkSync(top, join(dir, "tree-link"));
    expect(linkOf(join(dir, "tree-link"))).toEqual({
      symlink: true,
      nlink: lstatSync(join(dir, "tree-link")).nlink,
    });
    expect(linkOf(join(dir, "no-such-dir"))).toBeUndefined();
    expect(() => linkOf(`${top}\0/a`)).toThrow(/null bytes/);
  });
});
