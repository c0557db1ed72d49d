import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { chmod, mkdir, readdir, readFile, readlink, rm, stat, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeDir, tempDir } from "../test/file-support.js";
import { atomicWrite } from "./atomic-write.js";

let dir: string;
beforeAll(async () => {
  dir = await tempDir("boris-atomic-");
});
afterAll(async () => {
  await removeDir(dir);
});

const leftovers = async (d: string): Promise<string[]> =>
  (await readdir(d)).filter((f) => f.endsWith(".boris-tmp"));

describe("atomicWrite", () => {
  it("replaces the content with exactly the given mode, whatever the umask", async () => {
    const p = path.join(dir, "mode.txt");
    await writeFile(p, "old");
    const old = process.umask(0o077);
    try {
      await atomicWrite(p, "new content", { mode: 0o640 });
    } finally {
      process.umask(old);
    }
    expect(await readFile(p, "utf8")).toBe("new content");
    expect((await stat(p)).mode & 0o7777).toBe(0o640);
    expect(await leftovers(dir)).toEqual([]);
  });

  it("replaces the inode (rename), so a reader holding the old file keeps the old content", async () => {
    const p = path.join(dir, "inode.txt");
    await writeFile(p, "before");
    const before = await stat(p);
    await atomicWrite(p, "after", { mode: 0o644 });
    expect((await stat(p)).ino).not.toBe(before.ino);
  });

  it("writes through a chain of symlinks to the final target and keeps the links", async () => {
    const target = path.join(dir, "real.txt");
    await writeFile(target, "real");
    await symlink("real.txt", path.join(dir, "l1"));
    await symlink(path.join(dir, "l1"), path.join(dir, "l2"));
    const written = await atomicWrite(path.join(dir, "l2"), "through", { mode: 0o644 });
    expect(written.path).toBe(target);
    const st = await stat(target);
    expect({ size: written.stats.size, mtimeMs: written.stats.mtimeMs, ino: written.stats.ino }).toEqual({
      size: 7,
      mtimeMs: st.mtimeMs,
      ino: st.ino,
    });
    expect(await readFile(target, "utf8")).toBe("through");
    expect(await readlink(path.join(dir, "l2"))).toBe(path.join(dir, "l1"));
    // A dangling link: the file it names is created.
    await symlink("not-yet.txt", path.join(dir, "dangling"));
    await atomicWrite(path.join(dir, "dangling"), "born", { mode: 0o644 });
    expect(await readFile(path.join(dir, "not-yet.txt"), "utf8")).toBe("born");
  });

  it("removes its temp file when the final rename fails", async () => {
    const sub = path.join(dir, "fail");
    await mkdir(path.join(sub, "a-directory"), { recursive: true });
    await writeFile(path.join(sub, "a-directory", "inside"), "");
    await expect(atomicWrite(path.join(sub, "a-directory"), "x", { mode: 0o644 })).rejects.toMatchObject({
      code: expect.stringMatching(/EISDIR|ENOTEMPTY|EEXIST/),
    });
    expect(await leftovers(sub)).toEqual([]);
  });

  it.skipIf(process.getuid?.() === 0)("fails cleanly in a directory it cannot write", async () => {
    const ro = path.join(dir, "readonly");
    await mkdir(ro, { recursive: true });
    await chmod(ro, 0o555);
    try {
      await expect(atomicWrite(path.join(ro, "x.txt"), "x", { mode: 0o644 })).rejects.toMatchObject({
        code: "EACCES",
      });
    } finally {
      await chmod(ro, 0o755);
    }
  });
});

/**
 * Compiles files/atomic-write.ts and its local imports to plain JS in `out`, so a separate node
 * process can run the real writer without a build step.
 */
async function mkdirp(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  return dir;
}

async function compileWriter(out: string): Promise<string> {
  const src = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
  await writeFile(path.join(await mkdirp(out), "package.json"), '{ "type": "module" }');
  // The module and, transitively, every module it imports from this package.
  const todo = ["files/atomic-write"];
  for (const done = new Set<string>(); todo.length > 0; ) {
    const name = todo.pop() as string;
    if (done.has(name)) continue;
    done.add(name);
    const source = await readFile(path.join(src, `${name}.ts`), "utf8");
    for (const m of source.matchAll(/^import (?!type )[^;]*? from "(\.{1,2}\/[^"]+)\.js";/gm)) {
      todo.push(path.posix.join(path.posix.dirname(name), m[1] as string));
    }
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2022,
        verbatimModuleSyntax: true,
      },
    });
    await mkdirp(path.dirname(path.join(out, name)));
    await writeFile(path.join(out, `${name}.js`), outputText);
  }
  const script = path.join(out, "writer.js");
  await writeFile(
    script,
    `import { readFileSync } from "node:fs";
import { atomicWrite } from "./files/atomic-write.js";
const [target, aPath, bPath] = process.argv.slice(2);
const contents = [readFileSync(aPath), readFileSync(bPath)];
process.stdout.write("ready\\n");
for (let i = 0; ; i++) {
  await atomicWrite(target, contents[i % 2], { mode: 0o644 });
  process.stdout.write("w");
}
`,
  );
  return script;
}

function waitForReady(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    child.stdout?.once("data", () => resolve());
    child.once("exit", (code) => reject(new Error(`writer exited early with ${code}`)));
  });
}

describe("atomicWrite under SIGKILL", () => {
  it("leaves the complete old or the complete new content, never a torn file (30 kills)", async () => {
    const work = path.join(dir, "kill");
    const script = await compileWriter(path.join(dir, "writer-build"));
    await mkdir(work, { recursive: true });
    // Same size and different bytes throughout, so neither a truncated nor a mixed file passes.
    const size = 6 * 1024 * 1024;
    const a = Buffer.alloc(size, "A");
    const b = Buffer.alloc(size, "b");
    a.write("content A\n");
    b.write("content B\n");
    const aPath = path.join(dir, "a.bin");
    const bPath = path.join(dir, "b.bin");
    await writeFile(aPath, a);
    await writeFile(bPath, b);
    const target = path.join(work, "target.bin");
    await writeFile(target, a);

    const seen = { a: 0, b: 0 };
    let writes = 0;
    for (let round = 0; round < 30; round++) {
      const child = spawn(process.execPath, [script, target, aPath, bPath], {
        stdio: ["ignore", "pipe", "inherit"],
      });
      const exited = once(child, "exit");
      await waitForReady(child);
      child.stdout?.on("data", (d: Buffer) => {
        writes += d.toString().split("w").length - 1;
      });
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 250)));
      child.kill("SIGKILL");
      const [, signal] = await exited;
      expect(signal).toBe("SIGKILL");
      const now = await readFile(target);
      const which = now.equals(a) ? "a" : now.equals(b) ? "b" : undefined;
      expect(
        which,
        `round ${round}: target is ${now.length} bytes and neither complete version`,
      ).toBeDefined();
      seen[which as "a" | "b"]++;
      // A kill can leave a temp file behind, never a damaged target; clear it for the next round.
      for (const f of await leftovers(work)) await rm(path.join(work, f));
    }
    console.log(`kill test: ${writes} complete writes, final states ${JSON.stringify(seen)}`);
  }, 120_000);
});
