// Generators of path arguments: inside, out through symlinks, `../` chains, absolute, NUL, odd.
import { basename, join } from "node:path";
import fc from "fast-check";
import { anyJson, hugeString, oddString } from "./values.js";
import type { FuzzWorld } from "./world.js";

/** Names the fuzzer may create outside the allowed dir if scoping failed. */
const OUTSIDE_NEW = ["sentinel/new-by-fuzz.txt", "sentinel/nested/new/f.txt", "new-at-root.txt"];
const OUTSIDE_EXISTING = ["sentinel/secret.txt", "sentinel/nested/x.txt", "root-secret.txt", "sentinel", "."];

/** Path arguments for a server whose only allowed dir is `allowed`, inside the world `root`. */
export function pathArb({ root, allowed }: FuzzWorld): fc.Arbitrary<unknown> {
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc.constantFrom("a.txt", "sub", "sub/b.ts", "sub/deep/c.md", ".hidden", "crlf.txt"),
    },
    {
      weight: 2,
      arbitrary: fc.constantFrom("img.png", "bin.dat", ".", "", "/", "loop/a.txt", "loop/loop/sub"),
    },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        "escape-dir",
        "escape-dir/secret.txt",
        "escape-file",
        "escape-dir/nested/x.txt",
        "escape-dir/new.txt",
      ),
    },
    { weight: 2, arbitrary: fc.stringMatching(/^[a-z]{1,8}$/).map((s) => `new-${s}.txt`) },
    { weight: 1, arbitrary: fc.stringMatching(/^[a-z]{1,8}$/).map((s) => `newdir/${s}/f.txt`) },
    // Absolute paths outside.
    {
      weight: 2,
      arbitrary: fc.constantFrom(...[...OUTSIDE_EXISTING, ...OUTSIDE_NEW].map((p) => join(root, p))),
    },
    // `../` chains: one level lands in the sentinel dir, enough levels reach / and come back down.
    {
      weight: 4,
      arbitrary: fc
        .tuple(fc.integer({ min: 1, max: 60 }), fc.constantFrom(...OUTSIDE_EXISTING, ...OUTSIDE_NEW))
        .map(([k, tail]) => {
          const up = "../".repeat(k);
          // From allowed/, k ups reach root when k = 1 and / when k >= depth(allowed).
          const depth = allowed.split("/").length - 1;
          return k === 1 ? `${up}${tail}` : k >= depth ? `${up}${root.slice(1)}/${tail}` : `${up}${tail}`;
        }),
    },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        "sub/../../sentinel/secret.txt",
        "./././../sentinel/new-by-fuzz.txt",
        `sub/deep/../../../${basename(root)}/../${basename(root)}/root-secret.txt`,
        "..//sentinel//secret.txt",
        "..\\sentinel\\secret.txt",
        "sub/./../../sentinel/nested/",
        "escape-dir/../allowed/a.txt",
        "%2e%2e/sentinel/secret.txt",
        "~/../sentinel",
      ),
    },
    // NUL bytes inside otherwise plausible paths.
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.constantFrom("a.txt", "../sentinel/secret.txt", "new.txt", "sub/"), fc.nat(12))
        .map(([p, at]) => `${p.slice(0, at)}\u0000${p.slice(at)}`),
    },
    { weight: 2, arbitrary: oddString },
    { weight: 1, arbitrary: hugeString },
    { weight: 1, arbitrary: anyJson },
  );
}
