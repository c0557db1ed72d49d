// Exact paging (issue 15): for the same arguments, pages 1…n together are exactly the full result —
// every line, count or file once, none missing — in the stated order (newest file first, ties by
// path; a file's lines in line order), whatever order ripgrep's parallel search printed them in.
import { mkdir, utimes, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, type Harness, okText, removeDir, tempDir, testConfig } from "../test/file-support.js";
import { seededRandom } from "../test/seeded-random.js";
import { setSearchCacheOptions } from "./search-cache.js";

interface TreeFile {
  readonly rel: string;
  readonly mtime: number;
  readonly lines: readonly string[];
}

const SEED = Number(process.env.BORIS_TEST_SEED ?? Date.now() % 1_000_000);
const FILES = 2000;
const WORDS = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "theta", "kappa"];

function makeTree(seed: number): TreeFile[] {
  const rnd = seededRandom(seed);
  // Few distinct mtimes: most files tie, as in a tree unpacked from an archive.
  const base = Math.floor(Date.now() / 1000) - 10_000;
  const files: TreeFile[] = [];
  for (let i = 0; i < FILES; i++) {
    const dir = `d${String(Math.floor(rnd() * 40)).padStart(2, "0")}`;
    const sub = rnd() < 0.3 ? `/s${Math.floor(rnd() * 3)}` : "";
    const lines: string[] = [];
    const n = 3 + Math.floor(rnd() * 12);
    for (let l = 0; l < n; l++) {
      const words = Array.from({ length: 2 + Math.floor(rnd() * 4) }, () => WORDS[Math.floor(rnd() * 8)]);
      if (rnd() < 0.12) words.splice(Math.floor(rnd() * words.length), 0, "needle");
      lines.push(words.join(" "));
    }
    files.push({ rel: `${dir}${sub}/f${i}.txt`, mtime: base + Math.floor(rnd() * 6) * 100, lines });
  }
  return files;
}

/** The stated order: newest first, ties by path (byte order). */
function ordered(files: readonly TreeFile[]): TreeFile[] {
  return [...files].sort((a, b) => b.mtime - a.mtime || (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

function expected(files: readonly TreeFile[], mode: string): string[] {
  const out: string[] = [];
  for (const f of ordered(files)) {
    const hits = f.lines.map((text, i) => ({ text, n: i + 1 })).filter((l) => l.text.includes("needle"));
    if (hits.length === 0) continue;
    if (mode === "content") for (const h of hits) out.push(`${f.rel}:${h.n}:${h.text}`);
    else if (mode === "count") out.push(`${f.rel}:${hits.length}`);
    else out.push(f.rel);
  }
  return out;
}

/** The listing part of a page: the text before its `[…]` note. */
function body(text: string): string[] {
  if (text.startsWith("No ")) return [];
  const cut = text.indexOf("\n\n[");
  return (cut < 0 ? text : text.slice(0, cut)).split("\n");
}

/**
 * Pages through a search as an agent does: with head_limit, the next offset is the lines seen so
 * far; without, the offset the note names. Returns every page's lines, concatenated.
 */
async function walk(h: Harness, mode: string, headLimit: number): Promise<string[]> {
  const all: string[] = [];
  let offset = 0;
  for (let page = 0; page < 500; page++) {
    const args: Record<string, unknown> = { pattern: "needle", output_mode: mode };
    if (offset > 0) args.offset = offset;
    if (headLimit > 0) args.head_limit = headLimit;
    const text = okText(await h.call("grep", args));
    const lines = body(text);
    all.push(...lines);
    const next = /offset=(\d+)/.exec(text.slice(text.indexOf("\n\n[") + 1));
    if (headLimit > 0) {
      if (lines.length < headLimit) return all;
      if (next) expect(Number(next[1])).toBe(offset + lines.length);
    } else if (!next) {
      return all;
    }
    offset += lines.length;
  }
  throw new Error("more than 500 pages");
}

function duplicates(lines: readonly string[]): string[] {
  const seen = new Set<string>();
  return lines.filter((l) => {
    if (seen.has(l)) return true;
    seen.add(l);
    return false;
  });
}

let root = "";
let tree: TreeFile[] = [];
const harnesses: Harness[] = [];

beforeAll(async () => {
  console.log(`grep paging: seed ${SEED} (set BORIS_TEST_SEED to repeat)`);
  root = await tempDir("boris-grep-paging-");
  tree = makeTree(SEED);
  for (const f of tree) {
    const abs = path.join(root, f.rel);
    await mkdir(path.dirname(abs), { recursive: true });
    await writeFile(abs, `${f.lines.join("\n")}\n`);
    await utimes(abs, f.mtime, f.mtime);
  }
  // One server for three sessions; a fourth session on a server whose cache holds almost nothing,
  // so its later pages come from reading the files again.
  const shared = testConfig();
  for (let i = 0; i < 3; i++) harnesses.push(await connect(shared, root));
  const tiny = testConfig();
  setSearchCacheOptions(tiny, { sessionBytes: 16 * 1024 });
  harnesses.push(await connect(tiny, root));
}, 120_000);

afterAll(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.close()));
  await removeDir(root);
});

describe("grep paging", () => {
  it("pages of every mode and head_limit, walked concurrently, are the full result exactly once, in order", async () => {
    const [a, b, other, uncached] = harnesses as [Harness, Harness, Harness, Harness];
    const sessions = [a, b, uncached];
    const walks: [string, number][] = [];
    for (const mode of ["content", "count", "files_with_matches"]) {
      for (const limit of [0, 40, 333]) walks.push([mode, limit]);
    }
    for (let round = 0; round < 3; round++) {
      let busy = true;
      // Other searches of a third session run all the while, through the same server-wide limits.
      const noise = (async () => {
        for (let i = 0; busy; i++) {
          okText(
            await other.call("grep", { pattern: WORDS[i % 8], output_mode: i % 2 ? "count" : "content" }),
          );
          okText(await other.call("glob", { pattern: "**/*.txt" }));
        }
      })();
      const results = await Promise.all(
        walks.map(([mode, limit], i) =>
          walk(sessions[(i + round) % 3] as Harness, mode, limit).then((got) => ({ mode, limit, got })),
        ),
      );
      busy = false;
      await noise;
      for (const { mode, limit, got } of results) {
        const want = expected(tree, mode);
        const label = `seed ${SEED}, round ${round}, ${mode}, head_limit ${limit}`;
        expect(duplicates(got), label).toEqual([]);
        expect([...got].sort(), label).toEqual([...want].sort());
        const at = got.findIndex((l, i) => l !== want[i]);
        expect(got.slice(Math.max(0, at - 2), at + 3), `${label}, first difference at ${at}`).toEqual(
          want.slice(Math.max(0, at - 2), at + 3),
        );
      }
    }
  }, 600_000);
});
