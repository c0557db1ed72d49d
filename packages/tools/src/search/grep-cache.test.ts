// Cheap paging (issue 15): later pages of a search that just ran are served from its kept result
// without running rg again; the result is dropped on a write through the tools, after its time,
// beyond its bounds and with its session; an old page says how old it is.
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { connect, type Harness, okText, removeDir, tempDir, testConfig } from "../test/file-support.js";
import { countingRg, rgCalls } from "../test/search-support.js";
import { searchCacheFor, setSearchCacheOptions } from "./search-cache.js";

const dirs: string[] = [];
const harnesses: Harness[] = [];

afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(harnesses.splice(0).map((h) => h.close()));
  await Promise.all(dirs.splice(0).map((d) => removeDir(d)));
});

/** 30 files of 20 matching lines each, and a server whose rg counts its calls. */
async function setup(cache?: Parameters<typeof setSearchCacheOptions>[1]) {
  const root = await tempDir("boris-grep-cache-");
  const bin = await tempDir("boris-grep-cache-bin-");
  dirs.push(root, bin);
  for (let f = 0; f < 30; f++) {
    await mkdir(path.join(root, `d${f % 3}`), { recursive: true });
    const lines = Array.from({ length: 20 }, (_, i) => `hit ${f}.${i}`);
    await writeFile(path.join(root, `d${f % 3}/f${f}.txt`), `${lines.join("\n")}\n`);
  }
  const log = path.join(bin, "calls.log");
  const config = testConfig({ rgPath: await countingRg(bin, log) });
  if (cache) setSearchCacheOptions(config, cache);
  const h = await connect(config, root);
  harnesses.push(h);
  const page = async (offset: number, extra: Record<string, unknown> = {}) =>
    okText(
      await h.call("grep", { pattern: "hit", output_mode: "content", head_limit: 50, offset, ...extra }),
    );
  return { root, h, config, page, calls: () => rgCalls(log) };
}

const body = (text: string) => text.split("\n\n[")[0] as string;

describe("grep paging cache", () => {
  it("serves later pages from the kept result, without running rg", async () => {
    const { page, calls } = await setup();
    const first = await page(0);
    expect(first).toContain("Call again with offset=50");
    const afterFirst = await calls();
    expect(afterFirst).toBeGreaterThan(0);
    const second = await page(50);
    const third = await page(100, { head_limit: 7 });
    expect(await calls()).toBe(afterFirst);
    expect(body(second).split("\n")).toHaveLength(50);
    expect(body(third).split("\n")).toHaveLength(7);
    expect(second).not.toContain("ago");
  });

  it("a first page searches afresh; a write through the tools voids the kept result", async () => {
    const { root, h, page, calls } = await setup();
    const first = await page(0);
    let n = await calls();
    expect(await page(0)).toBe(first);
    expect(await calls()).toBeGreaterThan(n);
    n = await calls();
    okText(await h.call("create_file", { path: path.join(root, "d0/new.txt"), content: "hit new\n" }));
    // The new file is the newest: page 2 of the new result starts one line earlier.
    const second = await page(50);
    expect(await calls()).toBeGreaterThan(n);
    expect(body(second).split("\n")[0]).toBe(body(first).split("\n")[49]);
  });

  it("other arguments are another search", async () => {
    const { page, calls } = await setup();
    await page(0);
    const n = await calls();
    await page(50, { path: "d1" });
    expect(await calls()).toBeGreaterThan(n);
  });

  it("a page from a result older than the note's threshold says so; past its time it searches again", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const { page, calls } = await setup({ staleNoteMs: 30_000, ttlMs: 300_000 });
    await page(0);
    const n = await calls();
    vi.setSystemTime(Date.now() + 45_000);
    const old = await page(50);
    expect(await calls()).toBe(n);
    expect(old).toMatch(/comes from the result of this search made 45 s ago/);
    vi.setSystemTime(Date.now() + 300_000);
    const fresh = await page(100);
    expect(await calls()).toBeGreaterThan(n);
    expect(fresh).not.toContain("ago");
  });

  it("keeps results within the session's bound, and lets them go with the session", async () => {
    const { h, config, page } = await setup({ sessionBytes: 64 * 1024, serverBytes: 96 * 1024 });
    const cache = searchCacheFor(config);
    for (const pattern of ["hit", "hit 1", "hit 2", "hit 3", "hit \\d+\\.1"]) await page(0, { pattern });
    expect(cache.bytes).toBeGreaterThan(0);
    expect(cache.bytes).toBeLessThanOrEqual(64 * 1024);
    await h.session.close();
    expect(cache.bytes).toBe(0);
  });

  it("a result too big to keep whole still pages exactly, reading the rest again", async () => {
    const { page, calls } = await setup({ sessionBytes: 8 * 1024 });
    const all: string[] = [];
    let offset = 0;
    let afterFirst = 0;
    for (;;) {
      const text = await page(offset);
      afterFirst ||= await calls();
      const lines = body(text).split("\n");
      all.push(...lines);
      if (!text.includes("Call again")) break;
      offset += lines.length;
    }
    expect(all).toHaveLength(600);
    expect(new Set(all).size).toBe(600);
    // Pages past the part kept ran rg again (over the files after that part only).
    expect(await calls()).toBeGreaterThan(afterFirst);
  });

  it("pages with context lines join up to the whole output, separators included, kept or read again", async () => {
    for (const sessionBytes of [8 * 1024 * 1024, 2 * 1024]) {
      const { page } = await setup({ sessionBytes });
      const args = { pattern: "hit \\d+\\.(3|4|9)$", context: 1 };
      const whole = body(await page(0, { ...args, head_limit: 0 })).split("\n");
      expect(whole.filter((l) => l === "--").length).toBeGreaterThan(30);
      const pages: string[] = [];
      for (let offset = 0; offset < whole.length; offset += 7) {
        pages.push(...body(await page(offset, { ...args, head_limit: 7 })).split("\n"));
      }
      expect(pages).toEqual(whole);
    }
  });
});
