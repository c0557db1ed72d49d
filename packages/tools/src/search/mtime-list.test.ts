// The stated order of glob and grep's file lists: newest first, ties by name in UTF-8 byte order —
// checked against a plain sort on random names (shared prefixes, names that are prefixes of
// others, non-ASCII) with few distinct times, as in a tree unpacked from an archive.
import { describe, expect, it } from "vitest";
import { seededRandom } from "../test/seeded-random.js";
import { MtimeList } from "./mtime-list.js";

const SEED = Number(process.env.BORIS_TEST_SEED ?? Date.now() % 1_000_000);
const PIECES = ["a", "ab", "b", "src/", "src/lib/", "é", "日本", "Z", "z", "-", ".c", "/", "~"];

function randomEntries(seed: number, n: number): { name: string; time: number }[] {
  const rnd = seededRandom(seed);
  const entries: { name: string; time: number }[] = [];
  for (let i = 0; i < n; i++) {
    let name = "";
    const parts = 1 + Math.floor(rnd() * 5);
    for (let p = 0; p < parts; p++) name += PIECES[Math.floor(rnd() * PIECES.length)];
    entries.push({ name, time: 1_700_000_000_000 + Math.floor(rnd() * 3) * 1000 });
  }
  return entries;
}

function reference(entries: readonly { name: string; time: number }[]): string[] {
  return [...entries]
    .sort((a, b) => b.time - a.time || Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)))
    .map((e) => e.name);
}

describe(`MtimeList order (seed ${SEED}; BORIS_TEST_SEED=${SEED} repeats it)`, () => {
  it("order() is newest first, ties by name bytes, for names added as strings and as bytes", () => {
    for (let round = 0; round < 20; round++) {
      const entries = randomEntries(SEED + round, 1 + round * 37);
      const list = new MtimeList();
      for (const [i, e] of entries.entries()) {
        if (i % 2 === 0) {
          list.addWithTime(e.time, e.name);
        } else {
          const raw = Buffer.from(`xx${e.name}yy`);
          list.addWithTime(e.time, "", raw, 2, raw.length - 2);
        }
      }
      const want = reference(entries);
      expect([...list.order()].map((i) => list.name(i))).toEqual(want);
    }
  });
});
