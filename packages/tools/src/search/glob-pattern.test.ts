// The suffix shortcut of glob patterns (`*.c` decided by the name's last bytes, without decoding or
// a regex) must say exactly what picomatch says, and must not be taken where it could differ.
import picomatch from "picomatch";
import { describe, expect, it } from "vitest";
import { seededRandom } from "../test/seeded-random.js";
import { compileGlob } from "./glob-pattern.js";

const SEED = Number(process.env.BORIS_TEST_SEED ?? Date.now() % 1_000_000);
const PICO = { dot: true, noextglob: true, nonegate: true, posix: true };
const PIECES = [
  "\n",
  "\r",
  "\u2028",
  "\u2029",
  "\u0085",
  ".",
  "..",
  "c",
  ".c",
  "x",
  "_test",
  ".go",
  "go",
  "-",
  "~",
  "tar",
  ".gz",
  "é",
  "C",
  " ",
  "a.c",
];

/** Patterns the shortcut takes, and patterns it must leave to the regex. */
const TAKEN = ["*.c", "**/*.c", "*_test.go", "**/*_test.go", "*.tar.gz", "*-x", "*~", "*c", "*.C"];
const LEFT = [
  "*",
  "*.",
  "*..",
  "**.c",
  "*.{c,h}",
  "*.[ch]",
  "*.?",
  "a*.c",
  "*\\.c",
  '*".c"',
  "*.c*",
  "src/*.c",
  "**/src/*.c",
  "*.c/",
  "*é",
  "* .c",
  "*!c",
];

describe(`glob suffix shortcut (seed ${SEED}; BORIS_TEST_SEED=${SEED} repeats it)`, () => {
  it("is taken only for `*` and a literal tail of plain name characters", () => {
    for (const p of TAKEN) expect(compileGlob(p).suffixDecides, p).toBe(true);
    for (const p of LEFT) expect(compileGlob(p).suffixDecides, p).toBe(false);
  });

  it("matches names and paths exactly as picomatch does, for every pattern", () => {
    const rnd = seededRandom(SEED);
    const pick = () => PIECES[Math.floor(rnd() * PIECES.length)] as string;
    for (const pattern of [...TAKEN, ...LEFT]) {
      const m = compileGlob(pattern);
      const seg = pattern.startsWith("**/") ? pattern.slice(3) : pattern;
      const name = picomatch.makeRe(seg, PICO);
      const whole = picomatch.makeRe(pattern, PICO);
      for (let i = 0; i < 400; i++) {
        let base = "";
        for (let n = 1 + Math.floor(rnd() * 4); n > 0; n--) base += pick();
        const dirs = Math.floor(rnd() * 3);
        let rel = base;
        for (let d = 0; d < dirs; d++) rel = `${pick()}${pick()}/${rel}`;
        if (m.baseNameOnly) {
          expect(m.matchesBaseName(base), `${pattern} on name ${JSON.stringify(base)}`).toBe(name.test(base));
          expect(m.matches(rel), `${pattern} on path ${JSON.stringify(rel)}`).toBe(name.test(base));
        } else {
          expect(m.matches(rel), `${pattern} on path ${JSON.stringify(rel)}`).toBe(
            whole.test(rel) || whole.test(base),
          );
        }
      }
    }
  });
});
