// glob's first page kept while offered: what it shows must be exactly what the pager shows of the
// whole list in the stated order (newest first, ties by name bytes), for any page size.
import { describe, expect, it } from "vitest";
import { seededRandom } from "../test/seeded-random.js";
import { NewestPage } from "./newest-page.js";
import { LinePager } from "./search-output.js";

const SEED = Number(process.env.BORIS_TEST_SEED ?? Date.now() % 1_000_000);
const PIECES = ["a", "ab", "b", "src/", "lib/", "é", "日本", "Z", "x.c", "-", "/", "𝄞", "long-name-"];

/** The page glob shows, and whether its note says paths were left out. */
function page(names: Iterable<string>, total: number, maxChars: number): { lines: string[]; more: boolean } {
  const pager = new LinePager({ offset: 0, headLimit: 0, maxChars });
  for (const name of names) if (pager.pushString(name)) break;
  return { lines: pager.lines, more: pager.cut || pager.lines.length < total };
}

describe(`NewestPage (seed ${SEED}; BORIS_TEST_SEED=${SEED} repeats it)`, () => {
  it("shows what the pager shows of the whole sorted list, and counts every entry", () => {
    const rnd = seededRandom(SEED);
    for (let round = 0; round < 200; round++) {
      const n = Math.floor(rnd() * 300);
      const entries: { name: string; time: number }[] = [];
      for (let i = 0; i < n; i++) {
        let name = "";
        const parts = 1 + Math.floor(rnd() * 6);
        for (let p = 0; p < parts; p++) name += PIECES[Math.floor(rnd() * PIECES.length)];
        entries.push({ name, time: 1_700_000_000_000 + Math.floor(rnd() * 4) * 1000 });
      }
      const maxChars = 1 + Math.floor(rnd() * 400);
      const kept = new NewestPage(maxChars);
      for (const [i, e] of entries.entries()) {
        if (i % 2 === 0) {
          kept.offerName(e.time, e.name);
        } else {
          const raw = Buffer.from(`//${e.name}\0`);
          kept.offerBytes(e.time, raw, 2, raw.length - 1);
        }
      }
      const sorted = [...entries]
        .sort((a, b) => b.time - a.time || Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)))
        .map((e) => e.name);
      expect(kept.total).toBe(n);
      expect(page(kept.names(), n, maxChars), `round ${round}, ${n} entries, ${maxChars} chars`).toEqual(
        page(sorted, n, maxChars),
      );
    }
  });
});
