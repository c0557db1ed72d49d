import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { removeDir, tempDir } from "../test/file-support.js";
import { rootDirs } from "./root-dirs.js";

const dir = await tempDir("boris-root-dirs-");
afterAll(() => removeDir(dir));
const a = path.join(dir, "a dir");
const b = path.join(dir, "b");
await mkdir(a);
await mkdir(b);
await writeFile(path.join(dir, "file.txt"), "x");
const uri = (p: string) => pathToFileURL(p).href;

describe("rootDirs", () => {
  it("keeps the file:// roots that are directories here, in order, once each", () => {
    const roots = [{ uri: uri(b) }, { uri: uri(a), name: "A" }, { uri: `${uri(b)}/` }];
    expect(rootDirs(roots)).toEqual({ dirs: [b, a], ignored: [] });
    // Percent-encoded names decode to the real path.
    expect(uri(a)).toContain("a%20dir");
  });

  it("ignores every other root and says why", () => {
    const roots = [
      { uri: "https://example.com/repo" },
      { uri: "git://host/repo" },
      { uri: "file://elsewhere.example/srv/app" },
      { uri: uri(path.join(dir, "missing")) },
      { uri: uri(path.join(dir, "file.txt")) },
      { uri: uri(a) },
    ];
    const { dirs, ignored } = rootDirs(roots);
    expect(dirs).toEqual([a]);
    expect(ignored.map((r) => r.uri)).toEqual(roots.slice(0, 5).map((r) => r.uri));
    expect(ignored[0]?.reason).toBe("only file:// roots count");
    expect(ignored[1]?.reason).toBe("only file:// roots count");
    expect(ignored[2]?.reason).toMatch(/^not a local file URI \(/);
    expect(ignored[3]?.reason).toBe("no such directory on this machine");
    expect(ignored[4]?.reason).toBe("not a directory");
  });
});
