// Edits never lose an update: queued per server and per real path, and the target is looked at
// again right before the rename.
import fs, { renameSync, writeFileSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  connect,
  errorOf,
  type Harness,
  okText,
  removeDir,
  tempDir,
  testConfig,
} from "../test/file-support.js";

let dir: string;
const harnesses: Harness[] = [];

beforeAll(async () => {
  dir = await tempDir("boris-edit-concurrency-");
});
afterAll(async () => {
  await removeDir(dir);
});
afterEach(async () => {
  vi.restoreAllMocks();
  for (const h of harnesses.splice(0)) await h.close();
});

async function session() {
  const h = await connect(testConfig(), dir);
  harnesses.push(h);
  return h;
}

describe("concurrent edits", () => {
  it("serialises concurrent edits of one file in a session: none is lost", async () => {
    const h = await session();
    const count = 25;
    const p = path.join(dir, "slots.txt");
    await writeFile(p, Array.from({ length: count }, (_, i) => `slot ${i}: empty\n`).join(""));
    okText(await h.call("view", { path: p }));
    const results = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        h.call("str_replace", {
          path: p,
          old_str: `slot ${i}: empty`,
          new_str: `slot ${i}: filled by call ${i}`,
        }),
      ),
    );
    for (const r of results) okText(r);
    expect(await readFile(p, "utf8")).toBe(
      Array.from({ length: count }, (_, i) => `slot ${i}: filled by call ${i}\n`).join(""),
    );
  });

  it("two sessions of one server that both viewed a file: one edit lands, the other is FILE_CHANGED_SINCE_VIEW", async () => {
    const a = await session();
    const b = await session();
    const p = path.join(dir, "shared.txt");
    for (let round = 0; round < 20; round++) {
      await writeFile(p, `round ${round}\nline a\nline b\n`);
      okText(await a.call("view", { path: p }));
      okText(await b.call("view", { path: p }));
      const [ra, rb] = await Promise.all([
        a.call("str_replace", { path: p, old_str: "line a", new_str: "A was here" }),
        b.call("str_replace", { path: p, old_str: "line b", new_str: "B was here" }),
      ]);
      const content = await readFile(p, "utf8");
      expect(Boolean(ra.isError) !== Boolean(rb.isError), `round ${round}: ${content}`).toBe(true);
      expect(content).toContain(ra.isError ? "B was here" : "A was here");
      const refused = ra.isError ? ra : rb;
      expect(errorOf(refused, "FILE_CHANGED_SINCE_VIEW")).toContain(
        "changed on disk since this session last viewed it",
      );
      expect(content).not.toContain(ra.isError ? "A was here" : "B was here");
    }
  });

  it("a file replaced by another process between the read and the rename is not overwritten", async () => {
    const h = await session();
    const p = path.join(dir, "raced.txt");
    await writeFile(p, "original\n");
    okText(await h.call("view", { path: p }));
    // Right after the edit's (synchronous) write of its temp file, its last step before the re-check
    // and the rename, another process puts its own version in place.
    for (const method of ["write", "writev"] as const) {
      const original = fs[method] as (...args: unknown[]) => void;
      vi.spyOn(fs, method).mockImplementation(((...args: unknown[]) => {
        const done = args.pop() as (...results: unknown[]) => void;
        original(...args, (...results: unknown[]) => {
          writeFileSync(`${p}.other`, "someone else's version\n");
          renameSync(`${p}.other`, p);
          done(...results);
        });
      }) as never);
    }
    const message = errorOf(
      await h.call("str_replace", { path: p, old_str: "original", new_str: "mine" }),
      "FILE_CHANGED_SINCE_VIEW",
    );
    expect(message).toContain("changed on disk while this edit was being made");
    expect(await readFile(p, "utf8")).toBe("someone else's version\n");
  });
});
